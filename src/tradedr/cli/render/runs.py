"""Runs of a plan (failover, failback, fence): the plan table before it runs, a line per
step as it runs, the result table after; and the failover plan exported for ARC Region
switch."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import TYPE_CHECKING, Any

from rich.markup import escape
from rich.table import Table

from tradedr.cli.output import console, count, emit_json, err_console, print_warning, seconds

if TYPE_CHECKING:
    from tradedr.ops.executor import RunResult, StepRecord
    from tradedr.ops.plans import Plan, Step
    from tradedr.ops.region_switch import RegionSwitchExport
    from tradedr.ops.run import Progress


def print_plan(plan: Plan) -> None:
    """The plan, group by group, on stderr before anything runs; then its notes."""
    from tradedr.ops.plans import render_plan

    table = Table(title=f"plan: {plan.title}", show_lines=True)
    for column in ("group", "step", "action", "region", "what / verify"):
        table.add_column(column, no_wrap=column in ("step", "region"))
    for row in render_plan(plan):
        table.add_row(*row)
    err_console.print(table)
    for note in plan.notes:
        err_console.print(f"[yellow]note:[/] {note}", highlight=False, soft_wrap=True)


def _declined(record: StepRecord) -> bool:
    """A manual approval that stopped the plan: the operator said no (or gave no answer).
    The journal and --json keep the executor's machine-readable "failed"."""
    return record.action == "manual-approval" and record.status == "failed"


def shown_status(record: StepRecord) -> str:
    """The step's status as the operator reads it: "declined", not "failed", for a no."""
    return "declined" if _declined(record) else record.status


def step_progress(as_json: bool) -> Progress:
    """A line on stderr as each step starts, retries and ends; nothing under --json."""

    def report(event: str, step: Step | None, attempt: int, extra: Any = None) -> None:
        if as_json:
            return
        if event == "start" and step is not None:
            again = f" (attempt {attempt})" if attempt > 1 else ""
            err_console.print(f"[dim]·[/] {step.id}{again} ...", highlight=False, soft_wrap=True)
        elif event == "retry" and step is not None:
            err_console.print(
                f"  [yellow]retrying[/] {step.id}: {extra}", highlight=False, soft_wrap=True
            )
        elif event == "end":
            err_console.print(
                f"  {shown_status(extra)} in {seconds(extra.seconds, 2)}",
                highlight=False,
                soft_wrap=True,
            )

    return report


def render_run(result: RunResult, *, as_json: bool) -> None:
    """The run's warnings first, then its steps (table or JSON), then why it stopped."""
    for warning in result.warnings:
        print_warning(warning)
    if as_json:
        emit_json(result.as_dict())
    else:
        table = Table(
            title=f"{result.plan.title}: {result.status} in {seconds(result.total_seconds)}"
        )
        for column in ("step", "region", "status", "seconds", "attempts", "detail"):
            table.add_column(column, no_wrap=column in ("step", "region", "status"))
        for record in result.records:
            status = shown_status(record) + (" (earlier run)" if record.previous_run else "")
            table.add_row(
                record.step_id,
                record.region,
                status,
                seconds(record.seconds, 2, unit=False),
                count(record.attempts),
                record.detail,
            )
        console.print(table)
        if result.run_id != "dry-run":
            console.print(f"run id {result.run_id}; journal {result.journal_path}", soft_wrap=True)
    if result.status == "stopped":
        last = result.records[-1] if result.records else None
        message = result.message
        if last is not None and _declined(last):
            reason = last.detail.removeprefix(f"{last.step_id}: ")
            message = f"step {last.step_id} in {last.region}: {reason}"
        err_console.print(
            f"[bold red]stopped:[/] {escape(message)}", highlight=False, soft_wrap=True
        )


def render_export(export: RegionSwitchExport, *, out: Path | None, as_json: bool = False) -> None:
    """Notes on stderr; the CreatePlan JSON on stdout, or written privately (0600) to OUT
    (then, with --json, what was written and the notes on stdout)."""
    for note in export.notes:
        err_console.print(f"note: {escape(note)}", highlight=False)
    if out is None:
        sys.stdout.write(export.to_json() + "\n")  # the output is JSON already
        return
    from tradedr.fileio import write_private

    write_private(out, export.to_json() + "\n")
    if as_json:
        emit_json({"written": str(out), "notes": export.notes})
    else:
        err_console.print(f"wrote {out}", highlight=False)
