"""DR006: health-check detection plus the DNS TTL fits the RTO target, within the ranges
Route 53 accepts."""

from __future__ import annotations

from typing import Any

import pytest

from tests.unit.checks.rules.fragments import Case, doc, findings_of, params, res
from tradedr.checks.rules import DrContext

RULE = "DR006"


def check(**config: Any) -> dict[str, Any]:
    return res("AWS::Route53::HealthCheck", {"HealthCheckConfig": {"Type": "HTTP", **config}})


CASES = [
    Case("fast checks fit 300 s", [doc({"H": check(RequestInterval=10, FailureThreshold=3)})], []),
    Case(
        "slow checks miss 120 s",
        [doc({"H": check(RequestInterval=30, FailureThreshold=3)})],
        [(RULE, "H", "detection 30 s x 3 + 60 s DNS = 150 s exceeds the RTO target of 120 s")],
        DrContext(rto_seconds=120),
    ),
    Case(
        "interval Route 53 rejects",
        [doc({"H": check(RequestInterval=20)})],
        [(RULE, "H", "RequestInterval 20 s; Route 53 accepts 10 or 30")],
        DrContext(),
    ),
    Case(
        "threshold Route 53 rejects",
        [doc({"H": check(RequestInterval=10, FailureThreshold=11)})],
        [(RULE, "H", "FailureThreshold 11; Route 53 accepts 1-10")],
        DrContext(),
    ),
    Case(
        "calculated checks are not timed",
        [
            doc(
                {
                    "H": res(
                        "AWS::Route53::HealthCheck", {"HealthCheckConfig": {"Type": "CALCULATED"}}
                    )
                }
            )
        ],
        [],
        DrContext(rto_seconds=10),
    ),
]


@pytest.mark.parametrize("case", params(CASES))
def test_findings(case: Case) -> None:
    assert findings_of(RULE, case) == case.findings
