"""The ALB security group opens only the ports that have a listener (issue 11):
80 always (it serves, or redirects to HTTPS), 443 only with `regions.<r>.certificate_arn`."""

from __future__ import annotations

from typing import Any

import pytest
from aws_cdk.assertions import Match, Template

from tests.conftest import Synthesized

REGIONS = ["us-east-1", "us-west-2"]
LISTENER = "AWS::ElasticLoadBalancingV2::Listener"


def _alb_group(synth: Synthesized, region: str) -> dict[str, Any]:
    (group,) = [
        res["Properties"]
        for res in synth.resources(synth.name("app", region), "AWS::EC2::SecurityGroup").values()
        if res["Properties"]["GroupDescription"].startswith("ALB")
    ]
    return group


def _open_ports(synth: Synthesized, region: str) -> set[int]:
    ingress = _alb_group(synth, region)["SecurityGroupIngress"]
    return {rule["FromPort"] for rule in ingress}


def _listener_ports(synth: Synthesized, region: str) -> set[int]:
    found = synth.resources(synth.name("app", region), LISTENER).values()
    return {res["Properties"]["Port"] for res in found}


@pytest.mark.parametrize("region", REGIONS)
def test_without_a_certificate_only_80_is_open(default_synth: Synthesized, region: str) -> None:
    template = Template.from_json(default_synth.template(default_synth.name("app", region)))
    template.has_resource_properties(
        "AWS::EC2::SecurityGroup",
        {
            "GroupDescription": Match.string_like_regexp("^ALB"),
            "SecurityGroupIngress": [
                {"CidrIp": "0.0.0.0/0", "IpProtocol": "tcp", "FromPort": 80, "ToPort": 80}
                | {"Description": Match.any_value()}
            ],
        },
    )
    assert _open_ports(default_synth, region) == _listener_ports(default_synth, region) == {80}


@pytest.mark.parametrize("region", REGIONS)
def test_with_a_certificate_80_and_443_are_open(tls_synth: Synthesized, region: str) -> None:
    template = Template.from_json(tls_synth.template(tls_synth.name("app", region)))
    template.has_resource_properties(
        "AWS::EC2::SecurityGroup",
        {
            "GroupDescription": Match.string_like_regexp("^ALB"),
            "SecurityGroupIngress": Match.array_with(
                [Match.object_like({"CidrIp": "0.0.0.0/0", "FromPort": 443, "ToPort": 443})]
            ),
        },
    )
    assert _open_ports(tls_synth, region) == _listener_ports(tls_synth, region) == {80, 443}


@pytest.mark.parametrize("fixture", ["fast_ga_synth", "fast_arc_synth", "three_region_synth"])
def test_every_open_port_has_a_listener(fixture: str, request: pytest.FixtureRequest) -> None:
    synth: Synthesized = request.getfixturevalue(fixture)
    regions = [r for r in synth.settings.all_regions if synth.has_stack("app", r)]
    assert regions
    for region in regions:
        assert _open_ports(synth, region) == _listener_ports(synth, region), region
