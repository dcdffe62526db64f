"""Terminal rendering of the analyses (rich tables); JSON output lives in the models."""

from __future__ import annotations

from typing import TYPE_CHECKING

from rich.console import Console
from rich.markup import escape
from rich.table import Table

if TYPE_CHECKING:
    from tradedr.analysis.cost import CostHeadline
    from tradedr.analysis.rto import RtoReport
    from tradedr.analysis.service import CostResult
    from tradedr.report.diff import ReviewDiff


def _s(value: float | None) -> str:
    return "n/a" if value is None else f"{value:,.0f}"


def _usd(value: float | None) -> str:
    return "unavailable" if value is None else f"${value:,.2f}"


def _headline(headline: CostHeadline) -> str:
    """The cost headline: bold; a "≥" lower bound in bold red with what it leaves out."""
    if headline.complete:
        return f"[bold]total: {escape(headline.text)}[/]"
    return f"[bold red]total: {escape(headline.text)}[/]"


def render_rto(console: Console, report: RtoReport) -> None:
    summary = Table(title=f"RTO by scenario ({report.settings.posture.value}), seconds")
    for column in ("scenario", "best", "typical", "worst", "p50", "p99", "target", "met"):
        summary.add_column(column, justify="left" if column == "scenario" else "right")
    for s in report.scenarios:
        rto = s.rto
        summary.add_row(
            s.name,
            *(_s(v) for v in (rto.best, rto.typical, rto.worst, rto.p50, rto.p99)),
            str(s.target_seconds),
            "[green]yes[/]" if s.met else "[red]no[/]",
        )
    console.print(summary)
    for s in report.scenarios:
        table = Table(title=f"{s.name}: {s.description}", title_justify="left")
        for column in ("component", "best", "typical", "worst", "critical", "source"):
            table.add_column(column, overflow="fold")
        for c in s.components:
            table.add_row(
                c.name,
                _s(c.best),
                _s(c.typical),
                _s(c.worst),
                "yes" if c.critical else "no (parallel)",
                c.source,
            )
        console.print(table)
    rpo = Table(title="RPO by data store, seconds")
    for column in ("store", "rpo", "target", "met", "basis"):
        rpo.add_column(column, overflow="fold")
    for r in report.rpo:
        rpo.add_row(
            r.store,
            "unbounded" if r.rpo_seconds is None else _s(r.rpo_seconds),
            f"{r.target_seconds} ({r.target_name})",
            "[green]yes[/]" if r.met else "[red]no[/]",
            r.basis,
        )
    console.print(rpo)
    for s in report.scenarios:
        if s.missing_figure and not s.met:
            console.print(
                f"[red]{s.name}: p99 {s.rto.p99:g} s misses the {s.target_seconds} s target by "
                f"{s.over_target_seconds:g} s[/]; missing figure: {escape(s.missing_figure)}"
            )
    for cost in report.write_latency:
        console.print(
            f"write latency ({escape(cost.store)}, {cost.region}): +{escape(cost.extra)}: "
            f"[bold]{'measure it' if cost.figure_ms is None else f'{cost.figure_ms:g} ms'}[/] "
            f"({escape(cost.how_to_measure)})"
        )
    for warning in report.warnings:
        console.print(f"[yellow]warning:[/] {warning}")
    console.print("[green]targets met[/]" if report.met else "[red]targets NOT met[/]")


def render_cost(console: Console, result: CostResult) -> None:
    report = result.report
    headline = report.headline
    console.print(f"prices: {escape(report.prices_description)}")
    for region in report.regions:
        table = Table(
            title=f"{region.region}: {escape(region.headline.text)}", title_justify="left"
        )
        for column in ("service", "charge", "quantity", "unit price", "monthly", "status"):
            table.add_column(
                column,
                overflow="fold",
                justify="right" if column in ("quantity", "unit price", "monthly") else "left",
            )
        for item in region.items:
            data = item.to_dict()
            status = data["status"]
            style = {"price unavailable": "[yellow]", "fallback price": "[cyan]"}.get(status, "")
            table.add_row(
                item.service,
                item.charge,
                f"{item.quantity:,.2f} {item.unit}",
                "-" if item.price.usd is None else f"{item.price.usd:g}",
                _usd(item.monthly),
                f"{style}{status}" + ("[/]" if style else ""),
            )
        console.print(table)
    console.print(f"{_headline(headline)}; standby {_usd(report.standby_monthly)}/month")
    usage = report.settings.usage.model_dump()
    console.print(
        escape("usage assumed ([usage] in the config): ")
        + ", ".join(f"{k}={v:g}" for k, v in usage.items())
    )
    for warning in report.warnings:
        console.print(f"[yellow]warning:[/] {escape(warning)}")
    if report.recommendations:
        recs = Table(title="Recommendations (estimates)")
        for column in ("recommendation", "est. savings/month", "basis"):
            recs.add_column(column, overflow="fold")
        for rec in report.recommendations:
            recs.add_row(rec["title"], f"~{_usd(rec['estimated_monthly_savings'])}", rec["basis"])
        console.print(recs)
    if result.postures:
        table = Table(title="Postures: cost vs recovery", caption=escape(result.comparison_prices))
        for column in (
            "posture",
            "monthly",
            "standby share",
            "region-loss RTO p99",
            "RPO",
            "unpriced",
        ):
            table.add_column(
                column,
                justify="left" if column == "posture" else "right",
                min_width=24 if column == "posture" else None,
            )
        for row in result.postures:
            d = row.to_dict()
            amount = row.cost.headline.amount
            table.add_row(
                d["posture"] + (" (configured)" if d["configured"] else ""),
                amount if d["complete"] else f"[red]{escape(amount)}[/]",
                f"{d['standby_share']:.0%}",
                f"{d['region_loss_rto_p99']:,.0f} s",
                "n/a" if d["rpo_seconds"] is None else f"{d['rpo_seconds']:,.0f} s",
                str(d["unpriced_lines"]),
            )
        console.print(table)
        for refused in result.postures_refused:
            console.print(f"not priced: {refused.posture.value}: {escape(refused.reason)}")


def render_diff(console: Console, diff: ReviewDiff) -> None:
    """The change since the previous review, after the verdict line."""
    from tradedr.report.diff import delta_text, seconds

    if diff.empty:
        console.print(f"change since {escape(diff.against)}: [green]no change[/]")
        return
    console.print(f"change since {escape(diff.against)}:")
    rows = diff.resource_rows()
    if rows:
        table = Table(
            title="resources", caption="replaced: approximate (a change set is the authority)"
        )
        for column in ("stack", "change", "logical id", "type", "properties"):
            table.add_column(column, overflow="fold")
        for stack, kind, lid, type_, detail in rows:
            style = "[red]" if kind == "replaced" else ""
            table.add_row(
                escape(stack),
                f"{style}{kind}" + ("[/]" if style else ""),
                escape(lid),
                escape(type_),
                escape(detail),
            )
        console.print(table)
    else:
        console.print("resources: no change")
    for title, deltas in (("RTO p99", diff.rto), ("RPO", diff.rpo)):
        for name, before, after in deltas:
            console.print(
                f"{title} {escape(name)}: {seconds(before)} -> {seconds(after)} "
                f"{delta_text(before, after)}"
            )
    if not diff.rto and not diff.rpo:
        console.print("RTO and RPO: no change")
    console.print(f"cost: {escape(diff.cost_text())}" if diff.cost_changed else "cost: no change")
    for label, found in (("new", diff.findings_new), ("resolved", diff.findings_resolved)):
        for f in found:
            console.print(f"{label} finding: " + escape(" ".join(f)))
    if not diff.findings_new and not diff.findings_resolved:
        console.print("findings: no change")
