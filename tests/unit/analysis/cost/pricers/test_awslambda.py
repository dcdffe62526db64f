"""Lambda: only the region-loss detector has lines, and the snapshot has no Lambda price."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from tradedr.analysis.cost import CostReport

PriceOneStack = Callable[..., CostReport]


def function(role: str | None) -> dict[str, Any]:
    properties: dict[str, Any] = {"MemorySize": 256, "Timeout": 60}
    if role:
        properties["Environment"] = {"Variables": {"TRADEDR_ROLE": role}}
    return {"Type": "AWS::Lambda::Function", "Properties": properties}


def test_the_detector_bills_gb_seconds_and_requests_without_a_row(
    price_one_stack: PriceOneStack,
) -> None:
    report = price_one_stack({"Detector": function("auto-failover-detector")}, region="us-west-2")
    lines = report.region("us-west-2").items
    hours = report.settings.usage.hours_per_month
    assert [(i.price.key, i.unit) for i in lines] == [
        ("lambda.gb-second", "GB-seconds"),
        ("lambda.requests", "million requests"),
    ]
    assert lines[0].quantity == hours * 60 * 60 * 0.25
    assert lines[1].quantity == hours * 60 / 1_000_000
    assert all(i.price.basis == "no row" and i.monthly is None for i in lines)


def test_other_functions_have_no_line(price_one_stack: PriceOneStack) -> None:
    report = price_one_stack({"Rotation": function(None), "Other": function("something-else")})
    assert not [i for r in report.regions for i in r.items]
    assert not report.not_modelled
