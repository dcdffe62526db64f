"""Faults injected into single plan steps: each recovers by retry or stops with a clear
message, and --resume then completes the plan with no completed step repeated and
exactly one orders-DB writer left."""

from __future__ import annotations

from dataclasses import dataclass

import pytest
from tests.unit.ops.moto_env import Environment, journal, successful_ends

from tradedr.ops.executor import RetryPolicy
from tradedr.ops.failback import failback
from tradedr.ops.failover import failover
from tradedr.ops.faults import Fault, FaultInjectingProvider, FaultKind
from tradedr.ops.resume import steps_to_rerun
from tradedr.ops.run import RunOptions

PRIMARY, STANDBY = "us-east-1", "us-west-2"
MAX_ATTEMPTS = 4


@dataclass(frozen=True)
class Case:
    step: str
    operation: str
    kind: FaultKind
    times: int | None  # None: the fault never clears while the run lasts
    mode: str = "planned"

    @property
    def recovers(self) -> bool:
        retryable = self.kind in ("throttle", "5xx", "timeout", "connection")
        return retryable and self.times is not None and self.times < MAX_ATTEMPTS

    def __str__(self) -> str:
        return f"{self.mode}-{self.step}-{self.operation}-{self.kind}-{self.times}"


CASES = [
    # Recovered by retrying with backoff.
    Case("check-lag-us-west-2", "GetMetricStatistics", "throttle", 3),
    Case("check-lag-us-west-2", "DescribeDBInstances", "5xx", 1),
    Case("scale-us-west-2", "UpdateAutoScalingGroup", "throttle", 2),
    Case("scale-us-west-2", "DescribeTargetHealth", "5xx", 1),
    Case("fence-app-us-east-1", "UpdateAutoScalingGroup", "timeout", 2),
    Case("drain-us-west-2", "DescribeDBInstances", "5xx", 1),
    Case("promote-us-west-2", "PromoteReadReplica", "throttle", 3),
    Case("promote-us-west-2", "DescribeDBInstances", "timeout", 1),
    Case("repoint-us-east-1", "PutParameter", "5xx", 2),
    Case("retire-db-us-east-1", "ModifyDBInstance", "throttle", 1),
    Case("retire-db-us-east-1", "StopDBInstance", "5xx", 1),
    Case("verify-us-west-2", "GetParameter", "timeout", 1),
    Case("promote-us-west-2", "PromoteReadReplica", "throttle", 2, mode="unplanned"),
    Case("scale-us-west-2", "DescribeAutoScalingGroups", "timeout", 2, mode="unplanned"),
    # Stopped at once: access and validation errors are not retried.
    Case("promote-us-west-2", "PromoteReadReplica", "access-denied", 1),
    Case("promote-us-west-2", "AddTagsToResource", "access-denied", 1),
    Case("scale-us-west-2", "UpdateAutoScalingGroup", "access-denied", 1),
    Case("repoint-us-west-2", "GetParameter", "access-denied", 1),
    Case("repoint-us-east-1", "PutParameter", "validation", 1),
    Case("retire-db-us-east-1", "StopDBInstance", "validation", 1),
    Case("retire-db-us-east-1", "ModifyDBInstance", "access-denied", 1),
    Case("fence-app-us-east-1", "UpdateAutoScalingGroup", "validation", 1),
    Case("verify-us-west-2", "DescribeTargetHealth", "access-denied", 1),
    Case("promote-us-west-2", "PromoteReadReplica", "access-denied", 1, mode="unplanned"),
    # Retryable, but it never clears: the executor gives up after the retry limit.
    Case("promote-us-west-2", "PromoteReadReplica", "throttle", None),
    Case("check-lag-us-west-2", "DescribeDBInstances", "5xx", None),
    Case("repoint-us-east-1", "PutParameter", "timeout", None),
    Case("scale-us-west-2", "UpdateAutoScalingGroup", "throttle", None, mode="unplanned"),
]

EXPECTED_REASON = {
    "access-denied": "access denied",
    "validation": "request rejected",
    "throttle": "gave up after",
    "5xx": "gave up after",
    "timeout": "gave up after",
}


def run_failover(env: Environment, provider: FaultInjectingProvider, mode: str):
    return failover(
        env.settings,
        provider,
        RunOptions(
            runs_dir=env.runs_dir,
            retry=RetryPolicy(max_attempts=MAX_ATTEMPTS, base_seconds=0.0),
            progress=provider.progress,
        ),
        to_region=STANDBY,
        assume_region_lost=mode == "unplanned",
    )


def assert_failed_over(env: Environment, mode: str) -> None:
    """One writer where clients can reach it. After an unplanned failover the lost region
    still holds the old, unfenced primary: failback retires it (tested below)."""
    writers = [w for w in env.writers() if mode == "planned" or w[0] != PRIMARY]
    assert writers == [(STANDBY, env.names.db_identifier(STANDBY))]
    writer = env.db(STANDBY, env.names.db_identifier(STANDBY))
    assert env.endpoint(STANDBY) == writer["Endpoint"]["Address"]
    assert env.capacity(STANDBY) == env.settings.regions[STANDBY].asg_desired
    if mode == "planned":
        assert env.capacity(PRIMARY) == 0
        assert env.endpoint(PRIMARY) == writer["Endpoint"]["Address"]


@pytest.mark.parametrize("case", CASES, ids=str)
def test_fault_in_one_step_recovers_or_stops_then_resume_completes(
    env: Environment, case: Case
) -> None:
    provider = FaultInjectingProvider(env.provider)
    if case.mode == "unplanned":
        provider.lose_region(PRIMARY)
    fault = Fault(case.kind, operation=case.operation, step=case.step, times=case.times)
    provider.faults.append(fault)

    first = run_failover(env, provider, case.mode)
    assert fault.fired >= 1, "the fault never fired: the case tests nothing"
    events = journal(env.runs_dir, first.run_id)
    retries = [e for e in events if e["event"] == "step-retry" and e["step"] == case.step]

    if case.recovers:
        assert first.status == "completed", first.message
        record = first.record(case.step)
        assert record is not None
        assert record.attempts == case.times + 1
        assert len(retries) == case.times
        assert successful_ends(events) == {s.id: 1 for s in first.plan.steps()}
        assert_failed_over(env, case.mode)
        return

    assert first.status == "stopped"
    assert case.step in first.message
    assert EXPECTED_REASON[case.kind] in first.message
    assert f"--resume {first.run_id}" in first.message
    assert events[-1]["event"] == "run-end"
    assert events[-1]["status"] == "stopped"
    if case.kind in ("access-denied", "validation"):
        assert retries == []
    else:
        assert len(retries) == MAX_ATTEMPTS - 1
    if case.mode == "planned":
        assert env.writers(), "a stopped plan left the orders DB without a writer"
    else:  # the disaster already took the only writer; the plan must not make two
        assert len([w for w in env.writers() if w[0] != PRIMARY]) <= 1
    done_before = set(successful_ends(events))
    # Guards before a pending promotion and approvals before pending work run again.
    rerun = steps_to_rerun(first.plan, {step: {} for step in done_before})

    provider.faults.clear()
    second = failover(
        env.settings,
        provider,
        RunOptions(
            resume=first.run_id,
            runs_dir=env.runs_dir,
            retry=RetryPolicy(max_attempts=MAX_ATTEMPTS, base_seconds=0.0),
            progress=provider.progress,
        ),
        to_region=None,
    )
    assert second.status == "completed", second.message
    events = journal(env.runs_dir, first.run_id)
    resumed_at = max(i for i, e in enumerate(events) if e["event"] == "run-start")
    started_again = {e["step"] for e in events[resumed_at:] if e["event"] == "step-start"}
    assert not (started_again & done_before) - rerun, "resume repeated a completed step"
    assert rerun <= started_again
    assert case.step in started_again
    assert successful_ends(events) == {s.id: 2 if s.id in rerun else 1 for s in first.plan.steps()}
    assert_failed_over(env, case.mode)


FAILBACK_CASES = [
    Case("replicate-to-us-east-1", "CreateDBInstanceReadReplica", "access-denied", 1),
    Case("promote-us-east-1", "PromoteReadReplica", "throttle", 2),
    Case("retire-db-us-west-2", "StopDBInstance", "5xx", None),
]


@pytest.mark.parametrize("case", FAILBACK_CASES, ids=str)
def test_fault_during_failback_then_resume_restores_roles(env: Environment, case: Case) -> None:
    provider = FaultInjectingProvider(env.provider)
    provider.lose_region(PRIMARY)
    assert run_failover(env, provider, "unplanned").status == "completed"
    provider.restore_region()
    fault = Fault(case.kind, operation=case.operation, step=case.step, times=case.times)
    provider.faults.append(fault)
    retry = RetryPolicy(max_attempts=MAX_ATTEMPTS, base_seconds=0.0)

    first = failback(
        env.settings,
        provider,
        RunOptions(runs_dir=env.runs_dir, retry=retry, progress=provider.progress),
    )
    rerun: frozenset[str] = frozenset()
    assert fault.fired >= 1
    if case.recovers:
        assert first.status == "completed", first.message
    else:
        assert first.status == "stopped"
        assert case.step in first.message
        done_before = set(successful_ends(journal(env.runs_dir, first.run_id)))
        rerun = steps_to_rerun(first.plan, {step: {} for step in done_before})
        provider.faults.clear()
        second = failback(
            env.settings,
            provider,
            RunOptions(
                resume=first.run_id, runs_dir=env.runs_dir, retry=retry, progress=provider.progress
            ),
        )
        assert second.status == "completed", second.message
    events = journal(env.runs_dir, first.run_id)
    assert successful_ends(events) == {s.id: 2 if s.id in rerun else 1 for s in first.plan.steps()}
    names = env.names
    assert env.writers() == [(PRIMARY, names.db_identifier(PRIMARY))]
    replica = env.db(STANDBY, names.db_identifier(STANDBY))
    assert replica["ReadReplicaSourceDBInstanceIdentifier"].endswith(names.db_identifier(PRIMARY))
    assert env.endpoint(STANDBY) == replica["Endpoint"]["Address"]
    assert env.capacity(PRIMARY) == env.settings.regions[PRIMARY].asg_desired
    assert env.capacity(STANDBY) == env.settings.standby_capacity(STANDBY)[1]
