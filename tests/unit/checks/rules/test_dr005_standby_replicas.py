"""DR005: a replica of every primary data store in every standby region, unless the
posture restores from backups (or is unknown)."""

from __future__ import annotations

import pytest

from tests.unit.checks.rules.fragments import Case, doc, findings_of, params, res
from tradedr.checks.rules import DrContext
from tradedr.config import Posture

RULE = "DR005"
BACKUP_RESTORE = DrContext(
    posture=Posture.BACKUP_RESTORE, primary_region="us-east-1", standby_regions=("us-west-2",)
)
TABLE_HERE_ONLY = res("AWS::DynamoDB::GlobalTable", {"Replicas": [{"Region": "us-east-1"}]})
VERSIONED = {"VersioningConfiguration": {"Status": "Enabled"}}

CASES = [
    Case(
        "replicas everywhere",
        [
            doc(
                {
                    "D": res("AWS::RDS::DBInstance"),
                    "T": res(
                        "AWS::DynamoDB::GlobalTable",
                        {"Replicas": [{"Region": "us-east-1"}, {"Region": "us-west-2"}]},
                    ),
                    "B": res(
                        "AWS::S3::Bucket",
                        {
                            "ReplicationConfiguration": {
                                "Rules": [
                                    {"Destination": {"Bucket": "arn:aws:s3:::objects-us-west-2"}}
                                ]
                            }
                        },
                    ),
                }
            ),
            doc(
                {"R": res("AWS::RDS::DBInstance", {"SourceDBInstanceIdentifier": "arn"})},
                region="us-west-2",
            ),
        ],
        [],
    ),
    Case(
        "no db replica, no table replica",
        [doc({"D": res("AWS::RDS::DBInstance"), "T": TABLE_HERE_ONLY})],
        [
            (RULE, "D", "no read replica in us-west-2"),
            (RULE, "T", "no table replica in us-west-2"),
        ],
    ),
    Case(
        "single-region table",
        [doc({"T": res("AWS::DynamoDB::Table")})],
        [(RULE, "T", "single-region table: no replica in us-west-2 (use a global table)")],
    ),
    Case(
        "data bucket without replication",
        [doc({"B": res("AWS::S3::Bucket", VERSIONED)})],
        [(RULE, "B", "bucket does not replicate to us-west-2")],
    ),
    Case(
        "aurora global secondary is the replica",
        [
            doc({"C": res("AWS::RDS::DBCluster")}),
            doc(
                {"S": res("AWS::RDS::DBCluster", {"GlobalClusterIdentifier": "g"})},
                region="us-west-2",
            ),
        ],
        [],
    ),
    Case(
        "backup-restore needs none",
        [doc({"D": res("AWS::RDS::DBInstance")})],
        [],
        BACKUP_RESTORE,
    ),
    Case(
        "unknown posture is skipped",
        [doc({"D": res("AWS::RDS::DBInstance")})],
        [],
        DrContext(primary_region="us-east-1", standby_regions=("us-west-2",)),
    ),
]


@pytest.mark.parametrize("case", params(CASES))
def test_findings(case: Case) -> None:
    assert findings_of(RULE, case) == case.findings
