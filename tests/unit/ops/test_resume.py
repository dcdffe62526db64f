"""Resume safety: a resume re-checks the world, re-runs the data guards and the approval,
and refuses a run that a later completed run has overtaken (issue: failover safety 1, 2)."""

from __future__ import annotations

from pathlib import Path

import pytest
from tests.unit.ops.moto_env import Environment, journal
from tests.unit.ops.test_executor import put_lag

from tradedr.ops.actions.base import PreconditionFailedError
from tradedr.ops.executor import ResumeRefusedError, RetryPolicy
from tradedr.ops.failback import failback
from tradedr.ops.failover import failover, failover_plan
from tradedr.ops.faults import Fault, FaultInjectingProvider
from tradedr.ops.resume import steps_to_rerun
from tradedr.ops.run import RunOptions, resume

PRIMARY, STANDBY = "us-east-1", "us-west-2"
NO_RETRY = RetryPolicy(max_attempts=1, base_seconds=0.0)


def stop_after_promote(env: Environment) -> str:
    """A planned failover that stops right after promote (the next step is refused)."""
    provider = FaultInjectingProvider(env.provider)
    provider.faults.append(
        Fault("access-denied", operation="PutParameter", step=f"repoint-{PRIMARY}", times=None)
    )
    first = failover(
        env.settings,
        provider,
        RunOptions(runs_dir=env.runs_dir, retry=NO_RETRY, progress=provider.progress),
        to_region=STANDBY,
    )
    assert first.status == "stopped", first.message
    assert first.record(f"promote-{STANDBY}") is not None
    return first.run_id


def fail_over_and_back(env: Environment, runs_dir: Path) -> None:
    done = failover(env.settings, env.provider, RunOptions(runs_dir=runs_dir), to_region=STANDBY)
    assert done.status == "completed", done.message
    back = failback(env.settings, env.provider, RunOptions(runs_dir=runs_dir))
    assert back.status == "completed", back.message
    assert env.writers() == [(PRIMARY, env.names.db_identifier(PRIMARY))]


def test_stale_resume_after_a_later_completed_run_is_refused(env: Environment) -> None:
    stale = stop_after_promote(env)
    fail_over_and_back(env, env.runs_dir)
    with pytest.raises(ResumeRefusedError, match="started after it and completed") as refused:
        resume(stale, env.settings, env.provider, RunOptions(target="local", runs_dir=env.runs_dir))
    assert refused.value.exit_code == 1
    assert env.writers() == [(PRIMARY, env.names.db_identifier(PRIMARY))]
    assert env.capacity(PRIMARY) > 0


def test_stale_resume_with_the_later_runs_elsewhere_is_refused_by_the_world_check(
    env: Environment, tmp_path: Path
) -> None:
    """Another operator's machine ran the later runs: the journal cannot tell, the world can."""
    stale = stop_after_promote(env)
    fail_over_and_back(env, tmp_path / "other-operator")
    with pytest.raises(ResumeRefusedError, match="no longer a writer") as refused:
        resume(stale, env.settings, env.provider, RunOptions(target="local", runs_dir=env.runs_dir))
    assert f"promote-{STANDBY}" in refused.value.message
    assert f"fence-app-{PRIMARY}" in refused.value.message  # its app serves again
    assert env.writers() == [(PRIMARY, env.names.db_identifier(PRIMARY))]


def test_a_resume_that_is_still_current_completes_with_one_writer(env: Environment) -> None:
    stale = stop_after_promote(env)
    resumed = resume(
        stale, env.settings, env.provider, RunOptions(target="local", runs_dir=env.runs_dir)
    )
    assert resumed.status == "completed", resumed.message
    assert env.writers() == [(STANDBY, env.names.db_identifier(STANDBY))]


def test_the_approval_expires_when_the_run_is_resumed(env: Environment) -> None:
    stale = stop_after_promote(env)
    asked: list[str] = []

    def decline(prompt: str) -> bool:
        asked.append(prompt)
        return False

    result = resume(
        stale,
        env.settings,
        env.provider,
        RunOptions(target="local", runs_dir=env.runs_dir, approver=decline),
    )
    assert asked, "the approval journaled in the first run was reused"
    assert result.status == "stopped"
    assert "not approved" in result.message


def test_a_lag_rise_between_run_and_resume_is_refused(env: Environment) -> None:
    """Unplanned: the lag check passes at 2 s, the run stops at scale, the lag rises to 900 s
    (RPO 60 s), and the resume must not promote without --allow-data-loss."""
    provider = FaultInjectingProvider(env.provider)
    provider.lose_region(PRIMARY)
    provider.faults.append(Fault("access-denied", step=f"scale-{STANDBY}", times=None))
    put_lag(env, 2.0)
    first = failover(
        env.settings,
        provider,
        RunOptions(runs_dir=env.runs_dir, retry=NO_RETRY, progress=provider.progress),
        to_region=STANDBY,
        assume_region_lost=True,
    )
    assert first.status == "stopped"
    lag = first.record(f"check-lag-{STANDBY}")
    assert lag is not None
    assert lag.status == "executed", lag
    provider.faults.clear()
    put_lag(env, 900.0)
    resumed = resume(
        first.run_id, env.settings, provider, RunOptions(target="local", runs_dir=env.runs_dir)
    )
    assert resumed.status == "stopped"
    assert resumed.exit_code == PreconditionFailedError.exit_code
    assert "above the RPO" in resumed.message
    replica = env.db(STANDBY, env.names.db_identifier(STANDBY))
    assert replica.get("ReadReplicaSourceDBInstanceIdentifier"), "promoted despite the lag"
    starts = [
        e["step"]
        for e in journal(env.runs_dir, first.run_id)
        if e["event"] == "step-start" and e["step"] == f"check-lag-{STANDBY}"
    ]
    assert len(starts) == 2


@pytest.mark.parametrize(
    ("done", "expected"),
    [
        ([], set()),
        (["check-lag-us-west-2"], {"check-lag-us-west-2"}),
        (["check-lag-us-west-2", "approve"], {"check-lag-us-west-2", "approve"}),
        (
            ["check-lag-us-west-2", "approve", "scale-us-west-2", "fence-app-us-east-1"],
            {"check-lag-us-west-2", "approve"},
        ),
        (
            [
                "check-lag-us-west-2",
                "approve",
                "scale-us-west-2",
                "fence-app-us-east-1",
                "drain-us-west-2",
            ],
            {"check-lag-us-west-2", "approve", "drain-us-west-2"},
        ),
        (
            [
                "check-lag-us-west-2",
                "approve",
                "scale-us-west-2",
                "fence-app-us-east-1",
                "drain-us-west-2",
                "promote-us-west-2",
            ],
            {"approve"},  # after the promotion the guards have nothing left to guard
        ),
    ],
)
def test_steps_to_rerun(env: Environment, done: list[str], expected: set[str]) -> None:
    plan = failover_plan(env.settings, to_region=STANDBY)
    assert steps_to_rerun(plan, {step: {} for step in done}) == expected


def test_steps_to_rerun_of_a_completed_plan_is_nothing(env: Environment) -> None:
    plan = failover_plan(env.settings, to_region=STANDBY)
    assert steps_to_rerun(plan, {s.id: {} for s in plan.steps()}) == frozenset()
