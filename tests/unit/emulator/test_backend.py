"""The backend seam: the emulator names each capability it cannot perform and why, a data
plane's capabilities stop being gaps, real AWS never reports one, and the target wiring
hands each target its backend."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest
from tests.stubbed import StubbedProvider

from tradedr.config import load_settings
from tradedr.emulator import backend as emulator_backend
from tradedr.emulator.backend import (
    REASONS,
    Capability,
    EmulatorBackend,
    announce,
    announced,
    withdraw,
)
from tradedr.ops.actions import action_for, check_lag
from tradedr.ops.actions.base import ExecutionContext, PreconditionFailedError
from tradedr.ops.backend import AwsBackend, Backend
from tradedr.ops.backend import Capability as OpsCapability
from tradedr.ops.clients import Boto3ClientProvider
from tradedr.ops.executor import Executor
from tradedr.ops.failover import failover_plan
from tradedr.ops.plans import ActionKind, Plan, Step, StepGroup
from tradedr.ops.run import RunOptions, execution_context
from tradedr.ops.target import Target, backend_for

URL = "http://127.0.0.1:1"
REGION = "us-west-2"


@pytest.fixture(autouse=True)
def _no_leftover_announcements() -> None:
    withdraw(URL)


def test_the_contract_names_every_capability_the_data_plane_relies_on() -> None:
    assert Capability is OpsCapability
    assert {c.name for c in Capability} >= {
        "RDS_LAG_METRICS",
        "AURORA_GLOBAL",
        "TRAFFIC",
        "DRAIN",
        "HEALTH",
        "BACKUP_JOBS",
        "TABLE_REPLICAS",
        "ROUTING_CONTROL",
        "TRAFFIC_DIAL",
    }
    assert set(REASONS) == set(Capability)  # every gap has its reason


@pytest.mark.parametrize(
    ("capability", "reason"),
    [
        (Capability.RDS_LAG_METRICS, "the emulator publishes no RDS metrics"),
        (
            Capability.TRAFFIC,
            "the emulator reports every health check healthy and serves no DNS",
        ),
        (Capability.BACKUP_JOBS, "moto has no AWS Backup jobs"),
        (Capability.ROUTING_CONTROL, "the emulator has no Route 53 ARC routing controls"),
        (Capability.TRAFFIC_DIAL, "the emulator has no Global Accelerator traffic dials"),
    ],
)
def test_a_bare_emulator_reports_the_gap_with_its_reason(
    capability: Capability, reason: str
) -> None:
    backend = EmulatorBackend()
    assert not backend.has(capability)
    assert backend.gap(capability, "step X not emulated") == f"step X not emulated: {reason}"


@pytest.mark.parametrize("capability", list(Capability))
def test_aws_never_reports_a_gap(capability: Capability) -> None:
    backend: Backend = AwsBackend()
    assert backend.has(capability)
    assert backend.gap(capability, "anything") is None


def test_what_a_data_plane_adds_stops_being_a_gap_and_nothing_else_does() -> None:
    backend = EmulatorBackend(frozenset({Capability.TRAFFIC, Capability.DRAIN}))
    assert backend.gap(Capability.TRAFFIC, "x") is None
    assert backend.gap(Capability.DRAIN, "x") is None
    assert backend.gap(Capability.RDS_LAG_METRICS, "x") == (
        "x: the emulator publishes no RDS metrics"
    )
    assert backend.capabilities == {Capability.TRAFFIC, Capability.DRAIN}


def test_announcements_for_an_endpoint_count_while_they_last() -> None:
    backend = backend_for("local", URL)  # opened before the data plane started
    other = backend_for("local", "http://127.0.0.1:2")
    assert not backend.has(Capability.RDS_LAG_METRICS)
    with announced(URL, {Capability.RDS_LAG_METRICS}):
        assert backend.has(Capability.RDS_LAG_METRICS)
        assert Target("local", Boto3ClientProvider(), URL).backend.has(Capability.RDS_LAG_METRICS)
        assert not other.has(Capability.RDS_LAG_METRICS)
        announce(URL, {Capability.HEALTH})  # announcements add up
        assert backend.has(Capability.HEALTH)
        assert backend.has(Capability.RDS_LAG_METRICS)
    assert not backend.has(Capability.RDS_LAG_METRICS)
    assert not backend.has(Capability.HEALTH)


def test_the_wiring_picks_each_targets_backend() -> None:
    assert isinstance(backend_for("aws"), AwsBackend)
    assert isinstance(backend_for("local"), EmulatorBackend)
    assert isinstance(Target("aws", Boto3ClientProvider()).backend, AwsBackend)
    assert isinstance(emulator_backend.emulator_backend(URL), EmulatorBackend)
    settings = load_settings({})
    provider = Boto3ClientProvider()
    assert isinstance(ExecutionContext(provider, settings, target="aws").backend, AwsBackend)
    assert isinstance(ExecutionContext(provider, settings).backend, EmulatorBackend)
    given = EmulatorBackend(frozenset({Capability.TRAFFIC}), wait_timeout_seconds=300)
    ctx = execution_context(settings, provider, RunOptions(target="local", backend=given))
    assert ctx.backend is given
    assert (ctx.poll_seconds, ctx.wait_timeout_seconds) == (0.05, 300)  # the backend paces
    aws = execution_context(settings, provider, RunOptions(target="aws"))
    assert (aws.poll_seconds, aws.wait_timeout_seconds) == (10.0, 1800.0)


def test_the_resolver_and_health_probe_of_a_data_plane_are_used() -> None:
    backend = EmulatorBackend(
        frozenset({Capability.TRAFFIC}),
        resolver=lambda name: {f"{name}-addr"},
        http_status=lambda url, **_: 204,
    )
    assert backend.resolve("orders.example.com") == {"orders.example.com-addr"}
    assert backend.http_status("http://alb/health") == 204


ARN = "arn:aws:globalaccelerator::111122223333:accelerator/a/listener/l/endpoint-group/g"


def _dial_plan() -> Plan:
    step = Step(
        id=f"dial-to-{REGION}",
        action=ActionKind.SET_TRAFFIC_DIAL,
        region=REGION,
        title=f"Set the Global Accelerator traffic dial of {REGION} to 100%",
        params={"endpoint_group_arn": ARN, "percentage": 100},
    )
    plan = failover_plan(load_settings({}), to_region=REGION)
    return plan.model_copy(update={"groups": [StepGroup(name="only", steps=[step])]})


@pytest.mark.stubbed
def test_the_executor_reports_a_whole_step_gap_without_a_call(tmp_path: Path) -> None:
    """A bare emulator has no Global Accelerator: the dial step is not-emulated, calls
    nothing, and says why in the backend's words."""
    provider = StubbedProvider()
    ctx = ExecutionContext(provider, load_settings({}), backend=EmulatorBackend())
    result = Executor(ctx, runs_dir=tmp_path / "runs").start(_dial_plan())
    [record] = result.records
    assert record.status == "not-emulated"
    assert record.detail == (
        "set-traffic-dial not emulated: the emulator has no Global Accelerator traffic dials"
    )
    assert provider.asked == []


@pytest.mark.stubbed
def test_with_the_capability_the_same_step_really_runs(tmp_path: Path) -> None:
    provider = StubbedProvider()
    ga = provider.stub("globalaccelerator", "us-west-2")
    ga.add_response(
        "describe_endpoint_group",
        {"EndpointGroup": {"EndpointGroupArn": ARN, "TrafficDialPercentage": 0.0}},
        {"EndpointGroupArn": ARN},
    )
    ga.add_response(
        "update_endpoint_group",
        {"EndpointGroup": {"EndpointGroupArn": ARN, "TrafficDialPercentage": 100.0}},
        {"EndpointGroupArn": ARN, "TrafficDialPercentage": 100.0},
    )
    backend = EmulatorBackend(frozenset({Capability.TRAFFIC_DIAL}))
    ctx = ExecutionContext(provider, load_settings({}), backend=backend)
    result = Executor(ctx, runs_dir=tmp_path / "runs").start(_dial_plan())
    [record] = result.records
    assert (record.status, record.detail) == (
        "executed",
        f"traffic dial of {REGION} set to 100%",
    )
    provider.assert_done()


START = datetime(2026, 3, 2, 12, 0, 30, tzinfo=UTC)


@pytest.mark.stubbed
def test_with_published_lag_an_empty_window_is_refused_as_on_aws(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """A data plane that publishes ReplicaLag makes check-lag judge like AWS: no datapoint
    is an unknown lag, refused, never "not-emulated"."""
    monkeypatch.setattr(check_lag, "wall_clock", lambda: START)
    settings = load_settings({})
    step = failover_plan(settings, to_region=REGION).step(f"check-lag-{REGION}")
    identifier = step.params["db_identifier"]
    provider = StubbedProvider()
    provider.stub("rds", REGION).add_response(
        "describe_db_instances",
        {
            "DBInstances": [
                {
                    "DBInstanceIdentifier": identifier,
                    "DBInstanceStatus": "available",
                    "ReadReplicaSourceDBInstanceIdentifier": "arn:aws:rds:us-east-1:1:db:p",
                }
            ]
        },
    )
    provider.stub("cloudwatch", REGION).add_response(
        "get_metric_statistics", {"Label": "ReplicaLag", "Datapoints": []}
    )
    ctx = ExecutionContext(
        provider,
        settings,
        backend=EmulatorBackend(frozenset({Capability.RDS_LAG_METRICS})),
        sleep=lambda _s: None,
    )
    with pytest.raises(PreconditionFailedError, match="is unknown"):
        action_for(step).run(ctx, step)
    provider.assert_done()
