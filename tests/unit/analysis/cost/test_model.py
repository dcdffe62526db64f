"""Line items, region costs and the report: totals leave unpriced lines out and say so."""

from __future__ import annotations

import pytest

from tradedr.analysis.cost import CostReport, LineItem, RegionCost
from tradedr.analysis.prices import Price, SnapshotPrices
from tradedr.config import load_settings


def item(usd: float | None, basis: str, quantity: float = 10.0, charge: str = "c") -> LineItem:
    price = Price("k", "us-west-2", usd, "hour", "src", None, basis)
    return LineItem("us-west-2", "svc", "comp", "stack/Id", charge, quantity, "hour", price)


@pytest.mark.parametrize(
    ("line", "monthly", "status"),
    [
        (item(0.5, "snapshot"), 5.0, "priced"),
        (item(0.5, "fallback us-east-1"), 5.0, "fallback price"),
        (item(None, "unavailable"), None, "price unavailable"),
        (item(None, "no row"), None, "price unavailable"),
        (item(None, "no row", quantity=0), 0.0, "priced"),
    ],
    ids=["priced", "fallback", "sourced-null", "no-row", "nothing-to-price"],
)
def test_line_status(line: LineItem, monthly: float | None, status: str) -> None:
    assert line.monthly == monthly
    data = line.to_dict()
    assert data["status"] == status
    assert data["price_basis"] == line.price.basis
    assert data["unit"] == "hour"


def test_a_missing_row_is_told_apart_from_a_sourced_null() -> None:
    assert not item(None, "no row").price.has_row
    assert not item(None, "no row (no live query for this item)").price.has_row
    assert item(None, "unavailable").price.has_row


def test_totals_leave_unpriced_lines_out_and_the_warnings_name_them() -> None:
    settings = load_settings({})
    region = RegionCost(
        "us-west-2",
        [
            item(0.5, "snapshot"),
            item(None, "no row", charge="Public IPv4"),
            item(1.0, "fallback x"),
        ],
    )
    report = CostReport(settings, SnapshotPrices(), [region], ["AWS::Foo::Bar"])
    assert region.monthly == 15.0
    assert region.by_component() == {"comp": 15.0}
    assert report.total_monthly == report.standby_monthly == 15.0
    warnings = report.warnings
    assert warnings[0].startswith("us-west-2: 1 line(s) have no price")
    assert warnings[0].endswith("excluded from the totals: Public IPv4")
    assert "1 line(s) priced with another region's price" in warnings[1]
    assert warnings[2] == "resource types not priced by tradedr: AWS::Foo::Bar"
    assert report.to_dict()["regions"][0]["unpriced_items"] == 1
