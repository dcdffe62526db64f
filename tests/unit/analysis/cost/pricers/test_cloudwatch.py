"""CloudWatch: alarms are billed per alarm metric (high resolution below 60 s), dashboards."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from tradedr.analysis.cost import CostReport

PriceOneStack = Callable[..., CostReport]


@pytest.mark.parametrize(
    ("period", "charge", "key", "monthly"),
    [
        (60, "CloudWatch alarm", "cloudwatch.alarm", 0.1),
        (10, "CloudWatch alarm (high resolution)", "cloudwatch.alarm.high-resolution", 0.3),
    ],
)
def test_alarm_resolution(
    price_one_stack: PriceOneStack, period: int, charge: str, key: str, monthly: float
) -> None:
    alarm = {"Type": "AWS::CloudWatch::Alarm", "Properties": {"Period": period}}
    [line] = price_one_stack({"A": alarm}).region("us-east-1").items
    assert (line.charge, line.price.key, line.unit, line.monthly) == (
        charge,
        key,
        "alarm metric-month",
        monthly,
    )
