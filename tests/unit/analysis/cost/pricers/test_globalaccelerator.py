"""Global Accelerator: fixed fee and DT-Premium (fast_ga_synth: the fast example)."""

from __future__ import annotations

import pytest

from tradedr.analysis.cost import CostReport
from tradedr.analysis.cost.pricers.globalaccelerator import dt_premium_area


def test_accelerator_fixed_fee_and_dt_premium(ga_cost: CostReport) -> None:
    usage = ga_cost.settings.usage
    lines = {
        i.price.key: i
        for i in ga_cost.region("global").items
        if i.service == "AWS Global Accelerator"
    }
    assert set(lines) == {"globalaccelerator.hour", "globalaccelerator.dt-premium-na"}
    fee, premium = lines["globalaccelerator.hour"], lines["globalaccelerator.dt-premium-na"]
    assert fee.monthly == round(usage.hours_per_month * (fee.price.usd or 0), 2)
    assert premium.quantity == usage.internet_egress_gb
    assert premium.priced
    assert not [i for i in ga_cost.region("global").items if i.service == "Route 53 ARC"]


@pytest.mark.parametrize(
    ("region", "area"),
    [("us-east-1", "na"), ("ca-central-1", "na"), ("eu-west-1", "eu"), ("ap-south-1", "apac")],
)
def test_dt_premium_area(region: str, area: str) -> None:
    assert dt_premium_area(region) == area
