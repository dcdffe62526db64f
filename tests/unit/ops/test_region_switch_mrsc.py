"""The ARC Region switch export of dynamodb-mrsc (examples/active-active-mrsc.toml): an
active-active plan whose failover is a `deactivate` workflow (dial 0, confirm) and whose
failback is an `activate` workflow, validated against botocore's arc-region-switch model
and sent through a Stubber-wrapped client; the notes say what Region switch cannot express."""

from __future__ import annotations

import json
import tomllib
from typing import Any

import boto3
import pytest
from botocore.stub import Stubber
from botocore.validate import ParamValidator
from tests.conftest import MRSC_EXAMPLE
from tests.unit.ops.test_fast_plans import controls
from tests.unit.ops.test_region_switch import (
    FULL,
    block_types,
    inventory_for,
    model_input,
    pattern_and_enum_problems,
)

from tradedr.config import Settings, load_settings
from tradedr.ops.failback import failback_plan
from tradedr.ops.failover import failover_plan
from tradedr.ops.region_switch import MRSC_NOTES, RegionSwitchExport, region_switch_plan

pytestmark = pytest.mark.stubbed


@pytest.fixture(scope="module")
def settings() -> Settings:
    return load_settings(tomllib.loads(MRSC_EXAMPLE.read_text(encoding="utf-8")))


def export(settings: Settings) -> RegionSwitchExport:
    resolved = controls(settings)
    plan = failover_plan(
        settings,
        to_region="us-east-2",
        traffic_mode=resolved.mode,
        traffic=resolved.params_for("us-east-2"),
    )
    back = failback_plan(
        settings,
        current_region="us-east-2",
        home_region="us-east-1",
        traffic_mode=resolved.mode,
        traffic=resolved.params_for("us-east-1"),
    )
    return region_switch_plan(
        plan, settings, inventory_for(settings), resolved, FULL, failback=back
    )


def test_it_validates_against_the_create_plan_model(settings: Settings) -> None:
    request = export(settings).request
    report = ParamValidator().validate(request, model_input())
    assert not report.has_errors(), report.generate_report()
    assert pattern_and_enum_problems(request, model_input()) == []
    client = boto3.client("arc-region-switch", region_name="us-east-1")
    with Stubber(client) as stubber:
        stubber.add_response("create_plan", {}, request)
        client.create_plan(**json.loads(json.dumps(request)))
        stubber.assert_no_pending_responses()


def test_failover_deactivates_the_lost_region_and_failback_activates_it(
    settings: Settings,
) -> None:
    request = export(settings).request
    assert request["recoveryApproach"] == "activeActive"
    assert "primaryRegion" not in request
    assert request["regions"] == ["us-east-1", "us-east-2", "us-west-2"]
    out, back = request["workflows"]
    assert (out["workflowTargetAction"], out["workflowTargetRegion"]) == (
        "deactivate",
        "us-east-1",
    )
    assert (back["workflowTargetAction"], back["workflowTargetRegion"]) == (
        "activate",
        "us-east-1",
    )
    # no database block exists for DynamoDB, and none is needed: nothing promotes
    assert set(block_types(out["steps"])) == {"CustomActionLambda", "ManualApproval", "Parallel"}
    assert set(block_types(back["steps"])) == {"CustomActionLambda", "ManualApproval"}


def payloads(workflow: dict[str, Any]) -> dict[str, dict[str, Any]]:
    found = {}
    for step in workflow["steps"]:
        for s in step["executionBlockConfiguration"].get("parallelConfig", {}).get("steps") or [
            step
        ]:
            config = s["executionBlockConfiguration"].get("customActionLambdaConfig")
            if config:
                found[json.loads(config["lambdas"][0]["payload"])["tradedr"]["step"]] = config
    return found


def test_custom_actions_run_where_the_region_stays_up(settings: Settings) -> None:
    out, back = export(settings).request["workflows"]
    steps = payloads(out)
    assert list(steps) == [
        "check-orders-replicas-us-east-2",
        "dial-down-us-east-1",
        "verify-us-east-2",
        "verify-us-west-2",
    ]
    assert {c["regionToRun"] for c in steps.values()} == {"activeRegion"}
    assert list(payloads(back)) == [
        "verify-us-east-1-before",
        "check-orders-replicas-us-east-1",
        "dial-up-us-east-1",
        "verify-us-east-1",
    ]


def test_the_notes_say_what_region_switch_cannot_express(settings: Settings) -> None:
    notes = export(settings).notes
    assert set(MRSC_NOTES) <= set(notes)
    assert any("no DynamoDB block" in n for n in notes)
    assert any("no Region switch block: the dials are custom actions" in n for n in notes)
    assert not any(n.startswith("EC2AutoScaling") for n in notes)
