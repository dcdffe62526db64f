"""Route 53 ARC: the routing-control cluster is listed, and unpriced (no public amount)."""

from __future__ import annotations

from typing import Any

from tradedr.analysis.cost import CostReport


def test_arc_cluster_is_listed_but_unpriced(arc_cost: CostReport) -> None:
    arc = [i for i in arc_cost.region("global").items if i.service == "Route 53 ARC"]
    assert len(arc) == 1
    assert arc[0].quantity == arc_cost.settings.usage.hours_per_month
    assert arc[0].monthly is None  # the snapshot has no ARC cluster price
    assert any("Route 53 ARC cluster" in w for w in arc_cost.warnings)


def test_a_region_switch_plan_is_a_line_item_not_priced(price_one_stack: Any) -> None:
    """One plan-month per plan; the snapshot's row is null ("not found"), so the line is
    listed, excluded from the totals, and named in a warning instead of counting $0."""
    report = price_one_stack(
        {"Plan": {"Type": "AWS::ARCRegionSwitch::Plan", "Properties": {}}}, kind="regionswitch"
    )
    lines = [i for i in report.region("global").items if i.charge == "ARC Region switch plan"]
    assert len(lines) == 1
    assert (lines[0].quantity, lines[0].unit) == (1, "plan-month")
    assert lines[0].monthly is None
    assert "AWS::ARCRegionSwitch::Plan" not in report.not_modelled
    assert any("ARC Region switch plan" in w for w in report.warnings)
