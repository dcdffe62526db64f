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
    if report.data_plane_unavailable:
        console.print(f"data plane not available: {report.data_plane_unavailable}", highlight=False)
    if report.data_plane:
        dp = report.data_plane
        lost = ", ".join(f"{k} {v}" for k, v in dp["acknowledged_lost"].items()) or "none read"
        unavailable = dp["client_unavailable_seconds"]
        console.print(
            f"data plane: {dp['orders_acknowledged']:,} orders acknowledged of "
            f"{dp['orders_sent']:,}; lost: {lost}; split-brain writes "
            f"{dp['split_brain_writes']}; duplicates {dp['duplicates']}; clients unavailable "
            + ("(no recovery seen)" if unavailable is None else seconds(unavailable)),
            soft_wrap=True,
            highlight=False,
        )
    for step in report.steps:
        if step.status == "failed":
            err_console.print(f"[bold red]failed:[/] {step.name}: {step.detail}", highlight=False)
