"""Resource counts: lower bounds per stack and type, so removing a component is caught while
hardening may add resources freely."""

from __future__ import annotations

import pytest

from tests.conftest import Synthesized

MINIMUM = [
    ("trading-prod-data-us-east-1", "AWS::EC2::VPC", 1),
    ("trading-prod-data-us-east-1", "AWS::EC2::Subnet", 6),
    ("trading-prod-data-us-east-1", "AWS::KMS::Key", 1),
    ("trading-prod-data-us-east-1", "AWS::S3::Bucket", 1),
    ("trading-prod-data-us-east-1", "AWS::RDS::DBInstance", 1),
    ("trading-prod-data-us-east-1", "AWS::DynamoDB::GlobalTable", 1),
    ("trading-prod-data-us-east-1", "AWS::Backup::BackupPlan", 1),
    ("trading-prod-data-us-east-1", "AWS::EC2::FlowLog", 1),
    ("trading-prod-data-us-west-2", "AWS::EC2::VPC", 1),
    ("trading-prod-data-us-west-2", "AWS::Backup::BackupVault", 1),
    ("trading-prod-replica-us-west-2", "AWS::RDS::DBInstance", 1),
    ("trading-prod-app-us-east-1", "AWS::ElasticLoadBalancingV2::LoadBalancer", 1),
    ("trading-prod-app-us-east-1", "AWS::AutoScaling::AutoScalingGroup", 1),
    ("trading-prod-app-us-east-1", "AWS::CloudWatch::Alarm", 4),
    ("trading-prod-app-us-west-2", "AWS::CloudWatch::Alarm", 4),
    ("trading-prod-app-us-east-1", "AWS::CloudWatch::Dashboard", 1),
    ("trading-prod-global", "AWS::Route53::HealthCheck", 2),
    ("trading-prod-global", "AWS::Route53::RecordSet", 2),
]


@pytest.mark.parametrize(("stack", "type_", "minimum"), MINIMUM)
def test_minimum_resources(
    default_synth: Synthesized, stack: str, type_: str, minimum: int
) -> None:
    assert len(default_synth.resources(stack, type_)) >= minimum


@pytest.mark.parametrize(
    ("type_", "exactly"),
    [
        ("AWS::RDS::DBInstance", 2),
        ("AWS::DynamoDB::GlobalTable", 1),
        ("AWS::Route53::HostedZone", 1),
        ("AWS::EC2::VPC", 2),
    ],
)
def test_singletons_are_not_duplicated(
    default_synth: Synthesized, type_: str, exactly: int
) -> None:
    """One writer DB plus one replica, one global table, one zone, one VPC per region."""
    assert len(default_synth.all_resources(type_)) == exactly


def test_total_resources_in_a_sane_range(default_synth: Synthesized) -> None:
    total = sum(s.resources for s in default_synth.stacks)
    assert 100 <= total <= 600


def test_three_regions_add_a_region_worth_of_stacks(
    default_synth: Synthesized, three_region_synth: Synthesized
) -> None:
    assert len(three_region_synth.stacks) == len(default_synth.stacks) + 3  # data, replica, app
    assert len(three_region_synth.all_resources("AWS::RDS::DBInstance")) == 3
    assert len(three_region_synth.all_resources("AWS::EC2::VPC")) == 3
