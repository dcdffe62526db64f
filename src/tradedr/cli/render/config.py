"""`tradedr config show`: the effective settings, as TOML (every default filled in) or as
JSON; which file they came from goes to stderr, so stdout stays valid TOML or JSON."""

from __future__ import annotations

import sys
from pathlib import Path

from tradedr.cli.output import console, emit_json, err_console
from tradedr.config import Settings


def render_written(path: Path, *, as_json: bool = False) -> None:
    if as_json:
        emit_json({"written": str(path)})
        return
    console.print(f"wrote {path}; edit it, then run `tradedr synth`")


def render_settings(settings: Settings, *, source: Path | None, as_json: bool) -> None:
    """`source` is the file loaded; None for the built-in defaults."""
    shown = str(source) if source is not None else "built-in defaults"
    err_console.print(
        f"config: {shown}" if source is None else f"config: loaded {shown}",
        highlight=False,
        markup=False,
        soft_wrap=True,
    )
    if as_json:
        emit_json(settings.model_dump(mode="json"))
        return
    from tradedr.services import settings_toml

    sys.stdout.write(settings_toml(settings, source=shown))
