"""Charts as inline SVG (matplotlib, Agg backend): real images in a self-contained report."""

from __future__ import annotations

import io
import math
import re
from typing import TYPE_CHECKING, Any

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt
from matplotlib.figure import Figure
from matplotlib.ticker import FuncFormatter, LogLocator

if TYPE_CHECKING:
    from tradedr.analysis.cost import CostReport
    from tradedr.analysis.rto import Scenario

CRITICAL = "#c0392b"
PARALLEL = "#95a5a6"
# Paul Tol's "muted" scheme: colours told apart with the common colour-vision deficiencies.
PALETTE = [
    "#332288",
    "#88CCEE",
    "#44AA99",
    "#117733",
    "#999933",
    "#DDCC77",
    "#CC6677",
    "#882255",
    "#AA4499",
]
OTHER = "#DDDDDD"  # the services beyond the palette, merged


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
    """Each component as a bar from its typical start; whiskers to its worst case. The axis
    fits the data; the target is a line when it falls inside, else an arrow at the edge."""
    comps = scenario.components
    fig, ax = plt.subplots(figsize=(8, 0.5 * len(comps) + 2.0))
    ends = [0.0]
    for index, c in enumerate(comps):
        start = scenario.starts.get(c.name, 0.0)
        color = CRITICAL if c.critical else PARALLEL
        ax.barh(index, c.typical, left=start, color=color, height=0.55)
        ax.plot([start + c.best, start + c.worst], [index, index], color="#333", lw=1)
        ax.text(start + c.typical, index - 0.3, f" {c.typical:,.0f} s", fontsize=8)
        ends.append(start + max(c.worst, c.typical))
    ax.set_yticks(range(len(comps)), [c.name for c in comps])
    ax.invert_yaxis()
    p50, p99, typical = scenario.rto["p50"], scenario.rto["p99"], scenario.rto["typical"]
    right = max([*ends, p99, 1.0]) * 1.18
    ax.set_xlim(0, right)
    for label, value, style in (("p50", p50, ":"), ("p99", p99, "--")):
        ax.axvline(value, color="#2c3e50", ls=style, lw=1, label=f"{label} {value:,.0f} s")
    if target <= right:
        ax.axvline(target, color="#117733", lw=1.5, label=f"target {target:,} s")
    else:
        ax.annotate(
            f"target {target:,} s ->",
            xy=(right, -0.9),
            xycoords="data",
            ha="right",
            va="bottom",
            fontsize=8,
            color="#117733",
            annotation_clip=False,
        )
    ax.legend(fontsize=7, loc="lower right")
    ax.set_xlabel("seconds after the failure (bars: typical; whiskers: best..worst)")
    gap = p99 - typical
    ax.set_title(
        f"{scenario.name}: typical {typical:,.0f} s, p99 {p99:,.0f} s", fontsize=10, loc="left"
    )
    fig.text(
        0.01,
        0.005,
        f"p99 - typical = {gap:+,.0f} s: the critical path sums each component's typical time; "
        "p99 samples every component between best and worst (Monte Carlo), so the tail adds up.",
        fontsize=7.5,
        color="#555",
        wrap=True,
    )
    ax.grid(axis="x", alpha=0.3)
    fig.tight_layout(rect=(0, 0.05, 1, 1))
    return to_svg(fig, f"rto-{scenario.name}")


def cost_by_region(report: CostReport) -> str:
    """Stacked bars: one per region, one segment per service (priced lines only). The
    largest services get a colour each (the rest: "other"); large segments are labelled."""
    regions = [r for r in report.regions if r.monthly > 0]
    totals: dict[str, float] = {}
    for r in regions:
        for service, value in r.by_service().items():
            totals[service] = totals.get(service, 0.0) + value
    ranked = [s for s, v in sorted(totals.items(), key=lambda kv: -kv[1]) if v > 0]
    named = ranked[: len(PALETTE)] if len(ranked) <= len(PALETTE) else ranked[: len(PALETTE) - 1]
    rest = [s for s in ranked if s not in named]

    def amount_of(region: Any, service: str) -> float:
        by_service = region.by_service()
        if service == "other":
            return float(sum(by_service.get(s, 0.0) for s in rest))
        return float(by_service.get(service, 0.0))

    fig, ax = plt.subplots(figsize=(8, 0.8 * len(regions) + 2.4))
    left = [0.0] * len(regions)
    widest = max([r.monthly for r in regions] + [1.0])
    for index, service in enumerate([*named, *(["other"] if rest else [])]):
        values = [amount_of(r, service) for r in regions]
        color = OTHER if service == "other" else PALETTE[index % len(PALETTE)]
        ax.barh([r.region for r in regions], values, left=left, label=service, color=color)
        for row, v in enumerate(values):
            if v >= 0.12 * widest:  # room for a label inside the segment
                dark = color in ("#332288", "#117733", "#882255", "#AA4499", "#44AA99")
                ax.text(
                    left[row] + v / 2,
                    row,
                    f"{service}\n${v:,.0f}",
                    ha="center",
                    va="center",
                    fontsize=6.5,
                    color="white" if dark else "#222",
                )
        left = [a + b for a, b in zip(left, values, strict=True)]
    for index, r in enumerate(regions):
        amount = ("≥ " if r.unpriced else "") + f"${r.monthly:,.0f}"
        note = f"  {amount}" + (f" (+{len(r.unpriced)} unpriced)" if r.unpriced else "")
        ax.text(left[index], index, note, va="center", fontsize=8)
    ax.invert_yaxis()
    ax.set_xlabel(f"USD per month ({report.prices.price_date})")
    ax.xaxis.set_major_formatter(FuncFormatter(lambda x, _pos: f"${x:,.0f}"))
    headline = report.headline
    total = ("" if headline.complete else "≥ ") + f"${headline.total_monthly_usd:,.0f}"
    title = f"Monthly cost by region and service: {total}"
    if not headline.complete:
        title += f"\n(incomplete: {headline.gaps})"
    ax.set_title(title, fontsize=10 if headline.complete else 9)
    ax.legend(fontsize=7, ncol=4, loc="upper center", bbox_to_anchor=(0.5, -0.22))
    ax.set_xlim(0, max([*left, 1.0]) * 1.35)
    fig.tight_layout()
    return to_svg(fig, "cost-by-region")


def posture_tradeoff(rows: list[dict[str, Any]], current: str, target: int | None = None) -> str:
    """Monthly cost against region-loss p99 RTO, one numbered point per posture; the key
    beside the plot names them (labels next to points overlapped), the RTO target a line."""
    fig, (ax, key) = plt.subplots(1, 2, figsize=(9, 4.4), gridspec_kw={"width_ratios": [3, 1.35]})
    ordered = sorted(rows, key=lambda r: r["monthly"])
    costs = [r["monthly"] for r in rows]
    spread = max(costs) - min(costs) or 1.0
    lines = []
    placed: list[tuple[float, float]] = []
    for number, row in enumerate(ordered, start=1):
        mine = row["posture"] == current
        x, y = row["monthly"], row["region_loss_rto_p99"]
        color = CRITICAL if mine else "#332288"
        ax.scatter(x, y, s=30, color=color, zorder=3)
        # Points close to an earlier one get their number set off to the side, with a leader.
        near = sum(
            1
            for px, py in placed
            if abs(px - x) < 0.06 * spread and abs(math.log10(max(py, 1) / max(y, 1))) < 0.08
        )
        placed.append((x, y))
        ax.annotate(
            str(number),
            (x, y),
            xytext=(14 * near, 12 + 10 * near),
            textcoords="offset points",
            ha="center",
            va="center",
            fontsize=7,
            color="white",
            zorder=4,
            bbox={"boxstyle": "circle,pad=0.25", "fc": color, "ec": "none"},
            arrowprops={"arrowstyle": "-", "color": color, "lw": 0.8},
        )
        amount = ("≥ " if not row.get("complete", True) else "") + f"${x:,.0f}"
        lines.append(
            f"{number}  {row['posture']}{' (configured)' if mine else ''}\n"
            f"    {amount}/month, p99 {y:,.0f} s"
        )
    if target is not None:
        ax.axhline(target, color="#117733", lw=1.2, ls="--", label=f"RTO target {target:,} s")
        ax.legend(fontsize=7, loc="upper right")
    ax.set_xlim(min(costs) - 0.1 * spread, max(costs) + 0.15 * spread)
    ax.set_yscale("log")
    values = [r["region_loss_rto_p99"] for r in rows] + ([target] if target else [])
    ax.set_ylim(max(min(values) / 1.6, 1.0), max(values) * 1.8)
    ax.yaxis.set_major_locator(LogLocator(base=10, subs=(1.0, 2.0, 5.0)))
    ax.yaxis.set_major_formatter(FuncFormatter(lambda v, _pos: f"{v:,.0f} s"))
    ax.yaxis.set_minor_formatter(FuncFormatter(lambda _v, _pos: ""))
    ax.xaxis.set_major_formatter(FuncFormatter(lambda v, _pos: f"${v:,.0f}"))
    ax.tick_params(axis="x", labelrotation=30, labelsize=8)
    ax.tick_params(axis="y", labelsize=8)
    ax.set_xlabel("USD per month (all regions)")
    ax.set_ylabel("region-loss RTO p99 (log)")
    ax.set_title("DR posture trade-off: cost vs recovery time", fontsize=10)
    ax.grid(alpha=0.3)
    key.axis("off")
    key.text(0, 1, "\n".join(lines), va="top", fontsize=7.5, family="monospace")
    fig.tight_layout()
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
