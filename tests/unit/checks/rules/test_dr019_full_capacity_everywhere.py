"""DR019: every active-active region keeps the largest region's capacity."""

from __future__ import annotations

from dataclasses import replace
from typing import Any

import pytest

from tests.unit.checks.rules.fragments import CONTEXT, Case, doc, findings_of, params, res
from tradedr.config import Posture

RULE = "DR019"
ACTIVE = replace(CONTEXT, posture=Posture.ACTIVE_ACTIVE, standby_regions=("us-east-2", "us-west-2"))


def asg(minimum: int, desired: int) -> dict[str, Any]:
    return res(
        "AWS::AutoScaling::AutoScalingGroup",
        {"MinSize": str(minimum), "DesiredCapacity": str(desired), "MaxSize": "6"},
    )


def below(region: str, minimum: int, full: int) -> str:
    return (
        f"app tier in {region} keeps MinSize {minimum}, below the full capacity of {full} the "
        "largest region runs"
    )


CASES = [
    Case(
        "every region at 2",
        [doc({"A": asg(2, 2)}, r) for r in ("us-east-1", "us-east-2", "us-west-2")],
        [],
        ACTIVE,
    ),
    Case(
        "one region smaller",
        [doc({"A": asg(2, 2)}, "us-east-1"), doc({"A": asg(1, 1)}, "us-east-2")],
        [(RULE, "A", below("us-east-2", 1, 2))],
        ACTIVE,
    ),
    Case(
        "desired at full but MinSize lets it scale in",
        [doc({"A": asg(3, 3)}, "us-east-1"), doc({"A": asg(1, 3)}, "us-west-2")],
        [(RULE, "A", below("us-west-2", 1, 3))],
        ACTIVE,
    ),
    Case(
        "warm standby may run smaller",
        [doc({"A": asg(2, 2)}, "us-east-1"), doc({"A": asg(1, 1)}, "us-west-2")],
        [],
    ),
]


@pytest.mark.parametrize("case", params(CASES))
def test_findings(case: Case) -> None:
    assert findings_of(RULE, case) == case.findings
