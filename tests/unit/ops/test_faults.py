"""ops/faults.py: the fault-injecting provider (region loss, global control planes,
targeted faults), then faults injected into single plan steps: each recovers by retry or
stops with a clear message, and --resume then completes the plan with no completed step
repeated and exactly one orders-DB writer left."""

from __future__ import annotations

from dataclasses import dataclass

import boto3
import pytest
from botocore.exceptions import ClientError, EndpointConnectionError, ReadTimeoutError
from moto import mock_aws
from tests.unit.ops.moto_env import Environment, journal, successful_ends

from tradedr.ops.clients import Boto3ClientProvider
from tradedr.ops.executor import RetryPolicy
from tradedr.ops.failback import failback
from tradedr.ops.failover import failover
from tradedr.ops.faults import Fault, FaultInjectingProvider, FaultKind, make_error
from tradedr.ops.resume import steps_to_rerun
from tradedr.ops.run import RunOptions


@pytest.fixture
def provider():
    with mock_aws():
        yield FaultInjectingProvider(Boto3ClientProvider())


@pytest.mark.parametrize(
    ("lost", "service", "region", "fails"),
    [
        ("us-east-1", "rds", "us-east-1", True),
        ("us-east-1", "rds", "us-west-2", False),
        ("us-east-1", "route53", "us-west-2", True),  # Route 53's control plane is us-east-1
        ("us-east-1", "iam", "eu-west-1", True),
        ("us-west-2", "route53", "us-west-2", True),  # the client's own region is lost
        ("us-west-2", "route53", "eu-west-1", False),
        ("us-west-2", "globalaccelerator", "eu-west-1", True),
        ("eu-west-1", "ssm", "us-east-1", False),
    ],
)
def test_region_loss(provider, lost: str, service: str, region: str, fails: bool) -> None:
    provider.lose_region(lost)
    assert provider.unreachable(service, region) is fails


def test_lost_region_calls_raise_connection_errors_until_restored(provider) -> None:
    provider.lose_region("us-east-1")
    with pytest.raises(EndpointConnectionError):
        provider.client("ssm", "us-east-1").describe_parameters()
    with pytest.raises(EndpointConnectionError):
        provider.client("route53", "us-west-2").list_hosted_zones()
    provider.client("ssm", "us-west-2").describe_parameters()  # other regions answer
    provider.restore_region()
    provider.client("ssm", "us-east-1").describe_parameters()
    assert [entry[0] for entry in provider.log.injected] == ["connection", "connection"]


def test_fault_fires_the_given_number_of_times(provider) -> None:
    provider.faults.append(
        Fault("throttle", service="ssm", operation="DescribeParameters", times=2)
    )
    ssm = provider.client("ssm", "us-west-2")
    for _ in range(2):
        with pytest.raises(ClientError, match="Throttling"):
            ssm.describe_parameters()
    ssm.describe_parameters()
    assert provider.faults[0].fired == 2


def test_fault_aimed_at_a_step_fires_only_inside_it(provider) -> None:
    provider.faults.append(
        Fault("access-denied", operation="DescribeParameters", step="mine", times=None)
    )
    ssm = provider.client("ssm", "us-west-2")
    ssm.describe_parameters()
    provider.set_step("mine")
    with pytest.raises(ClientError, match="AccessDenied"):
        ssm.describe_parameters()
    provider.set_step("other")
    ssm.describe_parameters()


def test_non_api_attributes_pass_through(provider) -> None:
    client = provider.client("rds", "us-west-2")
    assert client.meta.region_name == "us-west-2"
    assert client.can_paginate("describe_db_instances")


@pytest.mark.parametrize(
    ("kind", "expected", "code", "status"),
    [
        ("throttle", ClientError, "Throttling", 400),
        ("5xx", ClientError, "ServiceUnavailable", 503),
        ("access-denied", ClientError, "AccessDenied", 403),
        ("validation", ClientError, "ValidationError", 400),
        ("timeout", ReadTimeoutError, None, None),
        ("connection", EndpointConnectionError, None, None),
    ],
)
def test_made_errors_look_like_botocore_ones(kind, expected, code, status) -> None:
    error = make_error(kind, "rds", "us-east-1", "PromoteReadReplica")
    assert isinstance(error, expected)
    if code:
        assert error.response["Error"]["Code"] == code
        assert error.response["ResponseMetadata"]["HTTPStatusCode"] == status
        assert error.operation_name == "PromoteReadReplica"


def test_wrapped_clients_still_reach_moto(provider) -> None:
    provider.client("ssm", "us-west-2").put_parameter(Name="/x", Value="1", Type="String")
    got = boto3.client("ssm", region_name="us-west-2").get_parameter(Name="/x")
    assert got["Parameter"]["Value"] == "1"


# --- faults injected into plan runs, then --resume ------------------------------------

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
