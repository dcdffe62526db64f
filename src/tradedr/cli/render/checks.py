"""`tradedr check`: findings grouped by severity, a per-source summary and the verdict; or
the report as JSON or SARIF; or the acknowledged findings and their reasons."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from rich.markup import escape
from rich.table import Table

from tradedr.cli.options import OutputFormat
from tradedr.cli.output import console, count, emit_json

if TYPE_CHECKING:
    from tradedr.checks.findings import Acknowledged, CheckReport, Severity


def render_report(
    report: CheckReport, output_format: OutputFormat, *, fail_on: Severity = "error"
) -> None:
    if output_format is OutputFormat.JSON:
        emit_json(report.to_dict())
    elif output_format is OutputFormat.SARIF:
        from tradedr.checks.service import to_sarif

        emit_json(to_sarif(report))
    else:
        render_findings(report, fail_on=fail_on)


def render_findings(report: CheckReport, *, fail_on: Severity = "error") -> None:
    """Findings grouped by severity, then source; then a per-source summary."""
    from tradedr.checks.findings import SEVERITY_ORDER

    findings = report.sorted_findings()
    for severity in SEVERITY_ORDER:
        group = [f for f in findings if f.severity == severity]
        if not group:
            continue
        table = Table(title=f"{count(len(group))} {severity}{'s' if len(group) != 1 else ''}")
        table.add_column("source", no_wrap=True)
        table.add_column("rule")
        table.add_column("stack", no_wrap=True)
        table.add_column("resource")
        table.add_column("where")
        table.add_column("message")
        for f in group:
            where = f"{Path(f.file).name}:{f.line}" if f.file and f.line else Path(f.file).name
            # escape: rule ids such as "AwsSolutions-IAM5[Action::s3:*]" are not markup
            table.add_row(
                *(escape(v) for v in (f.source, f.rule, f.stack, f.resource, where, f.message))
            )
        console.print(table)
    summary = Table(title="tradedr check summary")
    summary.add_column("source", no_wrap=True)
    for column in ("errors", "warnings", "info", "acknowledged"):
        summary.add_column(column, justify="right")
    for source, counts in report.counts_by_source().items():
        summary.add_row(
            escape(source),
            count(counts["error"]),
            count(counts["warning"]),
            count(counts["info"]),
            count(counts["acknowledged"]),
        )
    console.print(summary)
    totals = report.summary()
    verdict = "[green]passed[/]" if report.passes(fail_on) else "[bold red]failed[/]"
    console.print(
        f"{verdict}: {count(totals['errors'])} errors, {count(totals['warnings'])} warnings, "
        f"{count(totals['acknowledged'])} acknowledged"
    )


def render_acknowledged(entries: list[Acknowledged], output_format: OutputFormat) -> None:
    if output_format is not OutputFormat.TABLE:  # json and sarif: the same JSON list
        emit_json({"acknowledged": [e.to_dict() for e in entries]})
        return
    table = Table(title=f"{count(len(entries))} acknowledged findings", show_lines=True)
    table.add_column("source", no_wrap=True)
    table.add_column("rule")
    table.add_column("stack")
    table.add_column("resource")
    table.add_column("reason (the trade-off)")
    for e in entries:
        table.add_row(*(escape(v) for v in (e.source, e.rule, e.stack, e.resource, e.reason)))
    console.print(table)
    reasons = len({e.reason for e in entries})
    rules = len({e.rule.split("[", 1)[0] for e in entries})
    console.print(f"{count(rules)} rules acknowledged, under {count(reasons)} written reasons")
