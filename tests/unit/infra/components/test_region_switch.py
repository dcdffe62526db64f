"""The Region switch plan as an `AWS::ARCRegionSwitch::Plan` resource: the exported
CreatePlan request, in CloudFormation's spelling, linted against cfn-lint's schema of the
type for every engine and traffic option, step for step the same plan as the export (and so
as `tradedr failover`'s plan); a third region is what the resource cannot hold."""

from __future__ import annotations

import json
from typing import Any

import pytest

from tests.unit.ops.test_fast_plans import ENGINES, TRAFFIC, controls, settings_for
from tests.unit.ops.test_region_switch import FULL, export
from tradedr.checks.lint import lint_text
from tradedr.infra.components.region_switch import RESOURCE_TYPE, plan_properties
from tradedr.ops.failover import failover_plan


def _lint(properties: dict[str, Any]) -> list[tuple[str, str]]:
    template = {"Resources": {"Plan": {"Type": RESOURCE_TYPE, "Properties": properties}}}
    return [
        (f.rule, f.message)
        for f in lint_text(json.dumps(template), "traffic", ["us-west-2"])
        if f.severity == "error"
    ]


def _step_names(steps: list[dict[str, Any]], key: str, config: str, nested: str) -> list[Any]:
    names: list[Any] = []
    for step in steps:
        parallel = step[config].get(nested)
        names.append(
            [s[key] for s in parallel["Steps" if key == "Name" else "steps"]]
            if parallel
            else step[key]
        )
    return names


@pytest.mark.parametrize("traffic", TRAFFIC)
@pytest.mark.parametrize("engine", ENGINES)
def test_the_resource_passes_cfn_lints_schema(engine: str, traffic: str) -> None:
    settings = settings_for(engine, traffic)
    exported = export(settings, FULL)
    properties = plan_properties(exported.request)
    assert _lint(properties) == []
    # Step by step the export's workflow, in the same order and grouping.
    api_steps = exported.request["workflows"][0]["steps"]
    cfn_steps = properties["Workflows"][0]["Steps"]
    assert _step_names(cfn_steps, "Name", "ExecutionBlockConfiguration", "ParallelConfig") == (
        _step_names(api_steps, "name", "executionBlockConfiguration", "parallelConfig")
    )
    assert [s["ExecutionBlockType"] for s in cfn_steps] == [
        s["executionBlockType"] for s in api_steps
    ]
    # ... and step by step the plan `tradedr failover` runs (one group, one step or block).
    resolved = controls(settings)
    plan = failover_plan(
        settings,
        to_region="us-west-2",
        mode="planned",
        traffic_mode=resolved.mode,
        traffic=resolved.params_for("us-west-2"),
    )
    expected = [
        [s.id for s in group.steps] if len(group.steps) > 1 else group.steps[0].id
        for group in plan.groups
    ]
    assert _step_names(cfn_steps, "Name", "ExecutionBlockConfiguration", "ParallelConfig") == (
        expected
    )


def test_map_keys_stay_data() -> None:
    request = {
        "tags": {"Application": "trading"},
        "workflows": [
            {
                "steps": [
                    {
                        "executionBlockConfiguration": {
                            "rdsPromoteReadReplicaConfig": {
                                "dbInstanceArnMap": {"us-west-2": "arn:aws:rds:us-west-2:1:db:x"}
                            }
                        }
                    }
                ]
            }
        ],
    }
    properties = plan_properties(request)
    assert properties["Tags"] == {"Application": "trading"}
    config = properties["Workflows"][0]["Steps"][0]["ExecutionBlockConfiguration"]
    assert config["RdsPromoteReadReplicaConfig"]["DbInstanceArnMap"] == {
        "us-west-2": "arn:aws:rds:us-west-2:1:db:x"
    }


def test_three_regions_are_more_than_the_resource_holds() -> None:
    settings = settings_for(ENGINES[0], TRAFFIC[0])
    request = {**export(settings, FULL).request}
    request["regions"] = [*request["regions"], "eu-west-1"]
    problems = _lint(plan_properties(request))
    assert problems == [("E3032", "expected maximum item count: 2, found: 3")]
