"""The executor: journal, resume, dry run, approvals, error classification, backoff, and
the lag precondition (CloudWatch data written into moto)."""

from __future__ import annotations

import json
import random
import stat
from datetime import UTC, datetime, timedelta

import boto3
import pytest
from botocore.exceptions import ClientError, ConnectTimeoutError, EndpointConnectionError
from tests.unit.ops.moto_env import Environment, journal, successful_ends

from tradedr.errors import ConfigError, TradedrError
from tradedr.ops.actions.base import PreconditionFailedError
from tradedr.ops.executor import (
    CorruptStateError,
    Executor,
    RetryPolicy,
    StepParamsError,
    classify,
    line_checksum,
)
from tradedr.ops.failover import failover, failover_plan
from tradedr.ops.faults import make_error
from tradedr.ops.plans import Plan, StepGroup
from tradedr.ops.run import RunOptions, resume, run_plan

STANDBY = "us-west-2"


def client_error(code: str, status: int = 400) -> ClientError:
    return ClientError(
        {"Error": {"Code": code, "Message": "m"}, "ResponseMetadata": {"HTTPStatusCode": status}},
        "Op",
    )


@pytest.mark.parametrize(
    ("error", "verdict", "words"),
    [
        (client_error("Throttling"), "retry", "throttled"),
        (client_error("ThrottlingException"), "retry", "throttled"),
        (client_error("RequestLimitExceeded"), "retry", "throttled"),
        (client_error("TooManyRequestsException", 429), "retry", "throttled"),
        (client_error("InternalFailure", 500), "retry", "server error"),
        (client_error("ServiceUnavailable", 503), "retry", "server error"),
        (client_error("SomethingNew", 502), "retry", "server error"),
        (make_error("timeout", "rds", "us-west-2", "Op"), "retry", "timeout"),
        (ConnectTimeoutError(endpoint_url="https://x"), "retry", "timeout"),
        (EndpointConnectionError(endpoint_url="https://x"), "retry", "unreachable"),
        (client_error("AccessDenied", 403), "stop", "access denied"),
        (client_error("AccessDeniedException", 400), "stop", "access denied"),
        (client_error("UnauthorizedOperation", 403), "stop", "access denied"),
        (client_error("ValidationError"), "stop", "request rejected"),
        (client_error("InvalidParameterCombination"), "stop", "request rejected"),
        (client_error("DBInstanceNotFound", 404), "stop", "request rejected"),
        (PreconditionFailedError("lag too high"), "stop", "lag too high"),
        (ValueError("bug"), "stop", "ValueError"),
    ],
)
def test_classify(error: Exception, verdict: str, words: str) -> None:
    got, reason = classify(error)
    assert got == verdict
    assert words in reason


def test_backoff_grows_exponentially_within_the_cap() -> None:
    policy = RetryPolicy(base_seconds=0.5, cap_seconds=4.0, rng=random.Random(7))
    for attempt in range(1, 10):
        ceiling = min(4.0, 0.5 * 2 ** (attempt - 1))
        delays = [policy.delay(attempt) for _ in range(50)]
        assert all(0 <= d <= ceiling for d in delays)
    assert max(policy.delay(8) for _ in range(200)) > 2.0  # jitter spans the range


def test_dry_run_changes_nothing_and_writes_no_journal(env: Environment) -> None:
    before = (env.capacity(STANDBY), env.writers())
    result = failover(
        env.settings,
        env.provider,
        RunOptions(dry_run=True, runs_dir=env.runs_dir),
        to_region=STANDBY,
    )
    assert result.status == "dry-run"
    assert not env.runs_dir.exists()
    statuses = {r.step_id: r.status for r in result.records}
    assert statuses["check-lag-us-west-2"] == "not-emulated"  # read-only: really ran
    assert statuses["promote-us-west-2"] == "dry-run"
    assert statuses["verify-us-west-2"] == "dry-run"  # a post-condition: not checked early
    assert result.exit_code == 0
    assert (env.capacity(STANDBY), env.writers()) == before


def test_journal_records_every_step_with_request_ids(env: Environment) -> None:
    result = failover(
        env.settings, env.provider, RunOptions(runs_dir=env.runs_dir), to_region=STANDBY
    )
    assert result.status == "completed"
    events = journal(env.runs_dir, result.run_id)
    assert events[0]["event"] == "run-start"
    assert events[0]["target"] == "local"  # so `rto --measured` never takes emulator timings
    assert events[-1] == {**events[-1], "event": "run-end", "status": "completed"}
    ends = {e["step"]: e for e in events if e["event"] == "step-end"}
    assert set(ends) == {s.id for s in result.plan.steps()}
    promote = ends["promote-us-west-2"]
    assert promote["outcome"] == "executed"
    assert promote["end"] >= promote["start"]
    assert promote["request_ids"]
    assert "rds:us-west-2:PromoteReadReplica" in promote["calls"]
    assert (env.runs_dir / result.run_id / "plan.json").is_file()


def test_declined_approval_stops_then_resume_reruns_the_lag_guard_and_continues(
    env: Environment,
) -> None:
    first = failover(
        env.settings,
        env.provider,
        RunOptions(runs_dir=env.runs_dir, approver=lambda _prompt: False),
        to_region=STANDBY,
    )
    assert first.status == "stopped"
    assert "not approved" in first.message
    assert first.exit_code == 1
    assert env.writers() == [("us-east-1", env.names.db_identifier("us-east-1"))]
    second = resume(
        first.run_id, env.settings, env.provider, RunOptions(target="local", runs_dir=env.runs_dir)
    )
    assert second.status == "completed"
    events = journal(env.runs_dir, first.run_id)
    # The lag check guards the promotion still to come: only this resumption's result counts.
    assert successful_ends(events) == {
        s.id: 2 if s.id == "check-lag-us-west-2" else 1 for s in first.plan.steps()
    }
    lag_checks = [
        e for e in events if e["event"] == "step-start" and e["step"] == "check-lag-us-west-2"
    ]
    assert len(lag_checks) == 2


def test_resuming_a_completed_run_runs_nothing(env: Environment) -> None:
    first = failover(
        env.settings, env.provider, RunOptions(runs_dir=env.runs_dir), to_region=STANDBY
    )
    again = resume(
        first.run_id, env.settings, env.provider, RunOptions(target="local", runs_dir=env.runs_dir)
    )
    assert again.status == "completed"
    assert all(r.previous_run for r in again.records)
    starts = [e for e in journal(env.runs_dir, first.run_id) if e["event"] == "step-start"]
    assert len(starts) == len(list(first.plan.steps()))


def test_unknown_run_id_names_the_known_runs(env: Environment) -> None:
    done = failover(
        env.settings, env.provider, RunOptions(runs_dir=env.runs_dir), to_region=STANDBY
    )
    with pytest.raises(TradedrError, match=done.run_id):
        resume(
            "failover-nope",
            env.settings,
            env.provider,
            RunOptions(target="local", runs_dir=env.runs_dir),
        )


def test_resume_refuses_a_run_of_another_environment(env: Environment) -> None:
    from tradedr.config import load_settings

    done = failover(
        env.settings, env.provider, RunOptions(runs_dir=env.runs_dir), to_region=STANDBY
    )
    with pytest.raises(TradedrError, match="belongs to"):
        resume(
            done.run_id,
            load_settings({"environment": "other"}),
            env.provider,
            RunOptions(target="local", runs_dir=env.runs_dir),
        )


def lag_only(env: Environment, **kwargs: object) -> Plan:
    plan = failover_plan(env.settings, to_region=STANDBY, **kwargs)  # type: ignore[arg-type]
    return plan.model_copy(
        update={
            "groups": [StepGroup(name="preconditions", steps=[plan.step("check-lag-us-west-2")])]
        }
    )


def put_lag(env: Environment, seconds: float) -> None:
    boto3.client("cloudwatch", region_name=STANDBY).put_metric_data(
        Namespace="AWS/RDS",
        MetricData=[
            {
                "MetricName": "ReplicaLag",
                "Dimensions": [
                    {"Name": "DBInstanceIdentifier", "Value": env.names.db_identifier(STANDBY)}
                ],
                "Timestamp": datetime.now(UTC) - timedelta(seconds=30),
                "Value": seconds,
                "Unit": "Seconds",
            }
        ],
    )


@pytest.mark.parametrize(
    ("lag", "target", "allow", "status", "words"),
    [
        (5.0, "local", False, "completed", "within the RPO"),
        (5.0, "aws", False, "completed", "within the RPO"),
        (120.0, "local", False, "stopped", "above the RPO target of 60 s"),
        (120.0, "aws", True, "completed", "accepted by --allow-data-loss"),
        (None, "local", False, "completed", "not emulated"),
        (None, "aws", False, "stopped", "never treated as within the RPO"),
        (None, "aws", True, "completed", "--allow-data-loss"),
        (-1.0, "aws", False, "stopped", "unknown"),  # RDS reports -1 when replication broke
    ],
)
def test_lag_precondition(
    env: Environment, lag: float | None, target: str, allow: bool, status: str, words: str
) -> None:
    if lag is not None:
        put_lag(env, lag)
    result = run_plan(
        lag_only(env, allow_data_loss=allow),
        env.settings,
        env.provider,
        RunOptions(target=target, runs_dir=env.runs_dir),
    )  # type: ignore[arg-type]
    assert result.status == status
    record = result.record("check-lag-us-west-2")
    assert record is not None
    assert words in (record.detail + result.message)


def test_parallel_group_steps_all_run_and_are_journaled(env: Environment) -> None:
    plan = failover_plan(env.settings, to_region=STANDBY)
    group = next(g for g in plan.groups if len(g.steps) > 1)
    result = failover(
        env.settings, env.provider, RunOptions(runs_dir=env.runs_dir), to_region=STANDBY
    )
    ends = {e["step"] for e in journal(env.runs_dir, result.run_id) if e["event"] == "step-end"}
    assert {s.id for s in group.steps} <= ends


def test_executor_refuses_to_reuse_a_run_id(env: Environment) -> None:
    from tradedr.ops.actions.base import ExecutionContext

    plan = failover_plan(env.settings, to_region=STANDBY)
    executor = Executor(ExecutionContext(env.provider, env.settings), runs_dir=env.runs_dir)
    executor.start(plan, run_id="fixed")
    with pytest.raises(FileExistsError):
        executor.start(plan, run_id="fixed")


# Journal and plan files: checksums, torn lines, atomic plans, private modes ----------------


def stopped_run(env: Environment) -> str:
    first = failover(
        env.settings,
        env.provider,
        RunOptions(runs_dir=env.runs_dir, approver=lambda _prompt: False),
        to_region=STANDBY,
    )
    assert first.status == "stopped"
    return first.run_id


def test_a_torn_last_journal_line_is_dropped_with_a_warning_and_the_run_resumes(
    env: Environment,
) -> None:
    run_id = stopped_run(env)
    path = env.runs_dir / run_id / "journal.jsonl"
    text = path.read_text(encoding="utf-8")
    path.write_text(text[: len(text) - 25], encoding="utf-8")  # a crash mid-write
    resumed = resume(
        run_id, env.settings, env.provider, RunOptions(target="local", runs_dir=env.runs_dir)
    )
    assert resumed.status == "completed", resumed.message
    assert any("torn last line dropped" in w for w in resumed.warnings)
    assert env.writers() == [(STANDBY, env.names.db_identifier(STANDBY))]


@pytest.mark.parametrize(
    ("damage", "line", "words"),
    [
        ("middle-not-json", 2, "not JSON"),
        ("middle-edited", 2, "checksum mismatch"),
        ("end-without-start", 3, "step-end of check-lag-us-west-2 with no step-start before it"),
        ("unknown-event", 2, "unknown event 'surprise'"),
    ],
)
def test_a_damaged_journal_is_refused_naming_file_and_line(
    env: Environment, damage: str, line: int, words: str
) -> None:
    run_id = stopped_run(env)
    path = env.runs_dir / run_id / "journal.jsonl"
    lines = path.read_text(encoding="utf-8").splitlines()
    if damage == "middle-not-json":
        lines[1] = lines[1][:10]
    elif damage == "middle-edited":
        lines[1] = (
            lines[1]
            .replace('"step-start"', '"step-start" ', 1)
            .replace('"attempt": 1', '"attempt": 2')
        )
    elif damage == "end-without-start":
        event = json.loads(lines[2])
        assert event["event"] == "step-end"
        lines[1] = lines[1].replace(event["step"], "some-other-step")
        lines[1] = json.dumps({k: v for k, v in json.loads(lines[1]).items() if k != "sum"})
    else:
        lines.insert(1, json.dumps({"event": "surprise", "time": 1}))
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    with pytest.raises(CorruptStateError, match=words) as refused:
        resume(
            run_id, env.settings, env.provider, RunOptions(target="local", runs_dir=env.runs_dir)
        )
    assert refused.value.exit_code == 2
    assert f"{path}:{line}:" in refused.value.message
    assert "\n" not in refused.value.message


def test_a_truncated_plan_is_refused_in_one_line(env: Environment) -> None:
    run_id = stopped_run(env)
    plan_path = env.runs_dir / run_id / "plan.json"
    plan_path.write_text(plan_path.read_text(encoding="utf-8")[:200], encoding="utf-8")
    with pytest.raises(CorruptStateError, match="not a readable plan") as refused:
        resume(
            run_id, env.settings, env.provider, RunOptions(target="local", runs_dir=env.runs_dir)
        )
    assert str(plan_path) in refused.value.message
    assert "\n" not in refused.value.message


@pytest.mark.parametrize(
    ("step_id", "field", "value", "problem"),
    [
        (
            "check-lag-us-west-2",
            "max_lag_seconds",
            "soon",
            "params.max_lag_seconds: Input should be a valid integer, unable to parse string as "
            "an integer",
        ),
        (
            "promote-us-west-2",
            "db_identifier",
            None,
            "params.db_identifier: Input should be a valid string",
        ),
        ("scale-us-west-2", "surprise", 1, "params.surprise: Extra inputs are not permitted"),
    ],
)
def test_a_journal_whose_step_params_fail_their_model_is_refused_in_one_line(
    env: Environment, step_id: str, field: str, value: object, problem: str
) -> None:
    """The plan a run journalled is validated on resume: an edited or corrupted parameter
    stops the resume (exit 2) before any step runs, naming the step and the field."""
    run_id = stopped_run(env)
    plan_path = env.runs_dir / run_id / "plan.json"
    saved = json.loads(plan_path.read_text(encoding="utf-8"))
    [step] = [s for g in saved["groups"] for s in g["steps"] if s["id"] == step_id]
    step["params"][field] = value
    plan_path.write_text(json.dumps(saved, indent=2), encoding="utf-8")
    journal_before = (env.runs_dir / run_id / "journal.jsonl").read_text(encoding="utf-8")
    with pytest.raises(StepParamsError) as refused:
        resume(
            run_id, env.settings, env.provider, RunOptions(target="local", runs_dir=env.runs_dir)
        )
    assert refused.value.exit_code == 2
    action = step["action"]
    assert refused.value.message == (
        f"{plan_path}: step {step_id} ({action}): {problem}; the run cannot be resumed, start "
        "a new one"
    )
    assert journal_before == (env.runs_dir / run_id / "journal.jsonl").read_text(encoding="utf-8")
    assert env.writers() == [(env.settings.primary_region, env.names.db_identifier("us-east-1"))]


@pytest.mark.parametrize("run_id", ["nope", "../../etc", "failover-20261204T000000Z-abcd"])
def test_resume_of_an_unknown_run_is_bad_input(env: Environment, run_id: str) -> None:
    with pytest.raises(ConfigError, match="no such run") as refused:
        resume(
            run_id, env.settings, env.provider, RunOptions(target="local", runs_dir=env.runs_dir)
        )
    assert refused.value.exit_code == 2


def test_runs_are_private(env: Environment) -> None:
    run_id = stopped_run(env)
    directory = env.runs_dir / run_id
    assert stat.S_IMODE(env.runs_dir.stat().st_mode) == 0o700
    assert stat.S_IMODE(directory.stat().st_mode) == 0o700
    for name in ("plan.json", "journal.jsonl"):
        assert stat.S_IMODE((directory / name).stat().st_mode) == 0o600
    assert not list(directory.glob(".*.tmp")), "an atomic write left its temporary file"


def test_every_journal_line_carries_its_checksum(env: Environment) -> None:
    run_id = stopped_run(env)
    raw = (env.runs_dir / run_id / "journal.jsonl").read_text(encoding="utf-8").splitlines()
    for line in raw:
        event = json.loads(line)
        checksum = event.pop("sum")
        assert checksum == line_checksum(event)
