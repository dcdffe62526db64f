"""DR017: accelerator endpoint groups check every 10 s."""

from __future__ import annotations

from typing import Any

import pytest

from tests.unit.checks.rules.fragments import Case, doc, findings_of, params, res

RULE = "DR017"
SLOW = "health-check interval 30 s: set 10 s so detecting a lost region takes a third as long"


def group(**props: Any) -> dict[str, Any]:
    return res("AWS::GlobalAccelerator::EndpointGroup", {"EndpointGroupRegion": "x", **props})


CASES = [
    Case("10 s", [doc({"G": group(HealthCheckIntervalSeconds=10)})], []),
    Case("30 s", [doc({"G": group(HealthCheckIntervalSeconds=30)})], [(RULE, "G", SLOW)]),
    Case("unset means the 30 s default", [doc({"G": group()})], [(RULE, "G", SLOW)]),
    Case("not an endpoint group", [doc({"G": res("AWS::EC2::VPC", {})})], []),
]


@pytest.mark.parametrize("case", params(CASES))
def test_findings(case: Case) -> None:
    assert findings_of(RULE, case) == case.findings
