"""The `tradedr assess` report as Markdown (for a pull request or a ticket) and as one
self-contained HTML file in the style of `tradedr review` (same CSS, no scripts)."""

from __future__ import annotations

from html import escape

from tradedr.assess.model import IMPACTS, AssessReport, Gap
from tradedr.report.html import CSS, _table


def _usd(value: float | None) -> str:
    return "not priced" if value is None else f"${value:,.2f}"


def _seconds(value: float | None) -> str:
    if value is None:
        return "unbounded"
    if value >= 3600:
        return f"{value:,.0f} s ({value / 3600:.1f} h)"
    if value >= 120:
        return f"{value:,.0f} s ({value / 60:.0f} min)"
    return f"{value:,.0f} s"


def _fix_cost(gap: Gap) -> str:
    basis = f" ({gap.closing_basis})" if gap.closing_basis else ""
    if gap.closing_monthly_usd is None:
        return f"not priced{basis}"
    return f"{_usd(gap.closing_monthly_usd)} a month{basis}"


def _headline(report: AssessReport) -> str:
    counts = report.counts()
    figures = report.figures
    return (
        f"{counts['high']} high, {counts['medium']} medium, {counts['low']} low impact gaps; "
        f"region-loss RTO p50 {_seconds(figures.rto_p50_seconds)}, "
        f"p99 {_seconds(figures.rto_p99_seconds)}; "
        f"{_usd(figures.monthly_usd)}/month as defined, "
        f"+{_usd(report.closing_high_monthly_usd)}/month to close the high-impact gaps"
    )


# --- Markdown -------------------------------------------------------------------------


def _md_row(cells: list[str]) -> str:
    return "| " + " | ".join(c.replace("|", "\\|").replace("\n", " ") for c in cells) + " |"


def _md_table(headers: list[str], rows: list[list[str]]) -> list[str]:
    return [_md_row(headers), _md_row(["---"] * len(headers)), *(_md_row(r) for r in rows)]


def _md_gap(number: int, gap: Gap) -> list[str]:
    lines = [
        f"### {number}. {gap.title} ({gap.impact} impact)",
        "",
        f"**Why it matters for DR.** {gap.why} ([source]({gap.source}))",
        "",
        "**Evidence.**",
        "",
    ]
    shown = gap.evidence[:10]
    lines += [f"- `{e.location}` {e.stack}/{e.resource}: {e.detail}" for e in shown]
    if len(gap.evidence) > len(shown):
        lines.append(f"- ... and {len(gap.evidence) - len(shown)} more (see the JSON report)")
    lines += [
        "",
        f"**Fix.** {gap.fix.summary}. Cost of the fix: {_fix_cost(gap)}.",
        "",
        f"```{gap.fix.language}",
        gap.fix.snippet.rstrip(),
        "```",
        "",
    ]
    return lines


def render_assess_markdown(report: AssessReport) -> str:
    figures = report.figures
    lines = [
        f"# DR assessment of {report.directory}",
        "",
        _headline(report) + ".",
        "",
        "## Summary",
        "",
        *_md_table(
            ["impact", "gaps", "what"],
            [
                [
                    impact,
                    str(report.counts()[impact]),
                    ", ".join(g.title for g in report.gaps if g.impact == impact) or "-",
                ]
                for impact in IMPACTS
            ],
        ),
        "",
        "## Templates and topology",
        "",
        (
            "The topology below was **inferred**: confirm it, or save it as assess.toml, "
            "correct it and run again with `--topology assess.toml`."
            if report.inferred
            else "Topology from the assess.toml given."
        ),
        "",
        *_md_table(
            ["file", "region", "role", "resources (after transforms)", "as written", "transforms"],
            [
                [
                    t["file"],
                    str(t["region"]),
                    t["role"],
                    str(t["resources"]),
                    str(t["written"]),
                    ", ".join(t["transforms"]) or "-",
                ]
                for t in report.templates
            ],
        ),
        "",
        "```toml",
        report.topology_toml.rstrip(),
        "```",
        "",
        "## Gaps, highest impact first",
        "",
    ]
    for number, gap in enumerate(report.gaps, 1):
        lines += _md_gap(number, gap)
    lines += [
        "## Recovery from a region loss",
        "",
        f"RTO p50 {_seconds(figures.rto_p50_seconds)}, p99 {_seconds(figures.rto_p99_seconds)}"
        + (
            f" against a target of {_seconds(figures.rto_target_seconds)}"
            if figures.rto_target_seconds
            else ""
        )
        + " (Monte Carlo over the steps below; each step's source is a template property "
        "or a cited assumption in tradedr.analysis.assumptions).",
        "",
        *_md_table(
            ["step", "typical", "source"],
            [
                [c["name"], _seconds(c["typical_seconds"]), c["source"]]
                for c in figures.rto_components
            ],
        ),
        "",
        "### Data loss (RPO) per data store",
        "",
        *_md_table(
            ["store", "RPO", "met", "basis", "source"],
            [
                [
                    r.store,
                    _seconds(r.rpo_seconds),
                    {True: "yes", False: "no", None: "-"}[r.met],
                    r.basis,
                    r.source,
                ]
                for r in figures.rpo
            ],
        ),
        "",
        "## Cost",
        "",
        f"{_usd(figures.monthly_usd)} a month for what the templates define "
        f"({figures.prices}); the standby regions' share {_usd(figures.standby_monthly_usd)}. "
        f"Closing the high-impact gaps adds {_usd(report.closing_high_monthly_usd)} a month "
        "(the gaps' own figures above; 'not priced' ones are left out).",
        "",
        *_md_table(
            ["types", "resources", "which"],
            [
                [
                    "priced",
                    str(sum(figures.priced_types.values())),
                    ", ".join(f"{t} x{n}" for t, n in figures.priced_types.items()) or "-",
                ],
                [
                    "free by themselves",
                    str(sum(figures.free_types.values())),
                    ", ".join(f"{t} x{n}" for t, n in figures.free_types.items()) or "-",
                ],
                [
                    "not priced",
                    str(sum(figures.not_priced.values())),
                    ", ".join(f"{t} x{n}" for t, n in figures.not_priced.items()) or "-",
                ],
            ],
        ),
        "",
        "## What works well",
        "",
        *([f"- {s.title}: `{s.evidence}`" for s in report.strengths] or ["- nothing found yet"]),
        "",
    ]
    if report.notes:
        lines += ["## Notes", "", *(f"- {n}" for n in report.notes), ""]
    return "\n".join(lines)


# --- HTML -----------------------------------------------------------------------------

_IMPACT_CLASS = {"high": "fail", "medium": "warn", "low": "muted"}


def _html_gap(number: int, gap: Gap) -> str:
    evidence = "".join(
        f"<li><code>{escape(e.location)}</code> {escape(e.stack)}/{escape(e.resource)}: "
        f"{escape(e.detail)}</li>"
        for e in gap.evidence[:10]
    )
    more = (
        f"<li class='muted'>... and {len(gap.evidence) - 10} more (report.json)</li>"
        if len(gap.evidence) > 10
        else ""
    )
    return (
        f"<h3>{number}. {escape(gap.title)} "
        f"<span class='{_IMPACT_CLASS[gap.impact]}'>{gap.impact} impact</span></h3>"
        f"<p><b>Why it matters for DR.</b> {escape(gap.why)} "
        f"<a href='{escape(gap.source)}'>source</a></p>"
        f"<p><b>Evidence.</b></p><ul>{evidence}{more}</ul>"
        f"<p><b>Fix.</b> {escape(gap.fix.summary)}. Cost of the fix: "
        f"{escape(_fix_cost(gap))}.</p>"
        f"<pre><code>{escape(gap.fix.snippet)}</code></pre>"
    )


def render_assess_html(report: AssessReport) -> str:
    figures = report.figures
    counts = report.counts()
    parts = [
        "<!doctype html><html><head><meta charset='utf-8'>",
        f"<title>DR assessment of {escape(report.directory)}</title>",
        f"<style>{CSS}pre{{background:#f4f6f7;padding:.5rem;overflow-x:auto}}</style>",
        "</head><body>",
        f"<h1>DR assessment</h1><p class='muted'>{escape(report.directory)}</p>",
        f"<p class='headline'>{escape(_headline(report))}</p>",
        "<h2>Summary</h2>",
        _table(
            ["impact", "gaps", "what"],
            [
                [
                    f"<span class='{_IMPACT_CLASS[i]}'>{i}</span>",
                    str(counts[i]),
                    escape(", ".join(g.title for g in report.gaps if g.impact == i) or "-"),
                ]
                for i in IMPACTS
            ],
            numeric={1},
        ),
        "<h2>Templates and topology</h2>",
        (
            "<p class='warn'>Inferred: confirm it, or save the TOML below as assess.toml, "
            "correct it and run again with <code>--topology assess.toml</code>.</p>"
            if report.inferred
            else "<p>From the assess.toml given.</p>"
        ),
        _table(
            ["file", "region", "role", "resources", "as written", "transforms"],
            [
                [
                    escape(t["file"]),
                    escape(str(t["region"])),
                    escape(t["role"]),
                    str(t["resources"]),
                    str(t["written"]),
                    escape(", ".join(t["transforms"]) or "-"),
                ]
                for t in report.templates
            ],
            numeric={3, 4},
        ),
        f"<pre><code>{escape(report.topology_toml)}</code></pre>",
        "<h2>Gaps, highest impact first</h2>",
        *(_html_gap(n, g) for n, g in enumerate(report.gaps, 1)),
        "<h2>Recovery from a region loss</h2>",
        f"<p>RTO p50 {escape(_seconds(figures.rto_p50_seconds))}, "
        f"p99 {escape(_seconds(figures.rto_p99_seconds))}"
        + (
            f" against a target of {escape(_seconds(figures.rto_target_seconds))}"
            if figures.rto_target_seconds
            else ""
        )
        + ".</p>",
        _table(
            ["step", "typical", "source"],
            [
                [
                    escape(c["name"]),
                    escape(_seconds(c["typical_seconds"])),
                    f"<code>{escape(c['source'])}</code>",
                ]
                for c in figures.rto_components
            ],
            cls="wrap",
        ),
        "<h3>Data loss (RPO) per data store</h3>",
        _table(
            ["store", "RPO", "met", "basis", "source"],
            [
                [
                    escape(r.store),
                    escape(_seconds(r.rpo_seconds)),
                    {
                        True: "<span class='pass'>yes</span>",
                        False: "<span class='fail'>no</span>",
                        None: "-",
                    }[r.met],
                    escape(r.basis),
                    f"<code>{escape(r.source)}</code>",
                ]
                for r in figures.rpo
            ],
            cls="wrap",
        ),
        "<h2>Cost</h2>",
        f"<p>{escape(_usd(figures.monthly_usd))} a month as defined ({escape(figures.prices)}); "
        f"standby share {escape(_usd(figures.standby_monthly_usd))}. Closing the high-impact "
        f"gaps adds {escape(_usd(report.closing_high_monthly_usd))} a month.</p>",
        _table(
            ["types", "resources", "which"],
            [
                [
                    label,
                    str(sum(group.values())),
                    escape(", ".join(f"{t} x{n}" for t, n in group.items()) or "-"),
                ]
                for label, group in (
                    ("priced", figures.priced_types),
                    ("free by themselves", figures.free_types),
                    ("not priced", figures.not_priced),
                )
            ],
            numeric={1},
            cls="wrap",
        ),
        "<h2>What works well</h2><ul>",
        *(
            f"<li>{escape(s.title)}: <code>{escape(s.evidence)}</code></li>"
            for s in report.strengths
        ),
        "</ul>",
    ]
    if report.notes:
        parts += ["<h2>Notes</h2><ul>", *(f"<li>{escape(n)}</li>" for n in report.notes), "</ul>"]
    parts.append("</body></html>")
    return "\n".join(parts)
