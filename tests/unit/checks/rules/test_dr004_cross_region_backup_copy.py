"""DR004: every backup rule copies into another region; without plans, data stores are
reported as in no plan."""

from __future__ import annotations

import pytest

from tests.unit.checks.rules.fragments import Case, doc, findings_of, params, res

RULE = "DR004"
COPY_PLAN = {
    "BackupPlan": {
        "BackupPlanName": "p",
        "BackupPlanRule": [
            {
                "RuleName": "daily",
                "Lifecycle": {"DeleteAfterDays": 7},
                "CopyActions": [
                    {
                        "DestinationBackupVaultArn": {
                            "Fn::Sub": "arn:${AWS::Partition}:backup:us-west-2:${AWS::AccountId}:"
                            "backup-vault:v"
                        }
                    }
                ],
            }
        ],
    }
}
NO_COPY_PLAN = {"BackupPlan": {"BackupPlanRule": [{"RuleName": "hourly"}]}}

CASES = [
    Case("copy to standby", [doc({"P": res("AWS::Backup::BackupPlan", COPY_PLAN)})], []),
    Case(
        "copy stays in region",
        [doc({"P": res("AWS::Backup::BackupPlan", COPY_PLAN)}, region="us-west-2")],
        [(RULE, "P", "backup rule daily has no copy action into a vault in another region")],
    ),
    Case(
        "rule without copy actions",
        [doc({"P": res("AWS::Backup::BackupPlan", NO_COPY_PLAN)})],
        [(RULE, "P", "backup rule hourly has no copy action into a vault in another region")],
    ),
    Case(
        "no plan for a db",
        [doc({"D": res("AWS::RDS::DBInstance")})],
        [(RULE, "D", "data store is in no backup plan, so nothing is copied to another region")],
    ),
    Case(
        "a plan covers the db",
        [
            doc(
                {
                    "D": res("AWS::RDS::DBInstance"),
                    "P": res("AWS::Backup::BackupPlan", COPY_PLAN),
                }
            )
        ],
        [],
    ),
    Case(
        "replicas need no plan of their own",
        [doc({"R": res("AWS::RDS::DBInstance", {"SourceDBInstanceIdentifier": "arn"})})],
        [],
    ),
]


@pytest.mark.parametrize("case", params(CASES))
def test_findings(case: Case) -> None:
    assert findings_of(RULE, case) == case.findings
