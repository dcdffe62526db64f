"""Compute: launch template (IMDSv2, encrypted gp3), ASG sized by posture, ALB and target group.

The ALB security group opens only the ports that have a listener (issue 11): 80 always (it
serves, or redirects to HTTPS), 443 only with `regions.<r>.certificate_arn`.
"""

from __future__ import annotations

import base64
import gzip
import json
import re
from typing import Any

import pytest
from aws_cdk.assertions import Match, Template

from tests.conftest import Synthesized
from tradedr.config import Posture
from tradedr.infra.components.compute import reference_app_source
from tradedr.infra.components.database import MYSQL_PORT

APP_STACKS = ["trading-prod-app-us-east-1", "trading-prod-app-us-west-2"]


def _launch_data(synth: Synthesized, stack: str) -> dict:
    return synth.one(stack, "AWS::EC2::LaunchTemplate")["LaunchTemplateData"]


@pytest.mark.parametrize("stack", APP_STACKS)
def test_launch_template_requires_imdsv2(default_synth: Synthesized, stack: str) -> None:
    metadata = _launch_data(default_synth, stack)["MetadataOptions"]
    assert metadata["HttpTokens"] == "required"
    assert metadata["HttpPutResponseHopLimit"] == 1


@pytest.mark.parametrize("stack", APP_STACKS)
def test_root_volume_is_encrypted_gp3(default_synth: Synthesized, stack: str) -> None:
    (mapping,) = _launch_data(default_synth, stack)["BlockDeviceMappings"]
    assert mapping["Ebs"]["VolumeType"] == "gp3"
    assert mapping["Ebs"]["Encrypted"] is True
    assert mapping["Ebs"]["DeleteOnTermination"] is True


@pytest.mark.parametrize("stack", APP_STACKS)
def test_launch_template_has_security_group_and_instance_profile(
    default_synth: Synthesized, stack: str
) -> None:
    """An ASG from a launch template can only be an ALB target if the template has a group."""
    data = _launch_data(default_synth, stack)
    assert data["SecurityGroupIds"]
    assert "IamInstanceProfile" in data
    assert "ImageId" in data


@pytest.mark.parametrize(
    ("region", "instance_type"), [("eu-west-1", "m6i.xlarge"), ("eu-central-1", "m6i.large")]
)
def test_instance_type_per_region_from_config(
    custom_synth: Synthesized, region: str, instance_type: str
) -> None:
    assert (
        _launch_data(custom_synth, custom_synth.name("app", region))["InstanceType"]
        == instance_type
    )


def test_default_instance_type_is_t3_large(default_synth: Synthesized) -> None:
    for stack in APP_STACKS:
        assert _launch_data(default_synth, stack)["InstanceType"] == "t3.large"


def _capacity(synth: Synthesized, stack: str) -> tuple[int, int, int]:
    asg = synth.one(stack, "AWS::AutoScaling::AutoScalingGroup")
    return int(asg["MinSize"]), int(asg["DesiredCapacity"]), int(asg["MaxSize"])


@pytest.mark.parametrize(
    ("posture", "primary", "standby"),
    [
        (Posture.PILOT_LIGHT, (2, 2, 6), (0, 0, 6)),
        (Posture.WARM_STANDBY, (2, 2, 6), (1, 1, 6)),
        (Posture.HOT_STANDBY, (2, 2, 6), (2, 2, 6)),
        (Posture.ACTIVE_ACTIVE, (2, 2, 6), (2, 2, 6)),
    ],
)
def test_asg_sized_by_posture(
    posture_synths: dict[Posture, Synthesized],
    posture: Posture,
    primary: tuple[int, int, int],
    standby: tuple[int, int, int],
) -> None:
    synth = posture_synths[posture]
    assert _capacity(synth, synth.name("app", "us-east-1")) == primary
    assert _capacity(synth, synth.name("app", "us-west-2")) == standby


def test_custom_asg_sizes_reach_the_templates(custom_synth: Synthesized) -> None:
    assert _capacity(custom_synth, custom_synth.name("app", "eu-west-1")) == (3, 4, 9)
    # hot-standby runs the standby's own configured capacity
    assert _capacity(custom_synth, custom_synth.name("app", "eu-central-1")) == (2, 3, 5)


@pytest.mark.parametrize("stack", APP_STACKS)
def test_asg_runs_in_private_subnets_with_elb_health_checks(
    default_synth: Synthesized, stack: str
) -> None:
    asg = default_synth.one(stack, "AWS::AutoScaling::AutoScalingGroup")
    assert asg["HealthCheckType"] == "ELB"
    assert len(asg["VPCZoneIdentifier"]) >= 2
    assert all("privateSubnet" in json.dumps(s) for s in asg["VPCZoneIdentifier"])
    assert asg["TargetGroupARNs"]


@pytest.mark.parametrize("stack", APP_STACKS)
def test_asg_scales_on_cpu(default_synth: Synthesized, stack: str) -> None:
    policy = default_synth.one(stack, "AWS::AutoScaling::ScalingPolicy")
    assert policy["PolicyType"] == "TargetTrackingScaling"
    config = policy["TargetTrackingConfiguration"]
    assert (
        config["PredefinedMetricSpecification"]["PredefinedMetricType"]
        == "ASGAverageCPUUtilization"
    )


@pytest.mark.parametrize("stack", APP_STACKS)
def test_alb_is_internet_facing_in_public_subnets(default_synth: Synthesized, stack: str) -> None:
    alb = default_synth.one(stack, "AWS::ElasticLoadBalancingV2::LoadBalancer")
    assert alb["Scheme"] == "internet-facing"
    assert len(alb["Subnets"]) >= 2
    assert all("publicSubnet" in json.dumps(s) for s in alb["Subnets"])
    attributes = {a["Key"]: a["Value"] for a in alb["LoadBalancerAttributes"]}
    assert attributes["routing.http.drop_invalid_header_fields.enabled"] == "true"


def test_target_group_checks_the_configured_health_path(
    default_synth: Synthesized, custom_synth: Synthesized
) -> None:
    for stack in APP_STACKS:
        group = default_synth.one(stack, "AWS::ElasticLoadBalancingV2::TargetGroup")
        assert group["HealthCheckPath"] == "/health"
        assert group["HealthCheckIntervalSeconds"] <= 30
    group = custom_synth.one(
        custom_synth.name("app", "eu-west-1"), "AWS::ElasticLoadBalancingV2::TargetGroup"
    )
    assert group["HealthCheckPath"] == "/healthz"


@pytest.mark.parametrize("stack", APP_STACKS)
def test_listener_forwards_to_the_target_group(default_synth: Synthesized, stack: str) -> None:
    listener = default_synth.one(stack, "AWS::ElasticLoadBalancingV2::Listener")
    (action,) = listener["DefaultActions"]
    assert action["Type"] == "forward"
    assert "Ref" in action["TargetGroupArn"]


@pytest.mark.parametrize("stack", APP_STACKS)
def test_user_data_installs_the_reference_app(default_synth: Synthesized, stack: str) -> None:
    """User data installs the very file the local lab runs, configured by the same names:
    the endpoint parameter, the secret, the sessions table and the deep health path."""
    parts = _launch_data(default_synth, stack)["UserData"]["Fn::Base64"]
    script = parts if isinstance(parts, str) else json.dumps(parts)
    packed = re.search(r"echo '([A-Za-z0-9+/=]+)' \| base64 -d \| gunzip", script)
    assert packed is not None
    assert gzip.decompress(base64.b64decode(packed.group(1))) == reference_app_source()
    region = stack.removeprefix("trading-prod-app-")
    for setting in (
        f"TRADEDR_REGION={region}",
        "TRADEDR_DB_PARAMETER=/trading-prod/orders-db/endpoint",
        "TRADEDR_DB_SECRET_ID=trading-prod/orders-db/us-east-1",
        "TRADEDR_SESSIONS_TABLE=trading-prod-sessions",
        "TRADEDR_HEALTH_PATH=/health",
        f"TRADEDR_DB_PORT={MYSQL_PORT}",
    ):
        assert f"Environment={setting}" in script
    assert "systemctl enable --now tradedr-orders.service" in script


def test_user_data_fits_the_ec2_limit(default_synth: Synthesized) -> None:
    """EC2 takes at most 16 KB of user data before base64."""
    parts = _launch_data(default_synth, APP_STACKS[0])["UserData"]["Fn::Base64"]
    assert len(parts if isinstance(parts, str) else json.dumps(parts)) < 16 * 1024


def test_db_endpoint_parameter_points_at_the_regional_database(default_synth: Synthesized) -> None:
    """The primary app reads the primary DB; the standby app reads its local replica."""
    primary = default_synth.one("trading-prod-app-us-east-1", "AWS::SSM::Parameter")
    standby = default_synth.one("trading-prod-app-us-west-2", "AWS::SSM::Parameter")
    assert "trading-prod-data-us-east-1:" in json.dumps(primary["Value"])
    assert "trading-prod-replica-us-west-2:" in json.dumps(standby["Value"])


# --- ALB security group: a port is open only with a listener -----------------------

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
