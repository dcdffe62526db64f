"""`tradedr config show`: the effective settings, as a table of dotted keys or as JSON."""

from __future__ import annotations

from pathlib import Path

from rich.table import Table

from tradedr.cli.output import console, emit_json
from tradedr.config import Settings


def render_written(path: Path) -> None:
    console.print(f"wrote {path}; edit it, then run `tradedr synth`")


def render_settings(settings: Settings, *, as_json: bool) -> None:
    data = settings.model_dump(mode="json")
    if as_json:
        emit_json(data)
        return
    from tradedr.services import config_rows

    table = Table(title=f"tradedr config: {settings.prefix}", show_lines=False)
    table.add_column("setting")
    table.add_column("value")
    for key, value in config_rows(data):
        table.add_row(key, value)
    console.print(table)
