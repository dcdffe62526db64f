"""wait-replica (the drain after the fence, the catch-up during failback) against
CloudWatch's real model: only a datapoint whose period starts at or after the step's start
counts, so a zero recorded before the fence never passes; an unknown lag (none since the
start, or -1) never passes either, unless the step has allow_data_loss.

Same fake time as test_check_lag: the step starts at START; each poll is 60 s later.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import pytest
from tests.stubbed import StubbedProvider
from tests.unit.ops.actions.test_check_lag import (
    POLL,
    REGION,
    FakeTime,
    Point,
    context,
    expect_reads,
    replica,
)

from tradedr.config import load_settings
from tradedr.ops.actions import action_for, check_lag
from tradedr.ops.actions.base import StepTimeoutError
from tradedr.ops.failover import failover_plan
from tradedr.ops.plans import Step

pytestmark = pytest.mark.stubbed


@pytest.fixture
def fake_time(monkeypatch: pytest.MonkeyPatch) -> FakeTime:
    time = FakeTime()
    monkeypatch.setattr(check_lag, "wall_clock", time.wall)
    return time


@pytest.fixture
def provider() -> StubbedProvider:
    return StubbedProvider()


TIMEOUT = 180.0  # the context's wait limit in these tests: reads at 0, 60, 120 and 180 s


def drain_step(*, allow_data_loss: bool = False) -> Step:
    step = failover_plan(load_settings({}), to_region=REGION).step(f"drain-{REGION}")
    assert step.params["max_lag_seconds"] == 0
    if allow_data_loss:
        step = step.model_copy(update={"params": {**step.params, "allow_data_loss": True}})
    return step


@dataclass(frozen=True)
class Case:
    reads: list[list[Point]]
    allow: bool = False
    refused: bool = False  # StepTimeoutError; else "executed"
    words: list[str] = field(default_factory=list)
    lag: float | None = None


BEFORE = (-30, 0.0)  # a zero whose period started before the step (before the fence)

CASES = {
    "zero-before-the-start-is-refused": Case(
        [[BEFORE]] * 4,
        refused=True,
        words=["timed out after 180 s", "lag unknown", "starting at or after 12:00:30Z"],
    ),
    "zero-before-then-zero-after-waits-and-passes": Case(
        [[BEFORE], [BEFORE, (0, 0.0)]],
        words=["caught up", "ReplicaLag 0 s in the period from 12:00:30Z", "after this step"],
        lag=0.0,
    ),
    "zero-after-passes": Case(
        [[BEFORE, (0, 0.0)]],
        words=["caught up", "ReplicaLag 0 s"],
        lag=0.0,
    ),
    "still-draining-then-zero": Case(
        [[BEFORE], [BEFORE, (0, 4.0)], [BEFORE, (0, 4.0), (60, 0.0)]],
        words=["ReplicaLag 0 s in the period from 12:01:30Z"],
        lag=0.0,
    ),
    "lag-above-zero-after-the-start-times-out": Case(
        [[BEFORE], [BEFORE, (0, 4.0)], [BEFORE, (0, 4.0), (60, 2.0)], [(0, 4.0), (60, 2.0)]],
        refused=True,
        words=["ReplicaLag still 2 s"],
    ),
    "minus-one-after-the-start-is-unknown": Case(
        [[BEFORE], [BEFORE, (0, -1.0)], [BEFORE, (0, -1.0)], [BEFORE, (0, -1.0), (120, -1.0)]],
        refused=True,
        words=["lag unknown", "replication broken"],
    ),
    "gap-nothing-at-all-is-unknown": Case(
        [[]] * 4,
        refused=True,
        words=["lag unknown", "no ReplicaLag datapoint for a period starting at or after"],
    ),
    "allow-data-loss-proceeds-and-says-so": Case(
        [[BEFORE]] * 4,
        allow=True,
        words=["not confirmed caught up", "lag unknown", "continuing because of --allow-data-loss"],
        lag=None,
    ),
}


@pytest.mark.parametrize("case", CASES.values(), ids=CASES.keys())
def test_drain(provider: StubbedProvider, fake_time: FakeTime, case: Case) -> None:
    step = drain_step(allow_data_loss=case.allow)
    identifier = step.params["db_identifier"]
    rds = provider.stub("rds", REGION)
    for _ in range(2):  # the replica itself, then "available"
        rds.add_response(
            "describe_db_instances", replica(identifier), {"DBInstanceIdentifier": identifier}
        )
    expect_reads(provider, case.reads, identifier=identifier)
    ctx = context(provider, fake_time, wait_timeout=TIMEOUT)
    if case.refused:
        with pytest.raises(StepTimeoutError) as raised:
            action_for(step).run(ctx, step)
        message = raised.value.message
        assert "\n" not in message
    else:
        outcome = action_for(step).run(ctx, step)
        assert outcome.status == "executed"
        message = outcome.detail
        assert outcome.data["lag_seconds"] == case.lag
    for words in case.words:
        assert words in message, message
    provider.assert_done()
    assert fake_time.t == POLL * (len(case.reads) - 1)


def test_emulator_without_metrics_is_not_emulated(
    provider: StubbedProvider, fake_time: FakeTime
) -> None:
    step = drain_step()
    identifier = step.params["db_identifier"]
    rds = provider.stub("rds", REGION)
    for _ in range(2):
        rds.add_response("describe_db_instances", replica(identifier))
    expect_reads(provider, [[]], identifier=identifier)
    outcome = action_for(step).run(context(provider, fake_time, target="local"), step)
    assert outcome.status == "not-emulated"
    provider.assert_done()
