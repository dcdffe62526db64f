"""`tradedr validate`: one row per check and region, then the verdict."""

from __future__ import annotations

from typing import TYPE_CHECKING

from rich.table import Table

from tradedr.cli.output import console, count, emit_json

if TYPE_CHECKING:
    from tradedr.ops.validate import ValidationReport


def render_validation(report: ValidationReport, *, title: str, as_json: bool) -> None:
    if as_json:
        emit_json(report.to_dict())
        return
    table = Table(title=title)
    table.add_column("check", no_wrap=True)
    table.add_column("region", no_wrap=True)
    table.add_column("status", no_wrap=True)
    table.add_column("detail")
    colour = {"ok": "green", "fail": "red", "not-emulated": "yellow"}
    for c in report.checks:
        table.add_row(c.name, c.region, f"[{colour[c.status]}]{c.status}[/]", c.detail)
    console.print(table)
    failed = sum(1 for c in report.checks if c.status == "fail")
    console.print("passed" if report.passed else f"[red]{count(failed)} checks failed[/]")
