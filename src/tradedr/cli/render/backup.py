"""`tradedr backup now` and `tradedr backup restore-test`: one row per backup or restore."""

from __future__ import annotations

from typing import TYPE_CHECKING

from rich.table import Table

from tradedr.cli.output import console, emit_json, seconds

if TYPE_CHECKING:
    from tradedr.ops.backup import BackupResult


def render_backup(result: BackupResult, *, title: str, as_json: bool) -> None:
    if as_json:
        emit_json(result.to_dict())
        return
    table = Table(title=title)
    table.add_column("kind", no_wrap=True)
    table.add_column("region", no_wrap=True)
    table.add_column("identifier")
    table.add_column("status", no_wrap=True)
    table.add_column("seconds", justify="right")
    table.add_column("detail")
    for item in result.items:
        table.add_row(
            item.kind,
            item.region,
            item.identifier,
            item.status,
            seconds(item.seconds, unit=False),
            item.detail,
        )
    console.print(table)
    for left in result.left_behind:
        console.print(f"[red]left behind:[/] {left}: delete it by hand")
