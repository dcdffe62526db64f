"""`tradedr evidence`: the chain verdicts, the pack written, the incident draft and the
drill cadence. Problems go to stderr one line each; results to stdout."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from rich.markup import escape
from rich.table import Table

from tradedr.cli.output import console, emit_json, err_console

if TYPE_CHECKING:
    from tradedr.evidence.incident import IncidentDraft
    from tradedr.evidence.pack import PackResult
    from tradedr.evidence.service import VerifyOutcome
    from tradedr.evidence.status import CadenceReport


def _warn(lines: list[str]) -> None:
    for line in lines:
        err_console.print(f"[yellow]warning:[/] {escape(line)}", highlight=False)


def render_verification(outcome: VerifyOutcome, *, as_json: bool) -> None:
    if as_json:
        emit_json(outcome.as_dict())
    else:
        for line in outcome.lines():
            console.print(escape(line), highlight=False, soft_wrap=True)
    _warn([w for r in outcome.results for w in r.warnings])


def render_pack(result: PackResult, *, as_json: bool) -> None:
    if as_json:
        emit_json(result.as_dict())
    else:
        console.print(
            f"evidence pack: {result.html_path}, {result.json_path}, {result.manifest_path} "
            f"({len(result.drills)} drill(s), {len(result.chains)} journal(s))",
            highlight=False,
            soft_wrap=True,
        )
        for chain in result.chains:
            if not chain.intact:
                err_console.print(f"[bold red]broken:[/] {escape(chain.line)}", highlight=False)
    _warn(result.warnings)


def render_incident(draft: IncidentDraft, *, out: Path | None, as_json: bool) -> None:
    text = draft.markdown()
    if out is not None:
        from tradedr.fileio import write_private

        write_private(out, text)
    if as_json:
        emit_json({**draft.as_dict(), "written": str(out) if out else None})
        return
    console.print(text, markup=False, highlight=False, soft_wrap=True)
    if out is not None:
        err_console.print(f"written: {out}", highlight=False)


def render_cadence(report: CadenceReport, *, as_json: bool) -> None:
    if as_json:
        emit_json(report.as_dict())
        return
    table = Table(title=f"DR drills (every {report.interval_months} months)")
    for column in ("scenario", "regions", "last passed", "on", "due", "status"):
        table.add_column(column, overflow="fold")
    for row in report.rows:
        table.add_row(
            row.scenario,
            row.pair,
            row.last_passed.date().isoformat() if row.last_passed else "never",
            row.target or "-",
            row.due.date().isoformat() if row.due else "-",
            "[bold red]OVERDUE[/]" if row.overdue else "[green]ok[/]",
        )
    console.print(table)
    for line in report.lines():
        err_console.print(f"[bold red]overdue:[/] {escape(line)}", highlight=False)
    _warn(report.notes)
