"""Every DR rule against good and bad template fragments (one table per rule)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from tradedr.checks.rules import ALL_RULES, DrContext
from tradedr.checks.templates import TemplateDoc
from tradedr.config import REQUIRED_TAG_KEYS, Posture

RULES = {rule.id: rule for rule in ALL_RULES}
TAGS = [{"Key": k, "Value": "x"} for k in REQUIRED_TAG_KEYS]
CONTEXT = DrContext(
    posture=Posture.WARM_STANDBY,
    primary_region="us-east-1",
    standby_regions=("us-west-2",),
    rto_seconds=300,
)


def doc(resources: dict[str, Any], region: str = "us-east-1", **extra: Any) -> TemplateDoc:
    body = {"Resources": resources, **extra}
    return TemplateDoc(f"stack-{region}", region, Path("t.json"), "{}", body)


def res(type_: str, props: dict[str, Any] | None = None, **attrs: Any) -> dict[str, Any]:
    return {"Type": type_, "Properties": props or {}, **attrs}


RETAIN = {"DeletionPolicy": "Retain", "UpdateReplacePolicy": "Retain"}
PITR = {"PointInTimeRecoverySpecification": {"PointInTimeRecoveryEnabled": True}}
KMS_SSE = {"SSESpecification": {"SSEEnabled": True, "SSEType": "KMS", "KMSMasterKeyId": "k"}}
RTC_RULE = {
    "Id": "to-us-west-2",
    "Status": "Enabled",
    "Destination": {
        "Bucket": "arn:aws:s3:::objects-us-west-2",
        "ReplicationTime": {"Status": "Enabled", "Time": {"Minutes": 15}},
        "Metrics": {"Status": "Enabled"},
    },
}
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


def alarm(namespace: str, metric: str) -> dict[str, Any]:
    return res("AWS::CloudWatch::Alarm", {"Namespace": namespace, "MetricName": metric})


def detector(concurrency: int | None = 1, **variables: str | None) -> dict[str, Any]:
    """A region-loss detector function; a variable set to None is left out."""
    env = {
        "TRADEDR_ROLE": "auto-failover-detector",
        "MAX_DATA_LOSS_SECONDS": "1",
        "PROBE_FAILURES": "3",
        **variables,
    }
    props: dict[str, Any] = {
        "Environment": {"Variables": {k: v for k, v in env.items() if v is not None}}
    }
    if concurrency is not None:
        props["ReservedConcurrentExecutions"] = concurrency
    return res("AWS::Lambda::Function", props)


# (rule id, case name, template docs, context, expected number of findings)
CASES: list[tuple[str, str, list[TemplateDoc], DrContext, int]] = [
    ("DR001", "retained bucket", [doc({"B": res("AWS::S3::Bucket", **RETAIN)})], CONTEXT, 0),
    (
        "DR001",
        "snapshot db",
        [
            doc(
                {
                    "D": res(
                        "AWS::RDS::DBInstance",
                        DeletionPolicy="Snapshot",
                        UpdateReplacePolicy="Snapshot",
                    )
                }
            )
        ],
        CONTEXT,
        0,
    ),
    (
        "DR001",
        "aurora member exempt",
        [doc({"I": res("AWS::RDS::DBInstance", {"DBClusterIdentifier": "c"})})],
        CONTEXT,
        0,
    ),
    ("DR001", "default delete table", [doc({"T": res("AWS::DynamoDB::Table")})], CONTEXT, 2),
    (
        "DR001",
        "replace deletes key",
        [doc({"K": res("AWS::KMS::Key", DeletionPolicy="Retain")})],
        CONTEXT,
        1,
    ),
    ("DR002", "table with pitr", [doc({"T": res("AWS::DynamoDB::Table", PITR)})], CONTEXT, 0),
    ("DR002", "table without pitr", [doc({"T": res("AWS::DynamoDB::Table")})], CONTEXT, 1),
    (
        "DR002",
        "global replica without pitr",
        [
            doc(
                {
                    "T": res(
                        "AWS::DynamoDB::GlobalTable",
                        {"Replicas": [{"Region": "us-east-1", **PITR}, {"Region": "us-west-2"}]},
                    )
                }
            )
        ],
        CONTEXT,
        1,
    ),
    (
        "DR003",
        "seven days",
        [doc({"D": res("AWS::RDS::DBInstance", {"BackupRetentionPeriod": 7})})],
        CONTEXT,
        0,
    ),
    ("DR003", "default one day", [doc({"D": res("AWS::RDS::DBInstance")})], CONTEXT, 1),
    (
        "DR003",
        "replica exempt",
        [doc({"D": res("AWS::RDS::DBInstance", {"SourceDBInstanceIdentifier": "arn"})})],
        CONTEXT,
        0,
    ),
    (
        "DR003",
        "plan keeps 3 days",
        [
            doc(
                {
                    "P": res(
                        "AWS::Backup::BackupPlan",
                        {
                            "BackupPlan": {
                                "BackupPlanRule": [
                                    {"RuleName": "r", "Lifecycle": {"DeleteAfterDays": 3}}
                                ]
                            }
                        },
                    )
                }
            )
        ],
        CONTEXT,
        1,
    ),
    (
        "DR004",
        "copy to standby",
        [doc({"P": res("AWS::Backup::BackupPlan", COPY_PLAN)})],
        CONTEXT,
        0,
    ),
    (
        "DR004",
        "copy stays in region",
        [doc({"P": res("AWS::Backup::BackupPlan", COPY_PLAN)}, region="us-west-2")],
        CONTEXT,
        1,
    ),
    ("DR004", "no plan for a db", [doc({"D": res("AWS::RDS::DBInstance")})], CONTEXT, 1),
    (
        "DR005",
        "replicas everywhere",
        [
            doc(
                {
                    "D": res("AWS::RDS::DBInstance"),
                    "T": res(
                        "AWS::DynamoDB::GlobalTable",
                        {"Replicas": [{"Region": "us-east-1"}, {"Region": "us-west-2"}]},
                    ),
                }
            ),
            doc(
                {"R": res("AWS::RDS::DBInstance", {"SourceDBInstanceIdentifier": "arn"})},
                region="us-west-2",
            ),
        ],
        CONTEXT,
        0,
    ),
    (
        "DR005",
        "no db replica, no table replica",
        [
            doc(
                {
                    "D": res("AWS::RDS::DBInstance"),
                    "T": res("AWS::DynamoDB::GlobalTable", {"Replicas": [{"Region": "us-east-1"}]}),
                }
            ),
        ],
        CONTEXT,
        2,
    ),
    (
        "DR005",
        "backup-restore needs none",
        [doc({"D": res("AWS::RDS::DBInstance")})],
        DrContext(
            posture=Posture.BACKUP_RESTORE,
            primary_region="us-east-1",
            standby_regions=("us-west-2",),
        ),
        0,
    ),
    (
        "DR006",
        "fast checks fit 300 s",
        [
            doc(
                {
                    "H": res(
                        "AWS::Route53::HealthCheck",
                        {
                            "HealthCheckConfig": {
                                "Type": "HTTP",
                                "RequestInterval": 10,
                                "FailureThreshold": 3,
                            }
                        },
                    )
                }
            )
        ],
        CONTEXT,
        0,
    ),
    (
        "DR006",
        "slow checks miss 120 s",
        [
            doc(
                {
                    "H": res(
                        "AWS::Route53::HealthCheck",
                        {
                            "HealthCheckConfig": {
                                "Type": "HTTP",
                                "RequestInterval": 30,
                                "FailureThreshold": 3,
                            }
                        },
                    )
                }
            )
        ],
        DrContext(rto_seconds=120),
        1,
    ),
    (
        "DR006",
        "interval Route 53 rejects",
        [
            doc(
                {
                    "H": res(
                        "AWS::Route53::HealthCheck",
                        {"HealthCheckConfig": {"Type": "HTTP", "RequestInterval": 20}},
                    )
                }
            )
        ],
        DrContext(),
        1,
    ),
    ("DR007", "all tags", [doc({"B": res("AWS::S3::Bucket", {"Tags": TAGS})})], CONTEXT, 0),
    ("DR007", "missing tags", [doc({"B": res("AWS::S3::Bucket", {"Tags": TAGS[:3]})})], CONTEXT, 1),
    ("DR007", "untaggable type ignored", [doc({"P": res("AWS::S3::BucketPolicy")})], CONTEXT, 0),
    (
        "DR008",
        "NoEcho parameter",
        [doc({}, Parameters={"DbPassword": {"Type": "String", "NoEcho": True}})],
        CONTEXT,
        0,
    ),
    (
        "DR008",
        "password default",
        [doc({}, Parameters={"DbPassword": {"Type": "String", "Default": "hunter2"}})],
        CONTEXT,
        1,
    ),
    (
        "DR008",
        "literal master password",
        [doc({"D": res("AWS::RDS::DBInstance", {"MasterUserPassword": "s3cret!!"})})],
        CONTEXT,
        1,
    ),
    (
        "DR008",
        "dynamic reference",
        [
            doc(
                {
                    "D": res(
                        "AWS::RDS::DBInstance",
                        {"MasterUserPassword": "{{resolve:secretsmanager:s:SecretString:pw}}"},
                    )
                }
            )
        ],
        CONTEXT,
        0,
    ),
    (
        "DR008",
        "user data secret",
        [
            doc(
                {
                    "L": res(
                        "AWS::EC2::LaunchTemplate",
                        {
                            "LaunchTemplateData": {
                                "UserData": {"Fn::Base64": "export DB_PASSWORD=hunter22"}
                            }
                        },
                    )
                }
            )
        ],
        CONTEXT,
        1,
    ),
    (
        "DR008",
        "secret ARN output is fine",
        [doc({}, Outputs={"DbSecretArn": {"Value": {"Ref": "Secret"}}})],
        CONTEXT,
        0,
    ),
    (
        "DR009",
        "cmk everywhere",
        [
            doc(
                {
                    "D": res("AWS::RDS::DBInstance", {"StorageEncrypted": True, "KmsKeyId": "k"}),
                    "T": res("AWS::DynamoDB::Table", KMS_SSE),
                    "B": res(
                        "AWS::S3::Bucket",
                        {
                            "BucketEncryption": {
                                "ServerSideEncryptionConfiguration": [
                                    {
                                        "ServerSideEncryptionByDefault": {
                                            "SSEAlgorithm": "aws:kms",
                                            "KMSMasterKeyID": "k",
                                        }
                                    }
                                ]
                            }
                        },
                    ),
                }
            )
        ],
        CONTEXT,
        0,
    ),
    (
        "DR009",
        "unencrypted db, aws-owned table",
        [doc({"D": res("AWS::RDS::DBInstance"), "T": res("AWS::DynamoDB::Table")})],
        CONTEXT,
        2,
    ),
    (
        "DR009",
        "log sink exempt",
        [
            doc(
                {
                    "L": res("AWS::S3::Bucket"),
                    "P": res(
                        "AWS::S3::BucketPolicy",
                        {
                            "Bucket": {"Ref": "L"},
                            "PolicyDocument": {
                                "Statement": [
                                    {
                                        "Effect": "Allow",
                                        "Principal": {"Service": "logging.s3.amazonaws.com"},
                                        "Action": "s3:PutObject",
                                        "Resource": "*",
                                    }
                                ]
                            },
                        },
                    ),
                }
            )
        ],
        CONTEXT,
        0,
    ),
    (
        "DR010",
        "multi-az primary",
        [doc({"D": res("AWS::RDS::DBInstance", {"MultiAZ": True})})],
        CONTEXT,
        0,
    ),
    ("DR010", "single-az primary", [doc({"D": res("AWS::RDS::DBInstance")})], CONTEXT, 1),
    (
        "DR010",
        "single-az replica is the posture's call",
        [doc({"D": res("AWS::RDS::DBInstance", {"SourceDBInstanceIdentifier": "arn"})})],
        CONTEXT,
        0,
    ),
    (
        "DR011",
        "rtc on",
        [
            doc(
                {
                    "B": res(
                        "AWS::S3::Bucket",
                        {"ReplicationConfiguration": {"Role": "r", "Rules": [RTC_RULE]}},
                    )
                }
            )
        ],
        CONTEXT,
        0,
    ),
    (
        "DR011",
        "rtc off",
        [
            doc(
                {
                    "B": res(
                        "AWS::S3::Bucket",
                        {
                            "ReplicationConfiguration": {
                                "Role": "r",
                                "Rules": [{"Id": "x", "Destination": {"Bucket": "arn:aws:s3:::b"}}],
                            }
                        },
                    )
                }
            )
        ],
        CONTEXT,
        1,
    ),
    (
        "DR012",
        "alarms present",
        [
            doc(
                {
                    "D": res("AWS::RDS::DBInstance"),
                    "A1": alarm("AWS/RDS", "CPUUtilization"),
                    "A2": alarm("AWS/RDS", "FreeStorageSpace"),
                }
            )
        ],
        CONTEXT,
        0,
    ),
    (
        "DR012",
        "alb without 5xx alarm",
        [doc({"L": res("AWS::ElasticLoadBalancingV2::LoadBalancer")})],
        CONTEXT,
        1,
    ),
    (
        "DR012",
        "replica without lag alarm",
        [
            doc(
                {
                    "R": res("AWS::RDS::DBInstance", {"SourceDBInstanceIdentifier": "a"}),
                    "A": alarm("AWS/RDS", "CPUUtilization"),
                }
            )
        ],
        CONTEXT,
        1,
    ),
    (
        "DR013",
        "named resources",
        [
            doc(
                {
                    "P": res(
                        "AWS::IAM::ManagedPolicy",
                        {
                            "PolicyDocument": {
                                "Statement": [
                                    {
                                        "Effect": "Allow",
                                        "Action": ["s3:GetObject"],
                                        "Resource": "arn:aws:s3:::b/*",
                                    }
                                ]
                            }
                        },
                    )
                }
            )
        ],
        CONTEXT,
        0,
    ),
    (
        "DR013",
        "wildcard data access",
        [
            doc(
                {
                    "R": res(
                        "AWS::IAM::Role",
                        {
                            "Policies": [
                                {
                                    "PolicyName": "p",
                                    "PolicyDocument": {
                                        "Statement": [
                                            {
                                                "Effect": "Allow",
                                                "Action": ["dynamodb:GetItem"],
                                                "Resource": "*",
                                            }
                                        ]
                                    },
                                }
                            ]
                        },
                    )
                }
            )
        ],
        CONTEXT,
        1,
    ),
    (
        "DR013",
        "describe on * is not data",
        [
            doc(
                {
                    "P": res(
                        "AWS::IAM::Policy",
                        {
                            "PolicyDocument": {
                                "Statement": [
                                    {
                                        "Effect": "Allow",
                                        "Action": "ec2:DescribeInstances",
                                        "Resource": "*",
                                    }
                                ]
                            }
                        },
                    )
                }
            )
        ],
        CONTEXT,
        0,
    ),
    (
        "DR014",
        "versioned",
        [doc({"B": res("AWS::S3::Bucket", {"VersioningConfiguration": {"Status": "Enabled"}})})],
        CONTEXT,
        0,
    ),
    ("DR014", "not versioned", [doc({"B": res("AWS::S3::Bucket")})], CONTEXT, 1),
    ("DR015", "guarded detector", [doc({"F": detector()})], CONTEXT, 0),
    (
        "DR015",
        "other functions are not detectors",
        [doc({"F": res("AWS::Lambda::Function", {"Environment": {"Variables": {}}})})],
        CONTEXT,
        0,
    ),
    ("DR015", "no reserved concurrency", [doc({"F": detector(concurrency=None)})], CONTEXT, 1),
    ("DR015", "concurrency 2", [doc({"F": detector(concurrency=2)})], CONTEXT, 1),
    ("DR015", "no data-loss bound", [doc({"F": detector(MAX_DATA_LOSS_SECONDS=None)})], CONTEXT, 1),
    ("DR015", "one failed round", [doc({"F": detector(PROBE_FAILURES="1")})], CONTEXT, 1),
    ("DR015", "no failure count", [doc({"F": detector(PROBE_FAILURES=None)})], CONTEXT, 1),
    (
        "DR015",
        "everything missing",
        [doc({"F": detector(concurrency=None, MAX_DATA_LOSS_SECONDS=None, PROBE_FAILURES=None)})],
        CONTEXT,
        3,
    ),
]


@pytest.mark.parametrize(
    ("rule_id", "docs", "context", "expected"),
    [pytest.param(r, d, c, e, id=f"{r}-{name}") for r, name, d, c, e in CASES],
)
def test_rule_on_fragment(
    rule_id: str, docs: list[TemplateDoc], context: DrContext, expected: int
) -> None:
    findings = list(RULES[rule_id].check(docs, context))
    assert len(findings) == expected, [f.message for f in findings]
    assert all(f.rule == rule_id and f.source == "tradedr" for f in findings)


def test_every_rule_has_metadata_and_good_and_bad_cases() -> None:
    assert len(ALL_RULES) >= 12
    assert len({r.id for r in ALL_RULES}) == len(ALL_RULES)
    for rule in ALL_RULES:
        assert rule.title
        assert rule.description
        assert rule.source.startswith("https://")
        assert rule.severity in ("error", "warning", "info")
        outcomes = {expected == 0 for rid, _, _, _, expected in CASES if rid == rule.id}
        assert outcomes == {True, False}, f"{rule.id} needs a good and a bad case"
