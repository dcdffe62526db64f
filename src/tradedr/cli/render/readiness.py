"""`tradedr readiness`: one line per check as it finishes, then the verdict."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from rich.markup import escape

from tradedr.cli.output import console, emit_json, err_console

if TYPE_CHECKING:
    from tradedr.readiness.model import ReadinessReport, Verdict

COLOUR = {
    "pass": "green",
    "fail": "red",
    "error": "red",
    "not-emulated": "yellow",
    "not-applicable": "dim",
}


def readiness_progress(as_json: bool) -> Callable[[Verdict], None] | None:
    if as_json:
        return None

    def show(verdict: Verdict) -> None:
        err_console.print(f"[dim]·[/] {verdict.check}: {verdict.status.value}", highlight=False)

    return show


def render_readiness(report: ReadinessReport, *, as_json: bool) -> None:
    if as_json:
        emit_json(report.to_dict())
        return
    for v in report.verdicts:
        status = v.status.value
        console.print(
            f"[{COLOUR[status]}]{status.ljust(14)}[/] {v.check} ({v.region}): {escape(v.detail)}",
            highlight=False,
            soft_wrap=True,
        )
    code = report.exit_code
    verdict = {0: "ready", 1: "NOT ready", 3: "unknown: a check could not ask AWS"}[code]
    console.print(f"readiness of {report.standby} on {report.target}: {verdict}")
