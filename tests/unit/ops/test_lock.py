"""One mutating run per deployment: a file lock on this machine and SSM leases in the
regions the plan does not treat as lost (issue: failover safety 7)."""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import time
from pathlib import Path

import boto3
import pytest
from tests.unit.ops.moto_env import Environment

from tradedr.ops.failover import failover
from tradedr.ops.faults import FaultInjectingProvider
from tradedr.ops.lock import DeploymentLock, LockHeldError
from tradedr.ops.run import RunOptions

PRIMARY, STANDBY = "us-east-1", "us-west-2"


def lease(env: Environment, region: str) -> dict[str, object] | None:
    ssm = boto3.client("ssm", region_name=region)
    try:
        value = ssm.get_parameter(Name=env.names.operation_lock_parameter)["Parameter"]["Value"]
    except ssm.exceptions.ParameterNotFound:
        return None
    parsed: dict[str, object] = json.loads(value)
    return parsed


def put_lease(env: Environment, region: str, **holder: object) -> None:
    boto3.client("ssm", region_name=region).put_parameter(
        Name=env.names.operation_lock_parameter,
        Value=json.dumps(holder),
        Type="String",
    )


def test_a_second_run_is_refused_naming_the_holder(env: Environment) -> None:
    holder = DeploymentLock(
        env.settings,
        env.provider,
        runs_dir=env.runs_dir,
        owner="failover-20261204T000000Z-abcd",
        regions=[PRIMARY, STANDBY],
    )
    with holder:
        with pytest.raises(LockHeldError, match="failover-20261204T000000Z-abcd") as refused:
            failover(
                env.settings, env.provider, RunOptions(runs_dir=env.runs_dir), to_region=STANDBY
            )
        assert refused.value.exit_code == 1
        assert "\n" not in refused.value.message
    assert env.writers() == [(PRIMARY, env.names.db_identifier(PRIMARY))]
    assert env.capacity(PRIMARY) > 0
    # Released: the next run proceeds and leaves no lease behind.
    done = failover(
        env.settings, env.provider, RunOptions(runs_dir=env.runs_dir), to_region=STANDBY
    )
    assert done.status == "completed", done.message
    assert lease(env, PRIMARY) is None
    assert lease(env, STANDBY) is None


def test_a_lease_held_from_another_machine_is_refused(env: Environment) -> None:
    put_lease(
        env,
        STANDBY,
        run="failover-20261204T000000Z-beef",
        host="operator-laptop",
        pid=4242,
        expires=time.time() + 600,
    )
    with pytest.raises(LockHeldError, match="operator-laptop") as refused:
        failover(env.settings, env.provider, RunOptions(runs_dir=env.runs_dir), to_region=STANDBY)
    assert "us-west-2" in refused.value.message
    assert env.writers() == [(PRIMARY, env.names.db_identifier(PRIMARY))]


@pytest.mark.parametrize(
    "holder",
    [
        {"run": "r-expired", "host": "operator-laptop", "pid": 1, "expires": 1.0},
        {"run": "r-dead", "host": socket.gethostname(), "pid": 2**22 + 7, "expires": 9e9},
    ],
    ids=["expired", "dead-process-on-this-host"],
)
def test_a_stale_lease_is_taken_over(env: Environment, holder: dict[str, object]) -> None:
    put_lease(env, STANDBY, **holder)
    done = failover(
        env.settings, env.provider, RunOptions(runs_dir=env.runs_dir), to_region=STANDBY
    )
    assert done.status == "completed", done.message
    assert lease(env, STANDBY) is None


def test_an_unplanned_run_leases_only_outside_the_lost_region(env: Environment) -> None:
    provider = FaultInjectingProvider(env.provider)
    provider.lose_region(PRIMARY)
    seen: list[dict[str, object] | None] = []

    def approve(_prompt: str) -> bool:
        seen.append(lease(env, STANDBY))
        return True

    result = failover(
        env.settings,
        provider,
        RunOptions(approver=approve, runs_dir=env.runs_dir),
        to_region=STANDBY,
        assume_region_lost=True,
    )
    assert result.status == "completed", result.message
    assert seen
    assert seen[0] is not None
    assert seen[0]["run"] == result.run_id
    assert not [c for c in provider.log.injected if c[1] == "ssm"]


def test_the_file_lock_excludes_another_process(env: Environment, tmp_path: Path) -> None:
    """flock holds across processes, and the OS drops it when the holder dies."""
    env.runs_dir.mkdir(parents=True, exist_ok=True)
    path = env.runs_dir / f".{env.settings.prefix}.lock"
    script = (
        "import fcntl, sys, time\n"
        f"f = open({str(path)!r}, 'a+')\n"
        "fcntl.flock(f.fileno(), fcntl.LOCK_EX)\n"
        'f.write(\'{"run": "other-process"}\'); f.flush()\n'
        "print('locked', flush=True)\n"
        "time.sleep(30)\n"
    )
    child = subprocess.Popen([sys.executable, "-c", script], stdout=subprocess.PIPE, text=True)
    try:
        assert child.stdout is not None
        assert child.stdout.readline().strip() == "locked"
        with pytest.raises(LockHeldError, match="other-process"):
            failover(
                env.settings, env.provider, RunOptions(runs_dir=env.runs_dir), to_region=STANDBY
            )
    finally:
        child.kill()
        child.wait()
    done = failover(
        env.settings, env.provider, RunOptions(runs_dir=env.runs_dir), to_region=STANDBY
    )
    assert done.status == "completed", done.message
    assert oct(os.stat(path).st_mode & 0o777) == "0o600"


def test_two_concurrent_failovers_exclude_each_other(env: Environment) -> None:
    """Before the lock both started, and one collided part-way (DBInstanceNotFound, or
    'both ... exist'). Now one runs and the other is refused before any step."""
    import threading

    started = threading.Barrier(2)
    outcomes: list[object] = []

    def approve(_prompt: str) -> bool:
        time.sleep(0.5)  # hold the lock while the other run tries to take it
        return True

    def run() -> None:
        started.wait()
        try:
            outcomes.append(
                failover(
                    env.settings,
                    env.provider,
                    RunOptions(approver=approve, runs_dir=env.runs_dir),
                    to_region=STANDBY,
                )
            )
        except LockHeldError as refused:
            outcomes.append(refused)

    threads = [threading.Thread(target=run) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    refused = [o for o in outcomes if isinstance(o, LockHeldError)]
    completed = [o for o in outcomes if not isinstance(o, LockHeldError)]
    assert len(refused) == 1, outcomes
    assert len(completed) == 1
    assert completed[0].status == "completed"  # type: ignore[attr-defined]
    assert env.writers() == [(STANDBY, env.names.db_identifier(STANDBY))]
