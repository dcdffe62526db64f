"""Security hardening built into the stacks, checked on the synthesized templates."""

from __future__ import annotations

import json
from typing import Any

import pytest

from tests.conftest import Synthesized
from tradedr.config import Posture


def _all(synth: Synthesized) -> list[tuple[str, str, dict[str, Any]]]:
    return [
        (stack, logical, res)
        for stack, template in synth.templates.items()
        for logical, res in template["Resources"].items()
    ]


def test_no_custom_resources_or_transforms_and_only_the_inline_rotation_function(
    posture_synths: dict[Posture, Synthesized],
) -> None:
    for synth in posture_synths.values():
        for name, template in synth.templates.items():
            assert "Transform" not in template, name
            types = {r["Type"] for r in template["Resources"].values()}
            assert not {t for t in types if t.startswith("Custom::")}, name
            assert "AWS::CloudFormation::CustomResource" not in types, name
        functions = synth.all_resources("AWS::Lambda::Function")
        # The secret rotation function, its code inline: no asset bucket, no SAR app.
        assert [(s, set(f["Properties"]["Code"])) for s, _, f in functions] == [
            (f"{synth.settings.prefix}-data-{synth.settings.primary_region}", {"ZipFile"})
        ]


def test_no_static_password_anywhere(posture_synths: dict[Posture, Synthesized]) -> None:
    for synth in posture_synths.values():
        for _, _, res in synth.all_resources("AWS::RDS::DBInstance"):
            password = res["Properties"].get("MasterUserPassword")
            assert password is None or "{{resolve:secretsmanager:" in json.dumps(password)
        for _, _, res in synth.all_resources("AWS::SecretsManager::Secret"):
            assert "GenerateSecretString" in res["Properties"]
            assert "SecretString" not in res["Properties"]
            assert "KmsKeyId" in res["Properties"]


def test_cmk_rotation_per_region(default_synth: Synthesized) -> None:
    keys = default_synth.all_resources("AWS::KMS::Key")
    assert len(keys) == 2
    assert all(k[2]["Properties"]["EnableKeyRotation"] is True for k in keys)


def test_cloudtrail_multi_region_validated_encrypted(default_synth: Synthesized) -> None:
    [(stack, _, trail)] = default_synth.all_resources("AWS::CloudTrail::Trail")
    props = trail["Properties"]
    assert stack.endswith("data-us-east-1")
    assert props["IsMultiRegionTrail"]
    assert props["EnableLogFileValidation"]
    assert "KMSKeyId" in props
    assert "CloudWatchLogsLogGroupArn" in props
    bucket_id = props["S3BucketName"]["Ref"]
    bucket = default_synth.templates[stack]["Resources"][bucket_id]["Properties"]
    assert "LoggingConfiguration" in bucket
    assert bucket["VersioningConfiguration"]["Status"] == "Enabled"


def test_flow_logs_capture_all_traffic(default_synth: Synthesized) -> None:
    flows = default_synth.all_resources("AWS::EC2::FlowLog")
    assert len(flows) == 2
    assert all(f[2]["Properties"]["TrafficType"] == "ALL" for f in flows)


def test_every_log_group_encrypted_with_retention(default_synth: Synthesized) -> None:
    for stack, logical, res in default_synth.all_resources("AWS::Logs::LogGroup"):
        assert "KmsKeyId" in res["Properties"], (stack, logical)
        assert "RetentionInDays" in res["Properties"], (stack, logical)


def test_waf_on_every_alb(posture_synths: dict[Posture, Synthesized]) -> None:
    for synth in posture_synths.values():
        albs = synth.all_resources("AWS::ElasticLoadBalancingV2::LoadBalancer")
        associations = synth.all_resources("AWS::WAFv2::WebACLAssociation")
        assert len(associations) == len(albs) > 0
        for _, _, acl in synth.all_resources("AWS::WAFv2::WebACL"):
            rules = acl["Properties"]["Rules"]
            groups = {
                r["Statement"]["ManagedRuleGroupStatement"]["Name"]
                for r in rules
                if "ManagedRuleGroupStatement" in r["Statement"]
            }
            assert {
                "AWSManagedRulesCommonRuleSet",
                "AWSManagedRulesKnownBadInputsRuleSet",
                "AWSManagedRulesSQLiRuleSet",
            } <= groups
            assert any("RateBasedStatement" in r["Statement"] for r in rules)


def test_alb_access_logs_and_deletion_protection(default_synth: Synthesized) -> None:
    for _, _, alb in default_synth.all_resources("AWS::ElasticLoadBalancingV2::LoadBalancer"):
        attrs = {a["Key"]: a["Value"] for a in alb["Properties"]["LoadBalancerAttributes"]}
        assert attrs["access_logs.s3.enabled"] == "true"
        assert attrs["deletion_protection.enabled"] == "true"


def test_buckets_tls_only_versioned_private(default_synth: Synthesized) -> None:
    for stack, logical, bucket in default_synth.all_resources("AWS::S3::Bucket"):
        props = bucket["Properties"]
        assert props["VersioningConfiguration"]["Status"] == "Enabled", logical
        assert all(props["PublicAccessBlockConfiguration"].values()), logical
        policies = [
            p
            for p in default_synth.resources(stack, "AWS::S3::BucketPolicy").values()
            if p["Properties"]["Bucket"] == {"Ref": logical}
        ]
        text = json.dumps(policies)
        assert '"aws:SecureTransport": "false"' in text, logical


NO_RESOURCE_TYPE_ACTIONS = {
    "secretsmanager:GetRandomPassword",
    "ec2:DescribeNetworkInterfaces",
    "ec2:DescribeSubnets",
}


def test_iam_only_managed_policies_scoped_with_conditions(default_synth: Synthesized) -> None:
    assert default_synth.all_resources("AWS::IAM::Policy") == []
    for _, _, role in default_synth.all_resources("AWS::IAM::Role"):
        assert "Policies" not in role["Properties"]
    for stack, logical, policy in default_synth.all_resources("AWS::IAM::ManagedPolicy"):
        for statement in policy["Properties"]["PolicyDocument"]["Statement"]:
            if statement["Resource"] == "*":
                # Only actions IAM offers no resource type for, pinned to the region.
                assert set(statement["Action"]) <= NO_RESOURCE_TYPE_ACTIONS, (stack, logical)
                assert "aws:RequestedRegion" in json.dumps(statement["Condition"])
            if logical.startswith("AppInstanceRole"):
                assert "aws:RequestedRegion" in json.dumps(statement["Condition"])


def test_config_rules_and_security_hub_off_by_default(default_synth: Synthesized) -> None:
    rules = default_synth.all_resources("AWS::Config::ConfigRule")
    identifiers = {r[2]["Properties"]["Source"]["SourceIdentifier"] for r in rules}
    assert {
        "REQUIRED_TAGS",
        "ENCRYPTED_VOLUMES",
        "RDS_STORAGE_ENCRYPTED",
        "S3_BUCKET_PUBLIC_READ_PROHIBITED",
    } <= identifiers
    assert default_synth.all_resources("AWS::SecurityHub::Hub") == []


def test_stateful_resources_retained(posture_synths: dict[Posture, Synthesized]) -> None:
    stateful = (
        "AWS::RDS::DBInstance",
        "AWS::DynamoDB::GlobalTable",
        "AWS::S3::Bucket",
        "AWS::KMS::Key",
        "AWS::Backup::BackupVault",
    )
    for synth in posture_synths.values():
        for type_ in stateful:
            for _, logical, res in synth.all_resources(type_):
                assert res.get("DeletionPolicy") in ("Retain", "Snapshot"), logical
                assert res.get("UpdateReplacePolicy") in ("Retain", "Snapshot"), logical


@pytest.mark.parametrize("posture", [Posture.WARM_STANDBY, Posture.HOT_STANDBY])
def test_databases_encrypted_protected_monitored(
    posture_synths: dict[Posture, Synthesized], posture: Posture
) -> None:
    for _, logical, db in posture_synths[posture].all_resources("AWS::RDS::DBInstance"):
        props = db["Properties"]
        assert "KmsKeyId" in props, logical
        assert props["DeletionProtection"] is True, logical
        assert props["MonitoringInterval"] == 60
        assert "MonitoringRoleArn" in props
        assert {"audit", "error", "general", "slowquery"} <= set(
            props["EnableCloudwatchLogsExports"]
        )
