"""Security groups: internet to the ALB only, ALB to instances only, VPC to MySQL only."""

from __future__ import annotations

from typing import Any

import pytest

from tests.conftest import Synthesized
from tradedr.infra.components.database import MYSQL_PORT

APP_STACKS = ["trading-prod-app-us-east-1", "trading-prod-app-us-west-2"]


def _groups(synth: Synthesized, stack: str) -> dict[str, dict[str, Any]]:
    return {
        logical: res["Properties"]
        for logical, res in synth.resources(stack, "AWS::EC2::SecurityGroup").items()
    }


def _by_description(synth: Synthesized, stack: str, prefix: str) -> tuple[str, dict[str, Any]]:
    (found,) = [
        (k, g) for k, g in _groups(synth, stack).items() if g["GroupDescription"].startswith(prefix)
    ]
    return found


@pytest.mark.parametrize("stack", APP_STACKS)
def test_alb_accepts_http_from_anywhere(default_synth: Synthesized, stack: str) -> None:
    # No certificate in the default config, so no HTTPS listener and 443 stays closed
    # (components/test_compute.py covers the TLS config, where 443 opens).
    _, alb = _by_description(default_synth, stack, "ALB")
    ports = {(r["FromPort"], r["ToPort"], r["CidrIp"]) for r in alb["SecurityGroupIngress"]}
    assert ports == {(80, 80, "0.0.0.0/0")}


@pytest.mark.parametrize("stack", APP_STACKS)
def test_instances_accept_traffic_only_from_the_alb(default_synth: Synthesized, stack: str) -> None:
    alb_id, _ = _by_description(default_synth, stack, "ALB")
    instance_id, instance = _by_description(default_synth, stack, "App instances")
    assert not instance.get("SecurityGroupIngress")
    ingress = [
        r["Properties"]
        for r in default_synth.resources(stack, "AWS::EC2::SecurityGroupIngress").values()
        if r["Properties"]["GroupId"] == {"Fn::GetAtt": [instance_id, "GroupId"]}
    ]
    assert len(ingress) == 1
    assert ingress[0]["SourceSecurityGroupId"] == {"Fn::GetAtt": [alb_id, "GroupId"]}
    assert (ingress[0]["FromPort"], ingress[0]["ToPort"]) == (80, 80)


@pytest.mark.parametrize("stack", ["trading-prod-data-us-east-1", "trading-prod-replica-us-west-2"])
def test_database_accepts_mysql_from_its_vpc_only(default_synth: Synthesized, stack: str) -> None:
    _, group = _by_description(default_synth, stack, "Orders DB")
    (rule,) = group["SecurityGroupIngress"]
    assert (rule["FromPort"], rule["ToPort"], rule["IpProtocol"]) == (
        MYSQL_PORT,
        MYSQL_PORT,
        "tcp",
    )
    assert rule["CidrIp"] != "0.0.0.0/0"


def test_database_groups_allow_no_outbound(default_synth: Synthesized) -> None:
    for stack in ["trading-prod-data-us-east-1", "trading-prod-replica-us-west-2"]:
        _, group = _by_description(default_synth, stack, "Orders DB")
        for rule in group.get("SecurityGroupEgress", []):
            assert rule.get("CidrIp") != "0.0.0.0/0" or rule.get("IpProtocol") != "-1"


def test_nothing_but_the_alb_is_open_to_the_internet(default_synth: Synthesized) -> None:
    for stack, logical, res in default_synth.all_resources("AWS::EC2::SecurityGroup"):
        for rule in res["Properties"].get("SecurityGroupIngress", []):
            if rule.get("CidrIp") == "0.0.0.0/0" or rule.get("CidrIpv6") == "::/0":
                assert res["Properties"]["GroupDescription"].startswith("ALB"), f"{stack}/{logical}"


def test_no_ssh_or_rdp_ingress(default_synth: Synthesized) -> None:
    rules = [
        rule
        for _, _, res in default_synth.all_resources("AWS::EC2::SecurityGroup")
        for rule in res["Properties"].get("SecurityGroupIngress", [])
    ] + [
        res["Properties"]
        for _, _, res in default_synth.all_resources("AWS::EC2::SecurityGroupIngress")
    ]
    for rule in rules:
        if rule.get("IpProtocol") == "-1":
            raise AssertionError(f"all-protocol ingress: {rule}")
        for port in (22, 3389):
            assert not rule["FromPort"] <= port <= rule["ToPort"], rule
