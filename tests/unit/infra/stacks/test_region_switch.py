"""The region-switch stack (opt-in `failover.orchestrator = "arc-region-switch"`): the plan
as a template resource, its scoped roles, its inputs from earlier stacks, and the gates."""

from __future__ import annotations

from typing import Any

import pytest
from aws_cdk.assertions import Match, Template

from tradedr.config import load_settings
from tradedr.errors import ConfigError
from tradedr.infra.app import build_app
from tradedr.infra.region_switch_plan import PlanInputs

LAMBDA = "arn:aws:lambda:us-east-1:123456789012:function:tradedr-step"
OPT_IN: dict[str, Any] = {
    "failover": {"orchestrator": "arc-region-switch", "custom_action_lambda": LAMBDA}
}


@pytest.fixture(scope="module")
def template() -> Template:
    app = build_app(load_settings(OPT_IN))
    stack = app.node.find_child("trading-prod-regionswitch")
    return Template.from_stack(stack)  # type: ignore[arg-type]


def test_the_plan_is_a_resource_with_the_failover_steps(template: Template) -> None:
    template.resource_count_is("AWS::ARCRegionSwitch::Plan", 1)
    plan = next(iter(template.find_resources("AWS::ARCRegionSwitch::Plan").values()))
    props = plan["Properties"]
    assert props["Regions"] == ["us-east-1", "us-west-2"]
    assert props["PrimaryRegion"] == "us-east-1"
    workflow = props["Workflows"][0]
    assert workflow["WorkflowTargetRegion"] == "us-west-2"
    blocks = [s["ExecutionBlockType"] for s in workflow["Steps"]]
    assert "RdsPromoteReadReplica" in blocks
    assert "Route53HealthCheck" in blocks
    assert "CustomActionLambda" in blocks
    assert props["Tags"]["ManagedBy"] == "tradedr"


def test_the_inputs_come_from_earlier_stacks_outputs(template: Template) -> None:
    params = template.to_json()["Parameters"]
    assert {"AsgArnUSE1", "AsgArnUSW2", "HostedZoneId"} <= set(params)
    sources = template.to_json()["Metadata"]
    assert any("AsgArnUSW2" in str(v) for v in sources.values())


def test_the_execution_role_is_assumed_by_region_switch_only(template: Template) -> None:
    template.has_resource_properties(
        "AWS::IAM::Role",
        {
            "AssumeRolePolicyDocument": Match.object_like(
                {
                    "Statement": [
                        Match.object_like(
                            {"Principal": {"Service": "arc-region-switch.amazonaws.com"}}
                        )
                    ]
                }
            )
        },
    )
    template.has_resource_properties(
        "AWS::IAM::ManagedPolicy",
        {
            "PolicyDocument": Match.object_like(
                {
                    "Statement": Match.array_with(
                        [Match.object_like({"Action": "lambda:InvokeFunction", "Resource": LAMBDA})]
                    )
                }
            )
        },
    )


def test_the_app_stack_outputs_the_asg_arn_only_when_opted_in() -> None:
    app = build_app(load_settings(OPT_IN))
    outputs = Template.from_stack(app.node.find_child("trading-prod-app-us-west-2")).to_json()[  # type: ignore[arg-type]
        "Outputs"
    ]
    assert outputs["AsgArn"]["Value"] == {
        "Fn::GetAtt": [Match.any_value(), "AutoScalingGroupARN"]
    } or (outputs["AsgArn"]["Value"]["Fn::GetAtt"][1] == "AutoScalingGroupARN")
    default = build_app(load_settings({}))
    names = [c.node.id for c in default.node.children]
    assert "trading-prod-regionswitch" not in names


def test_no_plan_source_is_refused_in_one_line(monkeypatch: pytest.MonkeyPatch) -> None:
    from tradedr.infra import region_switch_plan

    monkeypatch.setattr(region_switch_plan, "_registered", [])
    with pytest.raises(ConfigError, match=r"^failover\.orchestrator: "):
        build_app(load_settings(OPT_IN))


def test_the_plan_source_gets_template_tokens() -> None:
    seen: list[PlanInputs] = []

    def source(settings: Any, inputs: PlanInputs) -> dict[str, Any]:
        seen.append(inputs)
        return {"name": "x", "executionRole": inputs.execution_role, "regions": [], "workflows": []}

    build_app(load_settings(OPT_IN), plan_source=source)
    assert seen[0].custom_action_lambda == LAMBDA
    assert set(seen[0].asg_arns) == {"us-east-1", "us-west-2"}
    assert seen[0].hosted_zone_id is not None


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (
            {"standby_regions": ["us-west-2", "eu-west-1"]},
            'failover.orchestrator: "arc-region-switch" plans hold exactly two regions, the '
            "config has 3",
        ),
        ({"failover": {"orchestrator": "arc-region-switch"}}, "failover.custom_action_lambda: "),
    ],
)
def test_what_region_switch_cannot_express_is_refused(change: dict[str, Any], message: str) -> None:
    with pytest.raises(ConfigError, match=message):
        load_settings({**OPT_IN, **change})


def test_check_has_no_errors_with_the_opt_in(check_reports: Any) -> None:
    report = check_reports("arc-region-switch", OPT_IN)
    assert any(s.name == "trading-prod-regionswitch" for s in report.stacks)
    assert [f for f in report.findings if f.severity == "error"] == []


@pytest.mark.parametrize(
    ("traffic", "block", "parameter"),
    [
        ("arc", "ARCRoutingControl", "RoutingControlArnUSW2"),
        ("global-accelerator", "AuroraGlobalDatabase", "EndpointGroupArnUSW2"),
    ],
)
def test_each_traffic_mode_feeds_the_plan_from_the_traffic_stack(
    traffic: str, block: str, parameter: str
) -> None:
    """The fast configs (Aurora global): the traffic stack's outputs reach the plan as
    parameters, and the plan has no Route 53 step (no hosted zone parameter)."""
    settings = load_settings(
        {
            **OPT_IN,
            "posture": "hot-standby",
            "database": {"engine": "aurora-mysql-global"},
            "routing": {"traffic": traffic},
        }
    )
    stack = build_app(settings).node.find_child("trading-prod-regionswitch")
    doc = Template.from_stack(stack).to_json()  # type: ignore[arg-type]
    assert parameter in doc["Parameters"]
    assert "HostedZoneId" not in doc["Parameters"]
    plan = next(r for r in doc["Resources"].values() if r["Type"] == "AWS::ARCRegionSwitch::Plan")
    steps = plan["Properties"]["Workflows"][0]["Steps"]
    flat = [
        s["ExecutionBlockType"]
        for top in steps
        for s in (
            top["ExecutionBlockConfiguration"]["ParallelConfig"]["Steps"]
            if top["ExecutionBlockType"] == "Parallel"
            else [top]
        )
    ]
    assert block in flat
    assert "Route53HealthCheck" not in flat
