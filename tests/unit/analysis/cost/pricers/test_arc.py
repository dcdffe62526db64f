"""Route 53 ARC: the routing-control cluster is listed, and unpriced (no public amount)."""

from __future__ import annotations

from tradedr.analysis.cost import CostReport


def test_arc_cluster_is_listed_but_unpriced(arc_cost: CostReport) -> None:
    arc = [i for i in arc_cost.region("global").items if i.service == "Route 53 ARC"]
    assert len(arc) == 1
    assert arc[0].quantity == arc_cost.settings.usage.hours_per_month
    assert arc[0].monthly is None  # the snapshot has no ARC cluster price
    assert any("Route 53 ARC cluster" in w for w in arc_cost.warnings)
