"""Charts as inline SVG (matplotlib, Agg backend): real images in a self-contained report."""

from __future__ import annotations

import io
import re
from typing import TYPE_CHECKING, Any

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt
from matplotlib.figure import Figure

if TYPE_CHECKING:
    from tradedr.analysis.cost import CostReport
    from tradedr.analysis.rto import Scenario

CRITICAL = "#c0392b"
PARALLEL = "#95a5a6"
PALETTE = [
    "#1f77b4",
    "#ff7f0e",
    "#2ca02c",
    "#d62728",
    "#9467bd",
    "#8c564b",
    "#e377c2",
    "#7f7f7f",
    "#bcbd22",
    "#17becf",
    "#393b79",
    "#637939",
    "#8c6d31",
    "#843c39",
    "#7b4173",
    "#3182bd",
    "#e6550d",
]


def to_svg(fig: Figure, name: str) -> str:
    """Serialize without the XML prolog; a per-chart salt keeps element ids unique."""
    buffer = io.StringIO()
    with matplotlib.rc_context({"svg.hashsalt": name, "svg.fonttype": "none"}):
        fig.savefig(buffer, format="svg", bbox_inches="tight")
    plt.close(fig)
    svg = buffer.getvalue()
    svg = svg[svg.index("<svg") :]
    # Ids such as "patch_1" repeat in every matplotlib SVG: prefix them per chart.
    prefix = re.sub(r"[^a-z0-9]", "-", name.lower())
    svg = re.sub(r'id="([^"]+)"', rf'id="{prefix}-\1"', svg)
    svg = re.sub(r"url\(#([^)]+)\)", rf"url(#{prefix}-\1)", svg)
    svg = re.sub(r'xlink:href="#([^"]+)"', rf'xlink:href="#{prefix}-\1"', svg)
    return svg.replace("<svg ", f'<svg data-chart="{prefix}" role="img" ', 1)


def rto_waterfall(scenario: Scenario, target: int) -> str:
    """Each component as a bar from its typical start; whiskers to its worst case."""
    comps = scenario.components
    fig, ax = plt.subplots(figsize=(8, 0.5 * len(comps) + 1.6))
    for index, c in enumerate(comps):
        start = scenario.starts.get(c.name, 0.0)
        color = CRITICAL if c.critical else PARALLEL
        ax.barh(index, c.typical, left=start, color=color, height=0.55)
        ax.plot([start + c.best, start + c.worst], [index, index], color="#333", lw=1)
        ax.text(start + c.typical + 2, index - 0.3, f"{c.typical:,.0f} s", fontsize=8)
    ax.set_yticks(range(len(comps)), [c.name for c in comps])
    ax.invert_yaxis()
    for label, value, style in (
        ("p50", scenario.rto["p50"], ":"),
        ("p99", scenario.rto["p99"], "--"),
    ):
        ax.axvline(value, color="#2c3e50", ls=style, lw=1, label=f"{label} {value:,.0f} s")
    ax.axvline(target, color="#27ae60", lw=1.5, label=f"target {target:,} s")
    ax.legend(fontsize=7, loc="lower right")
    ax.set_xlabel("seconds after the failure (bars: typical; whiskers: best..worst)")
    ax.set_title(
        f"{scenario.name}: typical {scenario.rto['typical']:,.0f} s, "
        f"p99 {scenario.rto['p99']:,.0f} s"
    )
    ax.grid(axis="x", alpha=0.3)
    return to_svg(fig, f"rto-{scenario.name}")


def cost_by_region(report: CostReport) -> str:
    """Stacked bars: one per region, one segment per service (priced lines only)."""
    regions = [r for r in report.regions if r.monthly > 0]
    services = sorted({s for r in regions for s, v in r.by_service().items() if v > 0})
    fig, ax = plt.subplots(figsize=(8, 0.7 * len(regions) + 2.2))
    left = [0.0] * len(regions)
    for index, service in enumerate(services):
        values = [r.by_service().get(service, 0.0) for r in regions]
        ax.barh(
            [r.region for r in regions],
            values,
            left=left,
            label=service,
            color=PALETTE[index % len(PALETTE)],
        )
        left = [a + b for a, b in zip(left, values, strict=True)]
    for index, r in enumerate(regions):
        amount = ("≥ " if r.unpriced else "") + f"${r.monthly:,.0f}"
        note = f"  {amount}" + (f" (+{len(r.unpriced)} unpriced)" if r.unpriced else "")
        ax.text(left[index], index, note, va="center", fontsize=8)
    ax.invert_yaxis()
    ax.set_xlabel(f"USD per month ({report.prices.price_date})")
    headline = report.headline
    total = ("" if headline.complete else "≥ ") + f"${headline.total_monthly_usd:,.0f}"
    title = f"Monthly cost by region and service: {total}"
    if not headline.complete:
        title += f" (incomplete: {headline.gaps})"
    ax.set_title(title, fontsize=10 if headline.complete else 9)
    ax.legend(fontsize=7, ncol=3, loc="upper center", bbox_to_anchor=(0.5, -0.25))
    ax.set_xlim(0, max([*left, 1.0]) * 1.3)
    return to_svg(fig, "cost-by-region")


def posture_tradeoff(rows: list[dict[str, Any]], current: str) -> str:
    """Monthly cost against region-loss p99 RTO, one point per posture."""
    fig, ax = plt.subplots(figsize=(7, 4.2))
    # Neighbours often share an RTO (promotion-bound): alternate labels above and below.
    for index, row in enumerate(sorted(rows, key=lambda r: r["monthly"])):
        mine = row["posture"] == current
        ax.scatter(
            row["monthly"],
            row["region_loss_rto_p99"],
            s=90 if mine else 50,
            color=CRITICAL if mine else "#2c3e50",
            zorder=3,
        )
        incomplete = "" if row.get("complete", True) else f" ≥ ${row['monthly']:,.0f}"
        ax.annotate(
            row["posture"] + (" (configured)" if mine else "") + incomplete,
            (row["monthly"], row["region_loss_rto_p99"]),
            textcoords="offset points",
            xytext=(-10, 8 if index % 2 == 0 else -14),
            fontsize=8,
        )
    costs = [r["monthly"] for r in rows]
    spread = max(costs) - min(costs) or 1.0
    ax.set_xlim(min(costs) - 0.08 * spread, max(costs) + 0.25 * spread)
    ax.set_yscale("log")
    ax.set_xlabel("USD per month (all regions)")
    ax.set_ylabel("region-loss RTO p99, seconds (log)")
    ax.set_title("DR posture trade-off: cost vs recovery time")
    ax.grid(alpha=0.3)
    return to_svg(fig, "posture-tradeoff")


def check_summary(summary: dict[str, int]) -> str:
    fig, ax = plt.subplots(figsize=(5, 2.2))
    keys = ["errors", "warnings", "acknowledged"]
    values = [int(summary.get(k, 0)) for k in keys]
    ax.barh(keys, values, color=[CRITICAL, "#f39c12", PARALLEL])
    for index, value in enumerate(values):
        ax.text(value, index, f" {value}", va="center", fontsize=9)
    ax.invert_yaxis()
    ax.set_xlim(0, max([*values, 1]) * 1.25)
    ax.set_title("Static checks")
    return to_svg(fig, "check-summary")
