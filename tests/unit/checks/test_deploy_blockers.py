"""Deploy blockers: each cfn-lint rule that predicts a rejection is an error in `tradedr check`.

Every promoted warning (`DEPLOY_BLOCKERS`) is fed a template that triggers it and must come
back as an error naming it a deploy blocker; the rules cfn-lint itself reports as errors for
the same class of mistake (instance class for the engine, instance type for the region, AMI
id, engine version, a runtime whose creation is blocked) are held to stay errors.
"""

from __future__ import annotations

import json
from typing import Any

import pytest

from tradedr.checks.lint import DEPLOY_BLOCKERS, lint_text

ROLE = "arn:aws:iam::123456789012:role/r"


def _db(**properties: Any) -> dict[str, Any]:
    return {
        "Resources": {
            "Db": {
                "Type": "AWS::RDS::DBInstance",
                "Properties": {
                    "Engine": "mysql",
                    "EngineVersion": "8.4.7",
                    "DBInstanceClass": "db.r6g.large",
                    "AllocatedStorage": "100",
                    **properties,
                },
            }
        }
    }


def _table(billing_mode: Any, **extra: Any) -> dict[str, Any]:
    return {
        **extra,
        "Resources": {
            "Table": {
                "Type": "AWS::DynamoDB::Table",
                "Properties": {
                    "BillingMode": billing_mode,
                    "KeySchema": [{"AttributeName": "k", "KeyType": "HASH"}],
                    "AttributeDefinitions": [{"AttributeName": "k", "AttributeType": "S"}],
                },
            }
        },
    }


def _function(**properties: Any) -> dict[str, Any]:
    return {
        "Resources": {
            "Fn": {
                "Type": "AWS::Lambda::Function",
                "Properties": {
                    "Runtime": "python3.12",
                    "Handler": "index.handler",
                    "Role": ROLE,
                    "Code": {"ZipFile": "def handler(e, c): pass"},
                    **properties,
                },
            }
        }
    }


def _instance(instance_type: str, image: str = "ami-12345678") -> dict[str, Any]:
    return {
        "Resources": {
            "Host": {
                "Type": "AWS::EC2::Instance",
                "Properties": {"InstanceType": instance_type, "ImageId": image},
            }
        }
    }


# rule -> (a template that triggers it, the region it is linted for, the resource named)
PROMOTED: dict[str, tuple[dict[str, Any], str, str]] = {
    "W3690": (
        {
            "Resources": {
                "Cluster": {
                    "Type": "AWS::RDS::DBCluster",
                    "Properties": {
                        "Engine": "aurora-mysql",
                        "EngineVersion": "8.0.mysql_aurora.3.01.0",
                    },
                }
            }
        },
        "us-east-1",
        "Cluster",
    ),
    "W3691": (_db(EngineVersion="8.0.39"), "us-east-1", "Db"),
    "W1031": (_table({"Fn::Sub": "${AWS::Region}"}), "us-east-1", "Table"),
    "W1032": (_table({"Fn::Join": ["", ["FA", "ST"]]}), "us-east-1", "Table"),
    "W1033": (_function(Architectures={"Fn::Split": [",", "sparc"]}), "us-east-1", "Fn"),
    "W1034": (
        _table(
            {"Fn::FindInMap": ["Billing", {"Ref": "AWS::Region"}, "Mode"]},
            Mappings={"Billing": {"us-east-1": {"Mode": "FAST"}}},
        ),
        "us-east-1",
        "Table",
    ),
    "W1035": (_table({"Fn::Select": [0, ["FAST"]]}), "us-east-1", "Table"),
    "W1036": (_function(Architectures={"Fn::GetAZs": ""}), "us-east-1", "Fn"),
}

# cfn-lint's own errors for the same class of rejection: they must stay errors.
NATIVE_ERRORS: dict[str, tuple[dict[str, Any], str]] = {
    "E3025": (_db(DBInstanceClass="db.m1.fake"), "us-east-1"),
    "E3062": (_db(DBInstanceClass="db.t1.micro"), "us-east-1"),
    "E3691": (_db(EngineVersion="8.4.99"), "us-east-1"),
    "E3694": (
        {
            "Resources": {
                "Cluster": {
                    "Type": "AWS::RDS::DBCluster",
                    "Properties": {
                        "Engine": "mysql",
                        "DBClusterInstanceClass": "db.x1.fake",
                        "AllocatedStorage": 100,
                        "StorageType": "io1",
                        "Iops": 1000,
                    },
                }
            }
        },
        "us-east-1",
    ),
    "E3628": (_instance("p5.48xlarge"), "af-south-1"),
    "E1152": (_instance("t3.micro", image="notanami"), "us-east-1"),
    "E2533": (_function(Runtime="python2.7"), "us-east-1"),
}


def test_every_promoted_rule_has_a_triggering_template() -> None:
    assert set(PROMOTED) == set(DEPLOY_BLOCKERS)


@pytest.mark.parametrize("rule", sorted(PROMOTED))
def test_a_promoted_warning_is_a_deploy_blocking_error(rule: str) -> None:
    template, region, resource = PROMOTED[rule]
    findings = [f for f in lint_text(json.dumps(template), "s", [region]) if f.rule == rule]
    assert findings, f"{rule} did not fire on its template"
    assert {(f.severity, f.resource) for f in findings} == {("error", resource)}
    assert all(f"(a deploy blocker: {DEPLOY_BLOCKERS[rule]})" in f.message for f in findings)


@pytest.mark.parametrize("rule", sorted(NATIVE_ERRORS))
def test_cfn_lint_reports_these_rejections_as_errors_itself(rule: str) -> None:
    template, region = NATIVE_ERRORS[rule]
    findings = [f for f in lint_text(json.dumps(template), "s", [region]) if f.rule == rule]
    assert findings, f"{rule} did not fire on its template"
    assert {f.severity for f in findings} == {"error"}
    assert rule not in DEPLOY_BLOCKERS


def test_a_warning_that_predicts_no_rejection_stays_a_warning() -> None:
    # W3010 (a pinned availability zone) deploys fine: it is advice, not a blocker.
    template = {
        "Resources": {
            "Vpc": {"Type": "AWS::EC2::VPC", "Properties": {"CidrBlock": "10.0.0.0/16"}},
            "Subnet": {
                "Type": "AWS::EC2::Subnet",
                "Properties": {
                    "VpcId": {"Ref": "Vpc"},
                    "CidrBlock": "10.0.0.0/24",
                    "AvailabilityZone": "us-east-1a",
                },
            },
        }
    }
    findings = lint_text(json.dumps(template), "s", ["us-east-1"])
    assert [(f.rule, f.severity) for f in findings] == [("W3010", "warning")]
