"""DR010: the primary database instance is Multi-AZ; replicas and Aurora members are exempt."""

from __future__ import annotations

import pytest

from tests.unit.checks.rules.fragments import Case, doc, findings_of, params, res

RULE = "DR010"

CASES = [
    Case("multi-az primary", [doc({"D": res("AWS::RDS::DBInstance", {"MultiAZ": True})})], []),
    Case(
        "multi-az as a string",
        [doc({"D": res("AWS::RDS::DBInstance", {"MultiAZ": "true"})})],
        [],
    ),
    Case(
        "single-az primary",
        [doc({"D": res("AWS::RDS::DBInstance")})],
        [(RULE, "D", "primary DB instance is single-AZ")],
    ),
    Case(
        "single-az replica is the posture's call",
        [doc({"D": res("AWS::RDS::DBInstance", {"SourceDBInstanceIdentifier": "arn"})})],
        [],
    ),
    Case(
        "aurora member exempt",
        [doc({"I": res("AWS::RDS::DBInstance", {"DBClusterIdentifier": "c"})})],
        [],
    ),
]


@pytest.mark.parametrize("case", params(CASES))
def test_findings(case: Case) -> None:
    assert findings_of(RULE, case) == case.findings
