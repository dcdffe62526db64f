"""`tradedr plan export --format arc-region-switch`: the failover plan as CreatePlan input,
validated against botocore's model of the `arc-region-switch` service (types, required
members, lengths, enums and patterns), and sent through a Stubber-wrapped client."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import boto3
import botocore.session
import pytest
from botocore.model import Shape
from botocore.stub import Stubber
from botocore.validate import ParamValidator
from moto import mock_aws
from tests.unit.ops.moto_env import build_environment
from tests.unit.ops.test_fast_plans import ENGINES, TRAFFIC, controls, settings_for
from typer.testing import CliRunner

from tradedr.cli import app
from tradedr.config import Settings
from tradedr.errors import ConfigError
from tradedr.names import Names
from tradedr.ops.failover import failover_plan
from tradedr.ops.region_switch import (
    ExportOptions,
    Inventory,
    RegionSwitchExport,
    read_inventory,
    region_switch_plan,
)

ACCOUNT = "111122223333"
ROLE = f"arn:aws:iam::{ACCOUNT}:role/region-switch"
APPROVER = f"arn:aws:iam::{ACCOUNT}:role/approver"
LAMBDA = f"arn:aws:lambda:us-west-2:{ACCOUNT}:function:tradedr-step"
UUID = "0f1e2d3c-4b5a-6978-8796-a5b4c3d2e1f0"


def model_input() -> Shape:
    model = botocore.session.get_session().get_service_model("arc-region-switch")
    return model.operation_model("CreatePlan").input_shape


def pattern_and_enum_problems(value: Any, shape: Shape, path: str = "") -> list[str]:
    """What ParamValidator does not check: string patterns and enums of the model."""
    problems = []
    if shape.type_name == "structure":
        for name, member in shape.members.items():
            if name in value:
                problems += pattern_and_enum_problems(value[name], member, f"{path}.{name}")
    elif shape.type_name == "list":
        for index, item in enumerate(value):
            problems += pattern_and_enum_problems(item, shape.member, f"{path}[{index}]")
    elif shape.type_name == "map":
        for key, item in value.items():
            problems += pattern_and_enum_problems(key, shape.key, f"{path}<key>")
            problems += pattern_and_enum_problems(item, shape.value, f"{path}.{key}")
    elif shape.type_name == "string":
        enum = getattr(shape, "enum", None)
        if enum and value not in enum:
            problems.append(f"{path}: {value!r} not in {enum}")
        pattern = shape.metadata.get("pattern")
        if pattern:
            try:
                compiled = re.compile(pattern)
            except re.error:  # Java-only classes such as \p{L}: not ours to check
                compiled = None
            if compiled and not compiled.fullmatch(value):
                problems.append(f"{path}: {value!r} does not match {pattern}")
    return problems


def inventory_for(settings: Settings) -> Inventory:
    names = Names(settings)
    regions = settings.all_regions
    return Inventory(
        asg_arns={
            r: f"arn:aws:autoscaling:{r}:{ACCOUNT}:autoScalingGroup:{UUID}:"
            f"autoScalingGroupName/{names.asg(r)}"
            for r in regions
        },
        db_instance_arns={
            r: f"arn:aws:rds:{r}:{ACCOUNT}:db:{names.db_identifier(r)}" for r in regions
        },
        db_cluster_arns={
            r: f"arn:aws:rds:{r}:{ACCOUNT}:cluster:{names.db_cluster(r)}" for r in regions
        },
        hosted_zone_id="Z0123456789ABCDEFGHIJ",
    )


def export(settings: Settings, options: ExportOptions, to: str = "us-west-2") -> RegionSwitchExport:
    resolved = controls(settings)
    plan = failover_plan(
        settings,
        to_region=to,
        mode="planned",
        approval=options.include_approval,
        traffic_mode=resolved.mode,
        traffic=resolved.params_for(to),
    )
    return region_switch_plan(plan, settings, inventory_for(settings), resolved, options)


FULL = ExportOptions(execution_role=ROLE, approval_role=APPROVER, custom_action_lambda=LAMBDA)


def block_types(steps: list[dict[str, Any]]) -> list[str]:
    found = []
    for step in steps:
        found.append(step["executionBlockType"])
        parallel = step["executionBlockConfiguration"].get("parallelConfig")
        if parallel:
            found += block_types(parallel["steps"])
    return found


@pytest.mark.parametrize("traffic", TRAFFIC)
@pytest.mark.parametrize("engine", ENGINES)
def test_exported_plan_validates_against_the_create_plan_model(engine: str, traffic: str) -> None:
    request = export(settings_for(engine, traffic), FULL).request
    report = ParamValidator().validate(request, model_input())
    assert not report.has_errors(), report.generate_report()
    assert pattern_and_enum_problems(request, model_input()) == []
    client = boto3.client("arc-region-switch", region_name="us-east-1")
    with Stubber(client) as stubber:  # the client validates again before the stub answers
        stubber.add_response("create_plan", {}, request)
        client.create_plan(**json.loads(json.dumps(request)))
        stubber.assert_no_pending_responses()


@pytest.mark.parametrize(
    ("engine", "traffic", "native"),
    [
        ("mysql", "dns-failover", {"RdsPromoteReadReplica", "Route53HealthCheck"}),
        ("aurora-mysql-global", "arc", {"AuroraGlobalDatabase", "ARCRoutingControl"}),
        ("aurora-mysql-global", "global-accelerator", {"AuroraGlobalDatabase"}),
    ],
)
def test_each_option_maps_to_its_native_blocks(engine: str, traffic: str, native: set[str]) -> None:
    request = export(settings_for(engine, traffic), FULL).request
    workflow = request["workflows"][0]
    assert workflow["workflowTargetAction"] == "activate"
    assert workflow["workflowTargetRegion"] == "us-west-2"
    kinds = block_types(workflow["steps"])
    assert native | {"ManualApproval", "EC2AutoScaling", "CustomActionLambda"} <= set(kinds)
    assert request["primaryRegion"] == "us-east-1"
    assert request["regions"] == ["us-east-1", "us-west-2"]


def test_aurora_block_switches_over_and_fails_over_only_when_ungraceful() -> None:
    request = export(settings_for("aurora-mysql-global", "arc"), FULL).request
    (aurora,) = [
        s
        for s in request["workflows"][0]["steps"]
        if s["executionBlockType"] == "AuroraGlobalDatabase"
    ]
    config = aurora["executionBlockConfiguration"]["globalAuroraConfig"]
    assert config["behavior"] == "switchoverOnly"
    assert config["ungraceful"] == {"ungraceful": "failover"}
    assert config["globalClusterIdentifier"] == "trading-prod-orders-global"
    assert len(config["databaseClusterArns"]) == 2


def test_custom_actions_carry_the_step_and_skip_the_lost_region_when_ungraceful() -> None:
    request = export(settings_for("mysql", "global-accelerator"), FULL).request
    customs = [
        s
        for s in request["workflows"][0]["steps"]
        for s in (s["executionBlockConfiguration"].get("parallelConfig", {}).get("steps") or [s])
        if s["executionBlockType"] == "CustomActionLambda"
    ]
    by_step = {
        json.loads(
            c["executionBlockConfiguration"]["customActionLambdaConfig"]["lambdas"][0]["payload"]
        )["tradedr"]["step"]: c["executionBlockConfiguration"]["customActionLambdaConfig"]
        for c in customs
    }
    assert by_step["fence-app-us-east-1"]["regionToRun"] == "deactivatingRegion"
    assert by_step["fence-app-us-east-1"]["ungraceful"] == {"behavior": "skip"}
    assert by_step["repoint-us-west-2"]["regionToRun"] == "activatingRegion"
    assert "dial-to-us-west-2" in by_step


@pytest.mark.parametrize(
    ("options", "message"),
    [
        (ExportOptions(execution_role=ROLE, approval_role=APPROVER), "--custom-action-lambda"),
        (ExportOptions(execution_role=ROLE, custom_action_lambda=LAMBDA), "--approval-role"),
        (
            ExportOptions(execution_role="", approval_role=APPROVER, custom_action_lambda=LAMBDA),
            "--execution-role",
        ),
    ],
)
def test_missing_user_input_is_a_clear_error(options: ExportOptions, message: str) -> None:
    with pytest.raises(ConfigError, match=message):
        export(settings_for("mysql", "dns-failover"), options)


def test_no_approval_leaves_the_step_out() -> None:
    options = ExportOptions(
        execution_role=ROLE, custom_action_lambda=LAMBDA, include_approval=False
    )
    request = export(settings_for("mysql", "dns-failover"), options).request
    assert "ManualApproval" not in block_types(request["workflows"][0]["steps"])


def test_inventory_is_read_from_the_deployed_resources(tmp_path: Path) -> None:
    settings = settings_for("mysql", "arc")
    with mock_aws():
        env = build_environment(settings, tmp_path / "runs")
        inventory = read_inventory(settings, env.provider)
    assert set(inventory.asg_arns) == {"us-east-1", "us-west-2"}
    assert all(":autoScalingGroup:" in arn for arn in inventory.asg_arns.values())
    assert inventory.db_instance_arns["us-west-2"].endswith(
        Names(settings).db_identifier("us-west-2")
    )
    assert inventory.hosted_zone_id is None  # arc: no Route 53 health-check block


def test_cli_writes_the_export_and_plan_without_subcommand_still_reviews(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    settings = settings_for("aurora-mysql-global", "arc")
    seen: dict[str, Any] = {}

    def fake_export(_settings: Settings, **kwargs: Any) -> RegionSwitchExport:
        seen.update(kwargs)
        return export(settings, kwargs["options"])

    monkeypatch.setattr("tradedr.ops.region_switch.export_on_target", fake_export)
    out = tmp_path / "plan.json"
    result = CliRunner().invoke(
        app,
        [
            "plan",
            "export",
            "--format",
            "arc-region-switch",
            "--execution-role",
            ROLE,
            "--approval-role",
            APPROVER,
            "--custom-action-lambda",
            LAMBDA,
            "--to",
            "us-west-2",
            "--out",
            str(out),
        ],
    )
    assert result.exit_code == 0, result.output
    assert json.loads(out.read_text())["executionRole"] == ROLE
    assert seen["to_region"] == "us-west-2"
    bad = CliRunner().invoke(app, ["plan", "export", "--format", "pdf", "--execution-role", ROLE])
    assert bad.exit_code == 2
    assert "arc-region-switch" in bad.output
