"""The evidence pack's HTML: one file, inline CSS in the review report's style, no scripts
and no external requests, laid out for print (A4, tables that do not split rows)."""

from __future__ import annotations

from html import escape
from typing import TYPE_CHECKING, Any

from tradedr.evidence.requirements import REQUIREMENTS
from tradedr.report.html import CSS

if TYPE_CHECKING:
    from tradedr.evidence.pack import DrillEvidence, Measure, PackResult

PRINT_CSS = """
@page{size:A4;margin:14mm}
@media print{body{margin:0;max-width:none;font-size:10pt} h2{break-after:avoid}
tr,td,th{break-inside:avoid} section{break-inside:auto} a{color:inherit;text-decoration:none}
.screen-only{display:none}}
td.mono{font-family:ui-monospace,Menlo,Consolas,monospace;font-size:.75rem;overflow-wrap:anywhere}
.checked-verified{color:#1e8449} .checked-secondary{color:#b9770e}
.checked-not-verified{color:#c0392b;font-weight:bold}
"""


def _table(
    name: str,
    headers: list[str],
    rows: list[list[str]],
    numeric: set[int] | None = None,
    widths: list[int] | None = None,
) -> str:
    """A fixed-layout table (long values wrap inside it); `widths` in % per column."""
    numeric = numeric or set()
    cols = (
        "<colgroup>" + "".join(f'<col style="width:{w}%">' for w in widths) + "</colgroup>"
        if widths
        else ""
    )
    head = "".join(f"<th>{escape(h)}</th>" for h in headers)
    body = "".join(
        "<tr>"
        + "".join(
            f'<td class="num">{cell}</td>' if i in numeric else f"<td>{cell}</td>"
            for i, cell in enumerate(row)
        )
        + "</tr>"
        for row in rows
    )
    return (
        f'<table class="wrap" data-table="{name}">{cols}<thead><tr>{head}</tr></thead>'
        f"<tbody>{body}</tbody></table>"
    )


def _seconds(value: float | None) -> str:
    return "not measured" if value is None else f"{value:,.1f} s"


def _measure_row(m: Measure) -> list[str]:
    failing = "MISSED" in m.verdict or "BREACHED" in m.verdict
    verdict = f'<span class="{"fail" if failing else "pass"}">{escape(m.verdict)}</span>'
    if m.measured is None or (not failing and "emulator" in m.verdict):
        verdict = f'<span class="warn">{escape(m.verdict)}</span>'
    return [
        escape(m.name),
        _seconds(m.measured),
        "-" if m.target is None else f"{m.target:,.0f} s",
        "not set" if m.tolerance is None else f"{m.tolerance:,.0f} s",
        verdict,
        escape(m.source),
    ]


def _drill_section(index: int, drill: DrillEvidence, service: str) -> str:
    data = drill.drill.data
    passed = drill.drill.passed
    parts = [
        f'<section class="drill" id="drill-{index}">',
        f"<h2>Drill {index}: {escape(str(data.get('started_at', '?')))} on "
        f"{escape(str(data.get('target', '?')))} - "
        + ('<span class="pass">PASSED</span>' if passed else '<span class="fail">FAILED</span>')
        + "</h2>",
        '<h3>Scenario and severity</h3><section id="scenario">',
        f"<p><b>{escape(drill.scenario)}</b>; important business service: "
        f"<b>{escape(service)}</b>.</p>",
        f"<p>Severity: <b>{escape(drill.severity)}</b>. {escape(drill.rationale)}</p></section>",
        '<h3>Timeline, detection to recovery</h3><section id="timeline">',
        '<p class="muted">T+ is seconds from the first run\'s start (the decision to fail '
        "over); times are the journal's own (UTC).</p>",
        _table(
            "timeline",
            ["T+", "UTC", "event", "region", "status", "detail"],
            [
                [
                    "" if row.offset is None else f"{row.offset:,.3f}",
                    escape(row.utc),
                    escape(row.event),
                    escape(row.region),
                    escape(row.status),
                    escape(row.detail),
                ]
                for row in drill.timeline
            ]
            or [["", "", "no journal of this drill's runs was found", "", "", ""]],
            {0},
            [7, 15, 20, 9, 10, 39],
        ),
        "</section>",
        '<h3>Recovery against targets and impact tolerance</h3><section id="rto-rpo">',
        _table(
            "rto-rpo",
            ["objective", "measured", "target", "impact tolerance", "verdict", "measured by"],
            [_measure_row(m) for m in drill.measures],
            {1, 2, 3},
            [8, 11, 9, 11, 31, 30],
        ),
    ]
    if drill.data_plane:
        parts.append(
            _table(
                "data-plane",
                ["data-plane figure", "value"],
                [
                    [escape(str(k)), f"<code>{escape(str(v))[:400]}</code>"]
                    for k, v in drill.data_plane.items()
                ],
            )
        )
    else:
        parts.append(
            '<p class="muted">No data-plane figures in this drill report: the RTO is the '
            "control plane's recovery and no RPO was measured.</p>"
        )
    parts.append("</section>")
    parts.append('<h3>Approvals</h3><section id="approvals">')
    parts.append(
        _table(
            "approvals",
            ["run", "step", "by", "at (UTC)", "how"],
            [
                [escape(str(a.get(k, ""))) for k in ("run", "step", "by", "at", "mode")]
                for a in drill.approvals
            ]
            or [["", "", "no approval step in these runs", "", ""]],
        )
    )
    parts.append(
        f'<p class="muted">Operator of the failover: <code>{escape(drill.operator)}</code>; '
        f"config hash <code>{escape(drill.config_hash or 'unrecorded')}</code>.</p></section>"
    )
    parts.append('<h3>Gaps: steps that failed or were not emulated</h3><section id="gaps">')
    parts.append(
        _table(
            "gaps",
            ["step", "region", "status", "detail"],
            [[escape(g[k]) for k in ("step", "region", "status", "detail")] for g in drill.gaps]
            or [["none", "", "", ""]],
            widths=[25, 10, 11, 54],
        )
    )
    parts.append("</section></section>")
    return "".join(parts)


def _requirements() -> str:
    rows = []
    for req in REQUIREMENTS:
        css = "checked-" + req.checked.replace(" ", "-")
        note = f'<br><span class="muted">{escape(req.note)}</span>' if req.note else ""
        rows.append(
            [
                escape(req.regime),
                escape(req.provision),
                escape(req.wording),
                escape(req.artefact),
                f'<span class="{css}">{escape(req.checked)}</span>{note}',
                f'<a href="{escape(req.source)}">{escape(req.source)}</a>',
            ]
        )
    return (
        '<h2>Requirement map</h2><section id="requirements"><p class="muted">What each '
        'artefact serves. "checked" says how the wording was checked: verified (read on the '
        "source page), secondary (read in a third-party reproduction or summary), not verified "
        "(the rule's own words were not read; the row says what is assumed). This map is not "
        "legal advice.</p>"
        + _table(
            "requirements",
            ["regime", "provision", "wording", "artefact", "checked", "source"],
            rows,
            widths=[12, 11, 30, 23, 12, 12],
        )
        + "</section>"
    )


def _chains(result: PackResult) -> str:
    rows = [
        [
            f"<code>{escape(c.run_id)}</code>",
            '<span class="pass">intact</span>' if c.intact else '<span class="fail">BROKEN</span>',
            str(c.entries),
            escape(c.signature),
            f'<span class="mono">{escape(c.head)}</span>',
            escape(c.line),
        ]
        for c in result.chains
    ]
    return (
        '<h2>Journals and their hash chains</h2><section id="chains"><p class="muted">Each '
        "journal is copied into journals/RUN_ID/; `tradedr evidence verify DIR` re-walks every "
        "chain and checks MANIFEST.sha256 (so does `sha256sum -c MANIFEST.sha256`).</p>"
        + _table(
            "chains",
            ["run", "chain", "entries", "head signature", "head SHA-256", "verify says"],
            rows or [["no journal", "", "", "", "", ""]],
            {2},
            [22, 7, 7, 9, 24, 31],
        )
        + "</section>"
    )


def _runs(result: PackResult) -> str:
    from tradedr.evidence.pack import _run_summary

    rows: list[list[str]] = []
    for run in result.runs:
        summary: dict[str, Any] = _run_summary(run)
        rows.append(
            [
                f"<code>{escape(run.run_id)}</code>",
                escape(
                    f"{summary['kind']} {summary['source_region']} -> "
                    f"{summary['target_region']} ({summary['mode']})"
                ),
                escape(str(summary["target"])),
                escape(str(summary["status"])),
                escape(str(summary["operator"] or "unrecorded")),
                str(len(summary["templates"])),
            ]
        )
    return (
        '<h2>Runs</h2><section id="runs">'
        + _table(
            "runs",
            ["run", "plan", "target", "status", "operator", "templates hashed"],
            rows or [["none", "", "", "", "", ""]],
            {5},
        )
        + "</section>"
    )


def render_pack(result: PackResult) -> str:
    tolerance = result.impact_tolerance_seconds
    head = (
        '<!doctype html><html lang="en"><head><meta charset="utf-8">'
        '<meta name="viewport" content="width=device-width,initial-scale=1">'
        f"<title>tradedr evidence: {escape(result.service)}</title>"
        f"<style>{CSS}{PRINT_CSS}</style></head><body>"
    )
    intro = (
        f"<h1>DR evidence: {escape(result.service)}</h1>"
        f'<p class="muted">Impact tolerance: '
        f"{'not set in [resilience]' if tolerance is None else f'{tolerance:,} s'}; "
        f"{len(result.drills)} drill(s), {len(result.runs)} run journal(s)"
        + (f", since {escape(result.since.date().isoformat())}" if result.since else "")
        + ". What each artefact proves and what it does not: docs/evidence.md. A drill on the "
        "emulator proves plan correctness and data-plane safety, not AWS's own timings.</p>"
    )
    warnings = "".join(f"<li>{escape(w)}</li>" for w in result.warnings)
    body = [head, intro]
    if warnings:
        body.append(f'<section id="warnings"><h2>Warnings</h2><ul>{warnings}</ul></section>')
    body += [_drill_section(i, d, result.service) for i, d in enumerate(result.drills, start=1)]
    body += [_runs(result), _chains(result), _requirements(), "</body></html>"]
    return "".join(body) + "\n"
