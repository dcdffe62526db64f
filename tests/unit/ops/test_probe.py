"""The region-loss probe: one blip never means loss, two signals are needed, and a refusal
of the credentials is never loss (issue: failover safety 3). Route 53 and Global
Accelerator are real-AWS-only views: tested with botocore's Stubber."""

from __future__ import annotations

from typing import Any

import boto3
import pytest
from botocore.exceptions import NoCredentialsError
from botocore.stub import Stubber
from tests.unit.ops.moto_env import Environment

from tradedr.config import Settings, load_settings
from tradedr.errors import AwsOperationError
from tradedr.ops.actions.base import PreconditionFailedError
from tradedr.ops.failover import failover
from tradedr.ops.faults import Fault, FaultInjectingProvider, make_error
from tradedr.ops.plans import ActionKind, TrafficMode
from tradedr.ops.probe import ProbeWindow, api_signal, probe_primary, routing_health
from tradedr.ops.run import RunOptions

PRIMARY, STANDBY = "us-east-1", "us-west-2"


class FakeClock:
    def __init__(self) -> None:
        self.now = 0.0
        self.slept: list[float] = []

    def clock(self) -> float:
        return self.now

    def sleep(self, seconds: float) -> None:
        self.slept.append(seconds)
        self.now += seconds


def window(clock: FakeClock, seconds: float = 20.0) -> ProbeWindow:
    return ProbeWindow(seconds=seconds, sleep=clock.sleep, clock=clock.clock)


class Rds:
    """An RDS client whose describe call raises the given errors in turn, then answers."""

    def __init__(self, errors: list[Exception]) -> None:
        self.errors = list(errors)
        self.calls = 0

    def describe_db_instances(self, **_: Any) -> dict[str, Any]:
        self.calls += 1
        if self.errors:
            raise self.errors.pop(0)
        return {"DBInstances": []}


class Provider:
    def __init__(self, clients: dict[str, Any]) -> None:
        self.clients = clients

    def client(self, service: str, region: str) -> Any:
        return self.clients[service]


def timeout() -> Exception:
    return make_error("timeout", "rds", PRIMARY, "DescribeDBInstances")


@pytest.mark.parametrize(
    ("errors", "answers", "attempts"),
    [
        ([], True, 1),
        ([timeout()], True, 2),
        ([timeout(), make_error("5xx", "rds", PRIMARY, "DescribeDBInstances")], True, 3),
        ([make_error("throttle", "rds", PRIMARY, "DescribeDBInstances")], True, 1),
        ([timeout()] * 50, False, 7),  # 0.5+1+2+4+5+5 s of backoff fit in the 20 s window
    ],
)
def test_api_signal_retries_over_its_window(
    errors: list[Exception], answers: bool, attempts: int
) -> None:
    clock = FakeClock()
    rds = Rds(errors)
    reachable, detail = api_signal(Provider({"rds": rds}), PRIMARY, window(clock))
    assert reachable is answers
    assert rds.calls == attempts
    assert clock.now <= 20.0
    if not answers:
        assert "unreachable for 20 s" in detail


@pytest.mark.parametrize(
    ("error", "words"),
    [
        (make_error("access-denied", "rds", PRIMARY, "DescribeDBInstances"), "AccessDenied"),
        (make_error("validation", "rds", PRIMARY, "DescribeDBInstances"), "ValidationError"),
        (NoCredentialsError(), "NoCredentialsError"),
    ],
)
def test_refusals_and_missing_credentials_are_never_region_loss(
    error: Exception, words: str
) -> None:
    with pytest.raises(AwsOperationError, match=words) as raised:
        api_signal(Provider({"rds": Rds([error])}), PRIMARY, window(FakeClock()))
    assert raised.value.exit_code == 3
    assert "not region loss" in raised.value.message
    assert "\n" not in raised.value.message


def route53_with(observations: list[str] | None, *, host: str) -> Any:
    client = boto3.client(
        "route53", region_name="us-east-1", aws_access_key_id="x", aws_secret_access_key="x"
    )
    stub = Stubber(client)
    stub.add_response(
        "list_health_checks",
        {
            "HealthChecks": [
                {
                    "Id": "hc-primary",
                    "CallerReference": "r",
                    "HealthCheckConfig": {
                        "Type": "HTTP",
                        "FullyQualifiedDomainName": host,
                        "ResourcePath": "/health",
                    },
                    "HealthCheckVersion": 1,
                }
            ],
            "IsTruncated": False,
            "Marker": "",
            "MaxItems": "100",
        },
        {"MaxItems": "100"},
    )
    if observations is not None:
        stub.add_response(
            "get_health_check_status",
            {
                "HealthCheckObservations": [
                    {"Region": "us-east-1", "StatusReport": {"Status": status}}
                    for status in observations
                ]
            },
            {"HealthCheckId": "hc-primary"},
        )
    stub.activate()
    return client


def settings() -> Settings:
    return load_settings({})


PRIMARY_ALB = "trading-prod-use1-1234567890.us-east-1.elb.amazonaws.com"
OK = "Success: HTTP Status Code 200"
DOWN = "Failure: Connection timed out"


@pytest.mark.parametrize(
    ("observations", "host", "health"),
    [
        ([OK] * 8, PRIMARY_ALB, "healthy"),
        ([OK, OK] + [DOWN] * 8, PRIMARY_ALB, "healthy"),  # 20% > Route 53's 18%
        ([OK] + [DOWN] * 9, PRIMARY_ALB, "unhealthy"),
        ([DOWN] * 8, PRIMARY_ALB, "unhealthy"),
        ([], PRIMARY_ALB, "unknown"),
        (None, "other-alb-1.us-east-1.elb.amazonaws.com", "unknown"),
    ],
)
def test_route53_health_view(observations: list[str] | None, host: str, health: str) -> None:
    provider = Provider({"route53": route53_with(observations, host=host)})
    found, detail = routing_health(
        settings(), provider, PRIMARY, TrafficMode.HEALTH_CHECK, emulated=False
    )
    assert found == health, detail


def lost_api() -> Rds:
    return Rds([make_error("connection", "rds", PRIMARY, "DescribeDBInstances")] * 50)


@pytest.mark.parametrize(
    ("observations", "verdict"),
    [
        ([DOWN] * 8, "lost"),  # both signals agree
        ([OK] * 8, "undecided"),  # a partition: the routing still sees the primary
        ([], "undecided"),  # no view at all
    ],
)
def test_loss_needs_two_signals(observations: list[str], verdict: str) -> None:
    provider = Provider(
        {"rds": lost_api(), "route53": route53_with(observations, host=PRIMARY_ALB)}
    )
    result = probe_primary(
        settings(),
        provider,
        PRIMARY,
        traffic_mode=TrafficMode.HEALTH_CHECK,
        emulated=False,
        window=window(FakeClock()),
    )
    assert result.verdict == verdict, result.evidence
    assert result.evidence[0].startswith("API: RDS in us-east-1 unreachable")


def test_emulated_and_arc_views_are_unknown_not_healthy() -> None:
    provider = Provider({})
    assert routing_health(settings(), provider, PRIMARY, TrafficMode.HEALTH_CHECK, emulated=True)[
        0
    ] == ("unknown")
    assert (
        routing_health(settings(), provider, PRIMARY, TrafficMode.ROUTING_CONTROL, emulated=False)[
            0
        ]
        == "unknown"
    )


def test_one_probe_timeout_never_yields_two_writers(env: Environment) -> None:
    """One ReadTimeout on DescribeDBInstances while the plan is built: still planned, the
    primary fenced, one writer at the end."""
    provider = FaultInjectingProvider(env.provider)
    blip = Fault("timeout", service="rds", region=PRIMARY, operation="DescribeDBInstances")
    provider.faults.append(blip)
    result = failover(env.settings, provider, RunOptions(runs_dir=env.runs_dir), to_region=STANDBY)
    assert blip.fired == 1
    assert result.status == "completed", result.message
    assert result.plan.mode == "planned"
    assert any(s.action is ActionKind.FENCE_PRIMARY for s in result.plan.steps())
    assert env.writers() == [(STANDBY, env.names.db_identifier(STANDBY))]
    assert env.capacity(PRIMARY) == 0


def test_an_undecided_probe_refuses_and_names_the_flag(env: Environment) -> None:
    provider = FaultInjectingProvider(env.provider)
    provider.lose_region(PRIMARY)
    with pytest.raises(PreconditionFailedError, match="--assume-region-lost") as refused:
        failover(env.settings, provider, RunOptions(runs_dir=env.runs_dir), to_region=STANDBY)
    assert refused.value.exit_code == 1
    assert not (env.runs_dir).exists() or not any(env.runs_dir.iterdir())
    replica = env.db(STANDBY, env.names.db_identifier(STANDBY))
    assert replica.get("ReadReplicaSourceDBInstanceIdentifier"), "nothing may change"


def test_missing_credentials_stop_the_failover_in_one_line(env: Environment) -> None:
    provider = Provider({"rds": Rds([NoCredentialsError()])})
    with pytest.raises(AwsOperationError, match="NoCredentialsError") as stopped:
        failover(
            env.settings,
            provider,
            RunOptions(target="aws", dry_run=True, runs_dir=env.runs_dir),
            to_region=STANDBY,
        )
    assert stopped.value.exit_code == 3
