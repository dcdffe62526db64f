"""`tradedr fence`: stop a recovered former primary after an unplanned failover."""

from __future__ import annotations

import pytest
from tests.unit.ops.moto_env import Environment

from tradedr.config import load_settings
from tradedr.errors import ConfigError, TradedrError
from tradedr.ops.executor import RetryPolicy
from tradedr.ops.failover import failover
from tradedr.ops.faults import FaultInjectingProvider
from tradedr.ops.fence import fence, fence_plan
from tradedr.ops.plans import ActionKind
from tradedr.ops.run import RunOptions

PRIMARY, STANDBY = "us-east-1", "us-west-2"


def test_plan_stops_the_app_then_retires_the_writer() -> None:
    plan = fence_plan(load_settings({}), region=PRIMARY)
    assert [s.action for s in plan.steps()] == [
        ActionKind.MANUAL_APPROVAL,
        ActionKind.FENCE_PRIMARY,
        ActionKind.RETIRE_DB,
    ]
    assert {s.region for s in plan.steps()} == {PRIMARY}


def test_aurora_plan_only_stops_the_app() -> None:
    settings = load_settings({"database": {"engine": "aurora-mysql-global"}})
    actions = [s.action for s in fence_plan(settings, region=PRIMARY).steps()]
    assert ActionKind.RETIRE_DB not in actions
    assert ActionKind.FENCE_PRIMARY in actions


def test_unknown_region_is_a_config_error() -> None:
    with pytest.raises(ConfigError, match="--region eu-west-1"):
        fence_plan(load_settings({}), region="eu-west-1")


def test_refuses_to_fence_the_only_writer(env: Environment) -> None:
    with pytest.raises(TradedrError, match="only orders-DB writer"):
        fence(env.settings, env.provider, RunOptions(runs_dir=env.runs_dir), region=PRIMARY)
    assert env.capacity(PRIMARY) > 0
    assert any(region == PRIMARY for region, _ in env.writers())


def test_fences_the_recovered_primary_after_an_unplanned_failover(env: Environment) -> None:
    provider = FaultInjectingProvider(env.provider)
    provider.lose_region(PRIMARY)
    result = failover(
        env.settings,
        provider,
        RunOptions(runs_dir=env.runs_dir, retry=RetryPolicy(max_attempts=2, base_seconds=0.0)),
        to_region=STANDBY,
        assume_region_lost=True,
    )
    assert result.status == "completed", result.message
    provider.restore_region()
    # Two writers now: the promoted standby and the stale, recovered primary.
    assert {region for region, _ in env.writers()} == {PRIMARY, STANDBY}

    fenced = fence(env.settings, provider, RunOptions(runs_dir=env.runs_dir), region=PRIMARY)
    assert fenced.status == "completed", fenced.message
    assert env.capacity(PRIMARY) == 0
    assert [region for region, _ in env.writers()] == [STANDBY]
    assert env.capacity(STANDBY) > 0
