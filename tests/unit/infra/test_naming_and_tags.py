"""Naming with the environment suffix, stable names shared with ops, and required tags."""

from __future__ import annotations

import pytest

from tests.conftest import Synthesized
from tests.unit.infra.templates import tags
from tradedr.config import REQUIRED_TAG_KEYS, known_regions
from tradedr.names import Names, region_code

# (resource type, property holding its physical name)
NAMED = [
    ("AWS::S3::Bucket", "BucketName"),
    ("AWS::DynamoDB::GlobalTable", "TableName"),
    ("AWS::RDS::DBInstance", "DBInstanceIdentifier"),
    ("AWS::SecretsManager::Secret", "Name"),
    ("AWS::Backup::BackupVault", "BackupVaultName"),
    ("AWS::AutoScaling::AutoScalingGroup", "AutoScalingGroupName"),
    ("AWS::ElasticLoadBalancingV2::LoadBalancer", "Name"),
    ("AWS::ElasticLoadBalancingV2::TargetGroup", "Name"),
    ("AWS::SNS::Topic", "TopicName"),
    ("AWS::CloudWatch::Dashboard", "DashboardName"),
    ("AWS::SSM::Parameter", "Name"),
]


def test_stack_names_carry_application_and_environment(custom_synth: Synthesized) -> None:
    assert [s.name for s in custom_synth.stacks] == [
        "orders-qa-2-data-eu-central-1",
        "orders-qa-2-data-eu-west-1",
        "orders-qa-2-app-eu-west-1",
        "orders-qa-2-replica-eu-central-1",
        "orders-qa-2-app-eu-central-1",
        "orders-qa-2-global",
    ]


@pytest.mark.parametrize(("type_", "prop"), NAMED)
def test_physical_names_carry_the_environment(
    custom_synth: Synthesized, type_: str, prop: str
) -> None:
    found = custom_synth.all_resources(type_)
    assert found, type_
    for stack, logical, res in found:
        assert "orders-qa-2" in str(res["Properties"][prop]), f"{stack}/{logical}"


@pytest.mark.parametrize(("type_", "prop"), NAMED)
def test_physical_names_are_unique_per_region(
    default_synth: Synthesized, type_: str, prop: str
) -> None:
    seen: set[tuple[str, str]] = set()
    regions = {s.name: s.region for s in default_synth.stacks}
    for stack, _, res in default_synth.all_resources(type_):
        key = (regions[stack], str(res["Properties"][prop]))
        assert key not in seen, key
        seen.add(key)


def test_two_environments_share_no_physical_name(
    default_synth: Synthesized, custom_synth: Synthesized
) -> None:
    def names(synth: Synthesized) -> set[str]:
        return {
            str(res["Properties"][prop])
            for type_, prop in NAMED
            for _, _, res in synth.all_resources(type_)
        }

    assert not names(default_synth) & names(custom_synth)


def test_names_module_matches_the_templates(default_synth: Synthesized) -> None:
    """Ops finds resources by these names without reading the primary's stacks."""
    names = Names(default_synth.settings)
    db = default_synth.one(names.data_stack("us-east-1"), "AWS::RDS::DBInstance")
    assert db["DBInstanceIdentifier"] == names.db_identifier("us-east-1")
    asg = default_synth.one(names.app_stack("us-west-2"), "AWS::AutoScaling::AutoScalingGroup")
    assert asg["AutoScalingGroupName"] == names.asg("us-west-2")
    table = default_synth.one(names.data_stack("us-east-1"), "AWS::DynamoDB::GlobalTable")
    assert table["TableName"] == names.sessions_table
    alias = default_synth.one(names.data_stack("us-west-2"), "AWS::KMS::Alias")
    assert alias["AliasName"] == names.kms_alias("us-west-2")


def test_alb_and_target_group_names_fit_32_characters(custom_synth: Synthesized) -> None:
    for type_ in (
        "AWS::ElasticLoadBalancingV2::LoadBalancer",
        "AWS::ElasticLoadBalancingV2::TargetGroup",
    ):
        for _, _, res in custom_synth.all_resources(type_):
            assert len(res["Properties"]["Name"]) <= 32


def test_region_codes_are_distinct_for_every_region() -> None:
    codes = {region: region_code(region) for region in known_regions()}
    assert len(set(codes.values())) == len(codes)
    assert codes["eu-west-1"] == "euw1"
    assert codes["ap-southeast-1"] == "apse1"


TAGGED = [
    "AWS::EC2::VPC",
    "AWS::EC2::Subnet",
    "AWS::KMS::Key",
    "AWS::S3::Bucket",
    "AWS::RDS::DBInstance",
    "AWS::SecretsManager::Secret",
    "AWS::Logs::LogGroup",
    "AWS::ElasticLoadBalancingV2::LoadBalancer",
    "AWS::SNS::Topic",
    "AWS::CloudWatch::Alarm",
    "AWS::Route53::HealthCheck",
    "AWS::Route53::HostedZone",
]


@pytest.mark.parametrize("type_", TAGGED)
def test_required_tags_on_taggable_resources(default_synth: Synthesized, type_: str) -> None:
    found = default_synth.all_resources(type_)
    assert found
    for stack, logical, res in found:
        missing = set(REQUIRED_TAG_KEYS) - set(tags(res))
        assert not missing, f"{stack}/{logical} lacks {sorted(missing)}"


def test_tag_values_come_from_config(custom_synth: Synthesized) -> None:
    buckets = custom_synth.resources("orders-qa-2-data-eu-west-1", "AWS::S3::Bucket")
    (bucket,) = [b for logical, b in buckets.items() if logical.startswith("Objects")]
    values = tags(bucket)
    assert values["Environment"] == "qa-2"
    assert values["Application"] == "orders"
    assert values["CostCenter"] == "cc-42"
    assert values["Owner"] == "dr-team"
    assert values["DisasterRecovery"] == "hot-standby:primary"
    assert values["BackupPolicy"] == "daily-14d"
    assert values["Team"] == "execution"
    assert values["ManagedBy"] == "tradedr"


def test_standby_resources_are_tagged_as_standby(default_synth: Synthesized) -> None:
    (vpc,) = default_synth.resources("trading-prod-data-us-west-2", "AWS::EC2::VPC").values()
    assert tags(vpc)["DisasterRecovery"] == "warm-standby:standby"
    assert tags(vpc)["Name"] == "trading-prod-vpc-us-west-2"


def test_asg_propagates_tags_to_instances(default_synth: Synthesized) -> None:
    asg = default_synth.one("trading-prod-app-us-east-1", "AWS::AutoScaling::AutoScalingGroup")
    launch = default_synth.one("trading-prod-app-us-east-1", "AWS::EC2::LaunchTemplate")
    specs = {s["ResourceType"]: s for s in launch["LaunchTemplateData"]["TagSpecifications"]}
    assert {"instance", "volume"} <= set(specs)
    instance_tags = {t["Key"] for t in specs["instance"]["Tags"]}
    assert set(REQUIRED_TAG_KEYS) <= instance_tags
    assert asg["AutoScalingGroupName"]
