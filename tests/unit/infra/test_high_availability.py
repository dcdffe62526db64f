"""High availability inside a region: two or more AZs for every tier, Multi-AZ database."""

from __future__ import annotations

import json

import pytest

from tests.conftest import Synthesized

REGIONS = ["us-east-1", "us-west-2"]


@pytest.mark.parametrize("region", REGIONS)
@pytest.mark.parametrize("tier", ["public", "private", "isolated"])
def test_each_subnet_tier_spans_two_azs(default_synth: Synthesized, region: str, tier: str) -> None:
    stack = default_synth.name("data", region)
    azs = {
        res["Properties"]["AvailabilityZone"]
        for logical, res in default_synth.resources(stack, "AWS::EC2::Subnet").items()
        if f"{tier}Subnet" in logical
    }
    assert len(azs) >= 2


def test_three_azs_when_configured(custom_synth: Synthesized) -> None:
    stack = custom_synth.name("data", "eu-west-1")
    assert len(custom_synth.resources(stack, "AWS::EC2::Subnet")) == 9
    assert len(custom_synth.resources(stack, "AWS::EC2::NatGateway")) == 3


def test_primary_database_is_multi_az(default_synth: Synthesized) -> None:
    assert (
        default_synth.one("trading-prod-data-us-east-1", "AWS::RDS::DBInstance")["MultiAZ"] is True
    )


def test_primary_has_a_nat_gateway_per_az(default_synth: Synthesized) -> None:
    nats = default_synth.resources("trading-prod-data-us-east-1", "AWS::EC2::NatGateway")
    subnets = {json.dumps(r["Properties"]["SubnetId"]) for r in nats.values()}
    assert len(nats) == len(default_synth.settings.availability_zones("us-east-1"))
    assert len(subnets) == len(nats)


@pytest.mark.parametrize("region", REGIONS)
def test_alb_and_asg_span_two_azs(default_synth: Synthesized, region: str) -> None:
    stack = default_synth.name("app", region)
    alb = default_synth.one(stack, "AWS::ElasticLoadBalancingV2::LoadBalancer")
    asg = default_synth.one(stack, "AWS::AutoScaling::AutoScalingGroup")
    assert len(alb["Subnets"]) >= 2
    assert len(asg["VPCZoneIdentifier"]) >= 2


def test_primary_runs_at_least_two_instances(default_synth: Synthesized) -> None:
    asg = default_synth.one("trading-prod-app-us-east-1", "AWS::AutoScaling::AutoScalingGroup")
    assert int(asg["MinSize"]) >= 2


def test_asg_replaces_instances_failing_the_deep_check(default_synth: Synthesized) -> None:
    for region in REGIONS:
        asg = default_synth.one(
            default_synth.name("app", region), "AWS::AutoScaling::AutoScalingGroup"
        )
        assert asg["HealthCheckType"] == "ELB"
        assert asg["HealthCheckGracePeriod"] <= 300
