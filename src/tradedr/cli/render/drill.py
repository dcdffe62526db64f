"""`tradedr drill`: one row per step, the measured recovery against the RTO target, where
the reports went, and each failed step on stderr."""

from __future__ import annotations

from typing import TYPE_CHECKING

from rich.table import Table

from tradedr.cli.output import console, emit_json, err_console, seconds

if TYPE_CHECKING:
    from tradedr.ops.service import DrillOutcome


def render_drill(outcome: DrillOutcome, *, as_json: bool) -> None:
    report = outcome.report
    if as_json:
        emit_json(report.as_dict())
        return
    table = Table(title=f"DR drill on {report.target}: {'PASSED' if report.passed else 'FAILED'}")
    for column in ("#", "step", "region", "status", "seconds"):
        right = column in ("#", "seconds")
        table.add_column(column, justify="right" if right else "left", overflow="fold")
    style = {"executed": "green", "not-emulated": "yellow", "failed": "bold red"}
    for index, step in enumerate(report.steps, start=1):
        table.add_row(
            str(index),
            step.name,
            step.region,
            f"[{style[step.status]}]{step.status}[/]",
            seconds(step.seconds, 2, unit=False),
        )
    console.print(table)
    recovery = report.measured_recovery_seconds
    console.print(
        f"total {seconds(report.total_seconds)}; measured recovery "
        + ("not reached" if recovery is None else seconds(recovery))
        + f" (RTO target {seconds(report.rto_seconds)}"
        + (
            f", modelled p50 {seconds(report.modelled_rto_seconds['p50'], 0)}"
            if report.modelled_rto_seconds
            else ""
        )
        + f"); reports: {outcome.markdown_path}, {outcome.json_path}",
        soft_wrap=True,
    )
    for step in report.steps:
        if step.status == "failed":
            err_console.print(f"[bold red]failed:[/] {step.name}: {step.detail}", highlight=False)
