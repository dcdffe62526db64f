"""DR018: accelerator endpoint groups give up after at most 3 failed checks."""

from __future__ import annotations

from typing import Any

import pytest

from tests.unit.checks.rules.fragments import Case, doc, findings_of, params, res

RULE = "DR018"


def group(**props: Any) -> dict[str, Any]:
    return res("AWS::GlobalAccelerator::EndpointGroup", {"EndpointGroupRegion": "x", **props})


def high(threshold: int, seconds: int) -> str:
    return (
        f"health-check threshold {threshold} ({seconds} s to detect): at most 3 failed checks "
        "before traffic leaves a region"
    )


CASES = [
    Case("threshold 1", [doc({"G": group(ThresholdCount=1, HealthCheckIntervalSeconds=10)})], []),
    Case("threshold 3", [doc({"G": group(ThresholdCount=3, HealthCheckIntervalSeconds=10)})], []),
    Case("unset means the default 3", [doc({"G": group(HealthCheckIntervalSeconds=10)})], []),
    Case(
        "threshold 4 at 10 s",
        [doc({"G": group(ThresholdCount=4, HealthCheckIntervalSeconds=10)})],
        [(RULE, "G", high(4, 40))],
    ),
    Case(
        "threshold 10 at the default 30 s",
        [doc({"G": group(ThresholdCount=10)})],
        [(RULE, "G", high(10, 300))],
    ),
]


@pytest.mark.parametrize("case", params(CASES))
def test_findings(case: Case) -> None:
    assert findings_of(RULE, case) == case.findings
