"""`tradedr init` and `tradedr config show`: write the example config, print the effective one."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from tradedr.cli.options import ConfigOption, JsonOption, settings_from
from tradedr.cli.render.config import render_settings, render_written
from tradedr.config import DEFAULT_CONFIG_NAME


def init(
    path: Annotated[Path, typer.Argument(help="Where to write the config.")] = Path(
        DEFAULT_CONFIG_NAME
    ),
    force: Annotated[bool, typer.Option("--force", help="Overwrite an existing file.")] = False,
) -> None:
    """Write an annotated example tradedr.toml (the defaults, every key explained)."""
    from tradedr.services import write_example_config

    render_written(write_example_config(path, force=force))


def show(config: ConfigOption = None, as_json: JsonOption = False) -> None:
    """Print the effective config after defaults and validation."""
    render_settings(settings_from(config), as_json=as_json)
