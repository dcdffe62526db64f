"""VPC and network: CIDRs from config, three subnet tiers over explicit AZs, NATs, flow logs."""

from __future__ import annotations

import ipaddress

import pytest

from tests.conftest import Synthesized
from tradedr.config import Posture

REGIONS = ["us-east-1", "us-west-2"]


@pytest.mark.parametrize(
    ("region", "cidr"), [("us-east-1", "10.0.0.0/16"), ("us-west-2", "10.16.0.0/16")]
)
def test_vpc_cidr_comes_from_config(default_synth: Synthesized, region: str, cidr: str) -> None:
    vpc = default_synth.one(default_synth.name("data", region), "AWS::EC2::VPC")
    assert vpc["CidrBlock"] == cidr
    assert vpc["EnableDnsHostnames"] is True
    assert vpc["EnableDnsSupport"] is True


def test_custom_cidrs_reach_the_templates(custom_synth: Synthesized) -> None:
    for region, cidr in [("eu-west-1", "10.40.0.0/16"), ("eu-central-1", "10.41.0.0/16")]:
        vpc = custom_synth.one(custom_synth.name("data", region), "AWS::EC2::VPC")
        assert vpc["CidrBlock"] == cidr


def test_vpc_cidrs_do_not_overlap_across_regions(three_region_synth: Synthesized) -> None:
    networks = [
        ipaddress.ip_network(props["Properties"]["CidrBlock"])
        for _, _, props in three_region_synth.all_resources("AWS::EC2::VPC")
    ]
    assert len(networks) == 3
    for i, a in enumerate(networks):
        for b in networks[i + 1 :]:
            assert not a.overlaps(b)


@pytest.mark.parametrize("region", REGIONS)
def test_three_subnet_tiers_in_each_az(default_synth: Synthesized, region: str) -> None:
    stack = default_synth.name("data", region)
    subnets = [r["Properties"] for r in default_synth.resources(stack, "AWS::EC2::Subnet").values()]
    azs = default_synth.settings.availability_zones(region)
    assert len(subnets) == 3 * len(azs)
    assert {s["AvailabilityZone"] for s in subnets} == set(azs)
    public = [
        s for s in subnets if {"Key": "aws-cdk:subnet-type", "Value": "Public"} in s.get("Tags", [])
    ]
    assert len(public) == len(azs)
    # Only the ALB and NAT gateways (Elastic IPs) live there: nothing gets a public IP.
    assert all(s["MapPublicIpOnLaunch"] is False for s in subnets)


@pytest.mark.parametrize("region", REGIONS)
def test_subnets_lie_inside_the_vpc_and_do_not_overlap(
    default_synth: Synthesized, region: str
) -> None:
    stack = default_synth.name("data", region)
    vpc = ipaddress.ip_network(default_synth.one(stack, "AWS::EC2::VPC")["CidrBlock"])
    blocks = [
        ipaddress.ip_network(r["Properties"]["CidrBlock"])
        for r in default_synth.resources(stack, "AWS::EC2::Subnet").values()
    ]
    assert all(b.subnet_of(vpc) for b in blocks)
    for i, a in enumerate(blocks):
        for b in blocks[i + 1 :]:
            assert not a.overlaps(b)


def test_availability_zones_are_explicit_from_config(custom_synth: Synthesized) -> None:
    stack = custom_synth.name("data", "eu-west-1")
    azs = {
        r["Properties"]["AvailabilityZone"]
        for r in custom_synth.resources(stack, "AWS::EC2::Subnet").values()
    }
    assert azs == {"eu-west-1a", "eu-west-1b", "eu-west-1c"}


@pytest.mark.parametrize(
    ("posture", "primary_nats", "standby_nats"),
    [
        (Posture.BACKUP_RESTORE, 2, 0),
        (Posture.PILOT_LIGHT, 2, 1),
        (Posture.WARM_STANDBY, 2, 1),
        (Posture.HOT_STANDBY, 2, 2),
        (Posture.ACTIVE_ACTIVE, 2, 2),
    ],
)
def test_nat_gateway_count_follows_posture(
    posture_synths: dict[Posture, Synthesized],
    posture: Posture,
    primary_nats: int,
    standby_nats: int,
) -> None:
    synth = posture_synths[posture]
    assert (
        len(synth.resources(synth.name("data", "us-east-1"), "AWS::EC2::NatGateway"))
        == primary_nats
    )
    assert (
        len(synth.resources(synth.name("data", "us-west-2"), "AWS::EC2::NatGateway"))
        == standby_nats
    )


def test_baseline_has_a_single_nat_gateway_per_region(baseline_synth: Synthesized) -> None:
    for region in REGIONS:
        assert (
            len(
                baseline_synth.resources(
                    baseline_synth.name("data", region), "AWS::EC2::NatGateway"
                )
            )
            == 1
        )


def test_backup_restore_standby_private_tier_has_no_default_route(
    posture_synths: dict[Posture, Synthesized],
) -> None:
    """Without a NAT the standby's private tier is isolated: no route to the internet at all
    except from the public tier through the internet gateway."""
    synth = posture_synths[Posture.BACKUP_RESTORE]
    routes = [
        r["Properties"]
        for r in synth.resources(synth.name("data", "us-west-2"), "AWS::EC2::Route").values()
    ]
    assert routes, "public subnets still route through the internet gateway"
    assert all("GatewayId" in r for r in routes)
    assert not any("NatGatewayId" in r for r in routes)


@pytest.mark.parametrize("region", REGIONS)
def test_private_subnets_route_through_nat(default_synth: Synthesized, region: str) -> None:
    stack = default_synth.name("data", region)
    routes = [r["Properties"] for r in default_synth.resources(stack, "AWS::EC2::Route").values()]
    nat_routes = [r for r in routes if "NatGatewayId" in r]
    igw_routes = [r for r in routes if "GatewayId" in r]
    assert len(nat_routes) == len(default_synth.settings.availability_zones(region))
    assert all(r["DestinationCidrBlock"] == "0.0.0.0/0" for r in nat_routes + igw_routes)


@pytest.mark.parametrize("region", REGIONS)
def test_flow_logs_capture_all_traffic_to_encrypted_retained_group(
    default_synth: Synthesized, region: str
) -> None:
    stack = default_synth.name("data", region)
    flow = default_synth.one(stack, "AWS::EC2::FlowLog")
    assert flow["TrafficType"] == "ALL"
    assert flow["ResourceType"] == "VPC"
    groups = default_synth.resources(stack, "AWS::Logs::LogGroup")
    (group,) = [g for logical, g in groups.items() if logical.startswith("NetworkFlowLogs")]
    assert group["Properties"]["RetentionInDays"] >= 365
    assert "KmsKeyId" in group["Properties"]
    assert group["DeletionPolicy"] == "Retain"


def test_internet_gateway_attached_once_per_vpc(default_synth: Synthesized) -> None:
    for region in REGIONS:
        stack = default_synth.name("data", region)
        assert len(default_synth.resources(stack, "AWS::EC2::InternetGateway")) == 1
        assert len(default_synth.resources(stack, "AWS::EC2::VPCGatewayAttachment")) == 1


def test_network_lives_only_in_data_stacks(default_synth: Synthesized) -> None:
    """The app stacks reuse the data stack's VPC: replacing an app stack never touches it."""
    for stack, _, _ in default_synth.all_resources("AWS::EC2::VPC"):
        assert "-data-" in stack
