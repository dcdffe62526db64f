"""The self-contained HTML report of `tradedr plan`: inline CSS and inline SVG charts,
no scripts, no external requests, so it can be attached to a review as one file."""

from __future__ import annotations

from html import escape
from typing import TYPE_CHECKING, Any

from tradedr.report import charts
from tradedr.report.diagram import architecture_svg

if TYPE_CHECKING:
    from tradedr.analysis.cost import CostHeadline
    from tradedr.analysis.templates import TemplateSet
    from tradedr.report.diff import ReviewDiff
    from tradedr.report.plan import PlanResult

CSS = """
body{font-family:system-ui,-apple-system,Segoe UI,Roboto,sans-serif;margin:2rem auto;
max-width:1100px;color:#222;line-height:1.4;padding:0 1rem}
h1{margin-bottom:.2rem} h2{border-bottom:2px solid #ddd;padding-bottom:.2rem;margin-top:2.2rem}
table{border-collapse:collapse;margin:.6rem 0;font-size:.85rem;width:100%}
th,td{border:1px solid #ddd;padding:.25rem .45rem;text-align:left;vertical-align:top}
th{background:#f4f6f7} td.num{text-align:right;white-space:nowrap}
.pass{color:#1e8449;font-weight:bold} .fail{color:#c0392b;font-weight:bold}
.warn{color:#b9770e} .verdict{font-size:1.05rem} .verdict .warn{font-weight:bold}
.muted{color:#777;font-size:.85rem}
.headline{font-size:1.1rem;font-weight:bold}
.incomplete{color:#c0392b;border-left:4px solid #c0392b;padding-left:.5rem}
figure{margin:1rem 0} figure svg{max-width:100%;height:auto}
.wide{overflow-x:auto} .wide figure svg{max-width:none}
table.wrap{table-layout:fixed} table.wrap td{overflow-wrap:anywhere}
table.wrap td.num{white-space:normal}
code{font-size:.8rem;word-break:break-all}
"""


def _ok(flag: bool) -> str:
    return '<span class="pass">pass</span>' if flag else '<span class="fail">FAIL</span>'


def _table(
    headers: list[str],
    rows: list[list[Any]],
    numeric: set[int] | None = None,
    cls: str | None = None,
) -> str:
    numeric = numeric or set()
    head = "".join(f"<th>{escape(h)}</th>" for h in headers)
    body = "".join(
        "<tr>"
        + "".join(
            f'<td class="num">{cell}</td>' if index in numeric else f"<td>{cell}</td>"
            for index, cell in enumerate(row)
        )
        + "</tr>"
        for row in rows
    )
    attrs = f' class="{cls}"' if cls else ""
    return f"<table{attrs}><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>"


def _figure(svg: str, caption: str) -> str:
    return f'<figure>{svg}<figcaption class="muted">{escape(caption)}</figcaption></figure>'


def _usd(value: float | None) -> str:
    return "price unavailable" if value is None else f"${value:,.2f}"


def _headline(headline: CostHeadline) -> str:
    """The cost headline; a lower bound ("≥ $X, N lines unpriced") in red, flagged."""
    if headline.complete:
        return f'<p class="headline">Cost: {escape(headline.text)}</p>'
    return f'<p class="headline incomplete">Cost incomplete: {escape(headline.text)}</p>'


def _diff_section(diff: ReviewDiff) -> list[str]:
    from tradedr.report.diff import delta_text, seconds

    parts = [f"<h2>Change since <code>{escape(diff.against)}</code></h2>"]
    if diff.empty:
        return [*parts, '<p class="pass">No change.</p>']
    rows = diff.resource_rows()
    if rows:
        parts.append(
            _table(
                ["stack", "change", "logical id", "type", "properties"],
                [
                    [
                        escape(stack),
                        f'<span class="{"fail" if kind == "replaced" else ""}">'
                        f"{escape(kind)}</span>",
                        f"<code>{escape(lid)}</code>",
                        escape(type_),
                        escape(detail),
                    ]
                    for stack, kind, lid, type_, detail in rows
                ],
            )
        )
        parts.append(
            '<p class="muted">Replaced is approximate: a change to a property CloudFormation '
            "replaces the resource on; a change set is the authority.</p>"
        )
    else:
        parts.append("<p>Resources: no change.</p>")
    for title, deltas in (("scenario (RTO p99)", diff.rto), ("store (RPO)", diff.rpo)):
        if deltas:
            parts.append(
                _table(
                    [title, "before", "after", "delta"],
                    [[escape(n), seconds(b), seconds(a), delta_text(b, a)] for n, b, a in deltas],
                    numeric={1, 2, 3},
                )
            )
    if not diff.rto and not diff.rpo:
        parts.append("<p>RTO and RPO: no change.</p>")
    parts.append(
        f"<p>Cost: {escape(diff.cost_text())}</p>"
        if diff.cost_changed
        else "<p>Cost: no change.</p>"
    )
    for label, found in (("New", diff.findings_new), ("Resolved", diff.findings_resolved)):
        if found:
            parts.append(
                f"<details><summary>{label} findings ({len(found)})</summary>"
                + _table(
                    ["source", "rule", "stack", "resource"],
                    [[escape(x) for x in f] for f in found[:500]],
                )
                + "</details>"
            )
    if not diff.findings_new and not diff.findings_resolved:
        parts.append("<p>Findings: no change.</p>")
    return parts


def render_html(result: PlanResult, templates: TemplateSet) -> str:
    settings = result.settings
    rto = result.rto
    cost = result.cost.report
    postures = [row.to_dict() for row in result.cost.postures]
    checks = result.checks
    summary = checks.summary()
    parts: list[str] = []
    parts.append(f"<h1>tradedr plan: {escape(settings.prefix)}</h1>")
    parts.append(
        f'<p class="muted">posture {escape(settings.posture.value)}; regions '
        f"{escape(', '.join(settings.all_regions))}; prices: {escape(cost.prices_description)}</p>"
    )
    verdict = result.verdict
    css = {"pass": "pass", "review": "warn", "fail": "fail"}[verdict]
    parts.append(
        f'<p class="verdict">Overall: <span class="{css}">{escape(verdict)}</span>'
        f" &mdash; {escape(result.verdict_text())}</p>"
    )
    parts.append(
        '<p class="muted">static checks '
        + _ok(result.checks_passed)
        + ", recovery targets "
        + _ok(rto.met)
        + ", cost "
        + (
            escape(cost.headline.amount)
            if cost.headline.complete
            else f'<span class="fail">{escape(cost.headline.amount)} (incomplete)</span>'
        )
        + "</p>"
    )

    if result.diff is not None:
        parts += _diff_section(result.diff)

    parts.append("<h2>Architecture</h2>")
    diagram = _figure(
        architecture_svg(templates),
        "Every stack and region, drawn from the synthesized templates.",
    )
    if len(templates.regions) > 3:  # shrunk to the page, its labels would be unreadable
        diagram = f'<div class="wide">{diagram}</div>'
    parts.append(diagram)

    parts.append("<h2>Recovery time (RTO)</h2>")
    rows = []
    for s in rto.scenarios:
        stats = s.rto
        rows.append(
            [escape(s.name)]
            + [f"{v:,.0f}" for v in (stats.best, stats.typical, stats.worst, stats.p50, stats.p99)]
            + [f"{s.target_seconds:,}", _ok(s.met)]
        )
    parts.append(
        _table(
            ["scenario", "best s", "typical s", "worst s", "p50 s", "p99 s", "target s", "met"],
            rows,
            numeric={1, 2, 3, 4, 5, 6},
        )
    )
    for s in rto.scenarios:
        parts.append(f"<h3>{escape(s.name)}: {escape(s.description)}</h3>")
        parts.append(
            _figure(
                charts.rto_waterfall(s, s.target_seconds),
                "Red: on the critical path; grey: runs in parallel, not counted.",
            )
        )
        parts.append(
            _table(
                ["component", "best", "typical", "worst", "critical", "source / assumptions"],
                [
                    [
                        escape(c.name),
                        f"{c.best:,.0f}",
                        f"{c.typical:,.0f}",
                        f"{c.worst:,.0f}",
                        "yes" if c.critical else "no",
                        "<br>".join(f"<code>{escape(x)}</code>" for x in (c.sources or [c.source]))
                        + ("<br>" + escape(", ".join(c.assumptions)) if c.assumptions else ""),
                    ]
                    for c in s.components
                ],
                numeric={1, 2, 3},
            )
        )

    parts.append("<h2>Data loss (RPO)</h2>")
    parts.append(
        _table(
            ["store", "RPO s", "target s", "met", "basis", "source"],
            [
                [
                    escape(r.store),
                    "unbounded" if r.rpo_seconds is None else f"{r.rpo_seconds:,.0f}",
                    f"{r.target_seconds:,} ({escape(r.target_name)})",
                    _ok(r.met),
                    escape(r.basis),
                    f"<code>{escape(r.source)}</code>",
                ]
                for r in rto.rpo
            ],
            numeric={1},
        )
    )
    for warning in rto.warnings:
        parts.append(f'<p class="warn">warning: {escape(warning)}</p>')

    parts.append("<h2>Cost</h2>")
    parts.append(_headline(cost.headline))
    parts.append(
        _figure(
            charts.cost_by_region(cost),
            "Priced lines only; lines without a price are listed below.",
        )
    )
    parts.append(
        _table(
            ["region", "monthly", "unpriced lines"],
            [
                [escape(r.region), escape(r.headline.amount), str(len(r.unpriced))]
                for r in cost.regions
            ]
            + [
                [
                    "<b>total</b>",
                    f"<b>{escape(cost.headline.amount)}</b>",
                    f"<b>{cost.headline.unpriced_lines}</b>",
                ]
            ],
            numeric={1, 2},
        )
    )
    for warning in cost.warnings:
        parts.append(f'<p class="warn">warning: {escape(warning)}</p>')
    for region in cost.regions:
        parts.append(
            f"<details><summary>{escape(region.region)} line items "
            f"({escape(region.headline.text)})</summary>"
        )
        parts.append(
            _table(
                ["service", "charge", "quantity", "unit price", "monthly", "price basis / source"],
                [
                    [
                        escape(i.service),
                        escape(i.charge),
                        f"{i.quantity:,.2f} {escape(i.unit)}",
                        "-" if i.price.usd is None else f"{i.price.usd:g}",
                        _usd(i.monthly),
                        escape(f"{i.price.basis}: {i.price.source}"),
                    ]
                    for i in region.items
                ],
                numeric={2, 3, 4},
                cls="wrap",
            )
        )
        parts.append("</details>")
    usage = settings.usage.model_dump()
    parts.append(
        '<p class="muted">Usage assumed ([usage]): '
        + escape(", ".join(f"{k}={v:g}" for k, v in usage.items()))
        + "</p>"
    )
    if cost.recommendations:
        parts.append("<h3>Recommendations (estimates)</h3>")
        parts.append(
            _table(
                ["recommendation", "est. savings / month", "basis"],
                [
                    [
                        escape(r["title"]),
                        f"~{_usd(r['estimated_monthly_savings'])}",
                        escape(r["basis"]),
                    ]
                    for r in cost.recommendations
                ],
                numeric={1},
            )
        )

    if postures:
        parts.append("<h2>Posture trade-off</h2>")
        parts.append(
            _figure(
                charts.posture_tradeoff(
                    postures, settings.posture.value, settings.targets.rto_seconds
                ),
                f"Each posture synthesized and analysed; {result.cost.comparison_prices}. "
                f"The configured posture's row is the Cost headline: {cost.headline.text}.",
            )
        )
        parts.append(
            _table(
                ["posture", "monthly", "standby share", "region-loss RTO p99", "RPO", "notes"],
                [
                    [
                        escape(p["posture"] + (" (configured)" if p["configured"] else "")),
                        ("" if p["complete"] else "&ge; ") + _usd(p["monthly"]),
                        f"{p['standby_share']:.0%}",
                        f"{p['region_loss_rto_p99']:,.0f} s",
                        "n/a" if p["rpo_seconds"] is None else f"{p['rpo_seconds']:,.0f} s",
                        escape("; ".join(p["notes"])),
                    ]
                    for p in postures
                ],
                numeric={1, 2, 3, 4},
            )
        )
        for refused in result.cost.postures_refused:
            parts.append(
                f"<p>not priced: {escape(refused.posture.value)}: {escape(refused.reason)}</p>"
            )

    parts.append("<h2>Static checks</h2>")
    parts.append(_figure(charts.check_summary(summary), "Findings by severity."))
    findings = [f.to_dict() for f in checks.findings]
    if findings:
        preferred = ("severity", "rule", "id", "stack", "resource", "message")
        keys = [k for k in preferred if any(k in f for f in findings)]
        keys = keys or sorted({k for f in findings for k in f})
        shown = findings[:500]
        parts.append(
            f"<details open><summary>findings ({len(findings)})</summary>"
            + _table(keys, [[escape(str(f.get(k, ""))) for k in keys] for f in shown], cls="wrap")
            + (
                f'<p class="muted">{len(findings) - 500} more in the JSON output.</p>'
                if len(findings) > 500
                else ""
            )
            + "</details>"
        )
    else:
        parts.append("<p>No findings.</p>")
    acknowledged = [a.to_dict() for a in getattr(checks, "acknowledged", None) or []]
    if acknowledged:
        ack_keys = ["source", "rule", "stack", "resource", "reason"]
        parts.append(
            f"<details><summary>acknowledged ({len(acknowledged)}): accepted on purpose, "
            "with the reason</summary>"
            + _table(
                ack_keys,
                [[escape(str(a.get(k, ""))) for k in ack_keys] for a in acknowledged[:500]],
                cls="wrap",
            )
            + "</details>"
        )
    timings = ", ".join(f"{k} {v:.1f} s" for k, v in result.timings.items())
    parts.append(f'<p class="muted">Generated by tradedr plan ({escape(timings)}).</p>')
    return (
        '<!DOCTYPE html>\n<html lang="en"><head><meta charset="utf-8">'
        f"<title>tradedr plan: {escape(settings.prefix)}</title><style>{CSS}</style></head>"
        "<body>" + "\n".join(parts) + "</body></html>\n"
    )
