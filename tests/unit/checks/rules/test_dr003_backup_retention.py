"""DR003: automated backups and backup plans keep restore points at least 7 days."""

from __future__ import annotations

from typing import Any

import pytest

from tests.unit.checks.rules.fragments import Case, doc, findings_of, params, res

RULE = "DR003"


def plan(days: int) -> dict[str, Any]:
    rule = {"RuleName": "r", "Lifecycle": {"DeleteAfterDays": days}}
    return res("AWS::Backup::BackupPlan", {"BackupPlan": {"BackupPlanRule": [rule]}})


CASES = [
    Case(
        "seven days",
        [doc({"D": res("AWS::RDS::DBInstance", {"BackupRetentionPeriod": 7})})],
        [],
    ),
    Case(
        "default one day",
        [doc({"D": res("AWS::RDS::DBInstance")})],
        [(RULE, "D", "BackupRetentionPeriod is 1 days; at least 7 are required")],
    ),
    Case(
        "cluster keeps 3 days",
        [doc({"C": res("AWS::RDS::DBCluster", {"BackupRetentionPeriod": "3"})})],
        [(RULE, "C", "BackupRetentionPeriod is 3 days; at least 7 are required")],
    ),
    Case(
        "replica exempt",
        [doc({"D": res("AWS::RDS::DBInstance", {"SourceDBInstanceIdentifier": "arn"})})],
        [],
    ),
    Case(
        "aurora member exempt",
        [doc({"I": res("AWS::RDS::DBInstance", {"DBClusterIdentifier": "c"})})],
        [],
    ),
    Case("plan keeps 7 days", [doc({"P": plan(7)})], []),
    Case(
        "plan keeps 3 days",
        [doc({"P": plan(3)})],
        [(RULE, "P", "backup rule r keeps points 3 days")],
    ),
]


@pytest.mark.parametrize("case", params(CASES))
def test_findings(case: Case) -> None:
    assert findings_of(RULE, case) == case.findings
