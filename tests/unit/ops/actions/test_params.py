"""Typed step parameters: every action has its own model, in its own module; the recipes'
steps fit their models exactly (the golden plans hold the same JSON); a step whose
parameters do not fit is named with the field that is wrong."""

from __future__ import annotations

import json
from typing import Any

import pytest
from tests.snapshots.plans import CONFIGS, plans_of

from tradedr.errors import PlanBugError
from tradedr.ops.actions import ACTIONS, params_problem
from tradedr.ops.actions.base import params_of
from tradedr.ops.actions.check_lag import CheckLagParams
from tradedr.ops.plans import ActionKind, Step, StepParams

STEPS = {
    f"{config}/{kind}/{step.id}": step
    for config in CONFIGS
    for kind, plan in plans_of(config).items()
    for step in plan.steps()
}


def test_every_action_has_its_own_parameter_model_in_its_module() -> None:
    for action in ACTIONS.values():
        model = type(action).Params
        assert model is not StepParams, f"{type(action).__name__} declares no Params"
        assert model.__module__ == type(action).__module__
        assert model.model_config.get("extra") == "forbid"


@pytest.mark.parametrize("name", sorted(STEPS))
def test_each_recipe_step_fits_its_model_exactly(name: str) -> None:
    step = STEPS[name]
    assert params_problem(step) is None
    model = ACTIONS[step.action].Params.model_validate(step.params)
    assert model.dump() == step.params  # nothing dropped, nothing added
    assert json.loads(json.dumps(step.params)) == step.params  # plain JSON in the journal


def test_the_golden_plans_use_most_kinds_of_step() -> None:
    used = {step.action for step in STEPS.values()}
    # Table replicas and backup jobs are built by region_switch exports, not these recipes.
    assert set(ActionKind) - used == {ActionKind.UPDATE_TABLE_REPLICAS, ActionKind.BACKUP_JOB}


def lag(**params: Any) -> Step:
    return Step(
        id="check-lag-us-west-2",
        action=ActionKind.CHECK_REPLICA_LAG,
        region="us-west-2",
        title="t",
        params=params,
    )


@pytest.mark.parametrize(
    ("step", "problem"),
    [
        (
            lag(db_identifier="db", max_lag_seconds="soon"),
            "params.max_lag_seconds: Input should be a valid integer, unable to parse string as "
            "an integer",
        ),
        (
            lag(db_identifier="db", max_lag_seconds=-1),
            "params.max_lag_seconds: Input should be greater than or equal to 0",
        ),
        (lag(db_identifier="db"), "params.max_lag_seconds: Field required"),
        (
            lag(db_identifier="db", max_lag_seconds=5, rpo=5),
            "params.rpo: Extra inputs are not permitted",
        ),
        (
            lag(max_lag_seconds=5),
            "params: Value error, name exactly one of db_identifier and db_cluster_identifier",
        ),
        (
            lag(db_cluster_identifier="c", max_lag_seconds=5),
            "params: Value error, an Aurora cluster needs its global_cluster_id",
        ),
        (
            Step(
                id="dial",
                action=ActionKind.SET_TRAFFIC_DIAL,
                region="us-west-2",
                title="t",
                params={"endpoint_group_arn": "a", "percentage": 150},
            ),
            "params.percentage: Input should be less than or equal to 100",
        ),
        (
            Step(
                id="route",
                action=ActionKind.SET_ROUTING_CONTROL,
                region="us-west-2",
                title="t",
                params={"cluster_endpoints": [], "states": {"arn": "Maybe"}},
            ),
            "params.states.arn: Input should be 'On' or 'Off'",
        ),
        (
            Step(
                id="scale",
                action=ActionKind.SCALE_ASG,
                region="us-west-2",
                title="t",
                params={"asg_name": "g", "min": 0, "desired": 1},
            ),
            "params.max: Field required",
        ),
    ],
)
def test_a_step_that_does_not_fit_names_the_field(step: Step, problem: str) -> None:
    assert params_problem(step) == problem


def test_an_action_refuses_bad_parameters_as_a_plan_bug() -> None:
    step = lag(db_identifier="db", max_lag_seconds="soon")
    with pytest.raises(PlanBugError) as refused:
        params_of(step, CheckLagParams)
    assert refused.value.exit_code == 3
    assert refused.value.message == (
        "plan bug: step check-lag-us-west-2: params.max_lag_seconds: Input should be a valid "
        "integer, unable to parse string as an integer"
    )
