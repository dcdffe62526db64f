"""Markdown summary of `tradedr plan` for a pull request description or comment."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from tradedr.analysis.cost import CostHeadline
    from tradedr.report.diff import ReviewDiff
    from tradedr.report.plan import PlanResult


def _row(cells: list[str]) -> str:
    return "| " + " | ".join(c.replace("|", "\\|") for c in cells) + " |"


def _table(headers: list[str], rows: list[list[str]]) -> list[str]:
    return [_row(headers), _row(["---"] * len(headers)), *(_row(r) for r in rows)]


def _headline(headline: CostHeadline) -> str:
    """The cost headline; a lower bound is flagged so that a reviewer cannot miss it."""
    if headline.complete:
        return f"**Cost: {headline.text}**"
    return f"> [!WARNING]\n> **Cost incomplete: {headline.text}**"


def _finding(f: tuple[str, ...]) -> str:
    source, rule, stack, resource = [*f, "", "", "", ""][:4]
    return f"`{rule}` ({source}) {stack}/{resource}"


def diff_lines(diff: ReviewDiff) -> list[str]:
    """The change since the previous review: resources, RTO/RPO, cost and findings."""
    from tradedr.report.diff import delta_text, seconds

    lines = [f"### Change since `{diff.against}`", ""]
    if diff.empty:
        return [*lines, "No change."]
    rows = diff.resource_rows()
    if rows:
        lines += [
            *_table(
                ["stack", "change", "logical id", "type", "properties"], [list(r) for r in rows]
            ),
            "",
            "_Replaced is approximate: a change to a property CloudFormation replaces on "
            "(docs/plan.md); a change set is the authority._",
            "",
        ]
    else:
        lines += ["Resources: no change.", ""]
    if diff.rto:
        lines += [
            *_table(
                ["scenario", "RTO p99 before", "after", "delta"],
                [[n, seconds(b), seconds(a), delta_text(b, a)] for n, b, a in diff.rto],
            ),
            "",
        ]
    if diff.rpo:
        lines += [
            *_table(
                ["store", "RPO before", "after", "delta"],
                [[n, seconds(b), seconds(a), delta_text(b, a)] for n, b, a in diff.rpo],
            ),
            "",
        ]
    if not diff.rto and not diff.rpo:
        lines += ["RTO and RPO: no change.", ""]
    lines.append(f"Cost: {diff.cost_text()}" if diff.cost_changed else "Cost: no change.")
    lines.append("")
    for label, found in (("New", diff.findings_new), ("Resolved", diff.findings_resolved)):
        if found:
            lines.append(f"{label} findings ({len(found)}):")
            lines += [f"- {_finding(f)}" for f in found[:30]]
            if len(found) > 30:
                lines.append(f"- ... and {len(found) - 30} more (report.json)")
            lines.append("")
    if not diff.findings_new and not diff.findings_resolved:
        lines.append("Findings: no change.")
    return lines


def render_markdown(result: PlanResult) -> str:
    settings = result.settings
    rto = result.rto
    cost = result.cost.report
    summary = result.checks.summary()
    ok = {True: "pass", False: "**FAIL**"}
    lines = [
        f"## tradedr plan: `{settings.prefix}` ({settings.posture.value})",
        "",
        f"**{result.verdict_text()}**",
        "",
        f"Static checks {ok[result.checks_passed]} "
        f"({summary.get('errors', 0)} errors, {summary.get('warnings', 0)} warnings, "
        f"{summary.get('acknowledged', 0)} acknowledged); recovery targets {ok[rto.met]}; "
        f"cost {cost.headline.text}.",
        "",
        "### RTO (seconds)",
        *_table(
            ["scenario", "typical", "p50", "p99", "target", "met"],
            [
                [
                    s.name,
                    f"{s.rto.typical:,.0f}",
                    f"{s.rto.p50:,.0f}",
                    f"{s.rto.p99:,.0f}",
                    f"{s.target_seconds:,}",
                    ok[s.met],
                ]
                for s in rto.scenarios
            ],
        ),
        "",
        "### RPO (seconds)",
        *_table(
            ["store", "RPO", "target", "met"],
            [
                [
                    r.store,
                    "unbounded" if r.rpo_seconds is None else f"{r.rpo_seconds:,.0f}",
                    f"{r.target_seconds:,}",
                    ok[r.met],
                ]
                for r in rto.rpo
            ],
        ),
        "",
        f"### Cost ({cost.prices_description})",
        "",
        _headline(cost.headline),
        "",
        *_table(
            ["region", "monthly (USD)", "unpriced lines"],
            [[r.region, r.headline.amount, str(len(r.unpriced))] for r in cost.regions]
            + [
                [
                    "**total**",
                    f"**{cost.headline.amount}**",
                    f"**{cost.headline.unpriced_lines}**",
                ]
            ],
        ),
    ]
    if cost.warnings:
        lines += ["", *(f"> warning: {w}" for w in cost.warnings)]
    if cost.recommendations:
        lines += [
            "",
            "Recommendations (estimates): "
            + "; ".join(
                f"{r['title']} (~${r['estimated_monthly_savings']:,.0f}/month)"
                for r in cost.recommendations
            ),
        ]
    if result.cost.postures:
        lines += [
            "",
            "### Postures",
            *_table(
                ["posture", "monthly (USD)", "standby share", "region-loss RTO p99", "RPO"],
                [
                    [
                        p["posture"] + (" (configured)" if p["configured"] else ""),
                        ("" if p["complete"] else "≥ ") + f"{p['monthly']:,.2f}",
                        f"{p['standby_share']:.0%}",
                        f"{p['region_loss_rto_p99']:,.0f} s",
                        "n/a" if p["rpo_seconds"] is None else f"{p['rpo_seconds']:,.0f} s",
                    ]
                    for p in (row.to_dict() for row in result.cost.postures)
                ],
            ),
            "",
            f"_{result.cost.comparison_prices}_",
            *(f"- not priced: {r.posture.value}: {r.reason}" for r in result.cost.postures_refused),
        ]
    if result.diff is not None:
        lines += ["", *diff_lines(result.diff)]
    errors = [f.to_dict() for f in result.checks.findings]
    errors = [f for f in errors if str(f.get("severity", "")).lower() == "error"]
    if errors:
        lines += ["", "### Failing checks"]
        for finding in errors[:20]:
            where = "/".join(str(finding.get(k)) for k in ("stack", "resource") if finding.get(k))
            lines.append(
                f"- `{finding.get('rule', finding.get('id', '?'))}` {where}: "
                f"{finding.get('message', '')}"
            )
        if len(errors) > 20:
            lines.append(f"- ... and {len(errors) - 20} more (see report.html)")
    lines += ["", f"Full report with charts: `{result.html_path}`", ""]
    return "\n".join(lines)
