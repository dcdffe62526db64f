"""`tradedr init` and `tradedr config show`: write the example config, print the effective one."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from tradedr.cli.options import ConfigOption, JsonOption, settings_from
from tradedr.cli.render.config import render_settings, render_written
from tradedr.config import DEFAULT_CONFIG_NAME, config_source


def init(
    path: Annotated[Path, typer.Argument(help="Where to write the config.")] = Path(
        DEFAULT_CONFIG_NAME
    ),
    force: Annotated[bool, typer.Option("--force", help="Overwrite an existing file.")] = False,
    as_json: JsonOption = False,
) -> None:
    """Write an annotated example tradedr.toml (the defaults, every key explained)."""
    from tradedr.services import write_example_config

    render_written(write_example_config(path, force=force), as_json=as_json)


def show(config: ConfigOption = None, as_json: JsonOption = False) -> None:
    """Print the effective config after defaults and validation, as TOML (or JSON).

    Every default is filled in; an optional key left unset is a comment with the value it
    takes, so the output loads back to the same config. Which file was loaded (or "built-in
    defaults") goes to stderr, so stdout can be redirected to a file.
    """
    settings = settings_from(config)
    render_settings(settings, source=config_source(config), as_json=as_json)
