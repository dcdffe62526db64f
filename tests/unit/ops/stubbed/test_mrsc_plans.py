"""dynamodb-mrsc plans end to end through the executor against botocore's Stubber (the real
dynamodb, globalaccelerator, ssm, autoscaling and elbv2 models): failover is the orders
table's check from a survivor, the lost region's dial to 0 and every survivor confirmed;
failback is the home region's health and table replica, then its dial to 100. On the
emulator the MRSC check is not-emulated, never executed."""

from __future__ import annotations

import tomllib
from pathlib import Path
from typing import Any

import pytest
from tests.conftest import MRSC_EXAMPLE
from tests.stubbed import StubbedProvider

from tradedr.config import Settings, load_settings
from tradedr.names import Names
from tradedr.ops.actions.base import ExecutionContext
from tradedr.ops.backend import AwsBackend
from tradedr.ops.executor import Executor, RetryPolicy, RunResult
from tradedr.ops.failback import failback_plan
from tradedr.ops.failover import failover_plan
from tradedr.ops.plans import Plan, TrafficMode

pytestmark = pytest.mark.stubbed

ACCOUNT = "111122223333"
GROUP = f"arn:aws:globalaccelerator::{ACCOUNT}:accelerator/a/listener/l/endpoint-group/"
TG = "arn:aws:elasticloadbalancing:{r}:111122223333:targetgroup/trading-mrsc-tg/0123456789abcdef"
REGIONS = ["us-east-1", "us-east-2", "us-west-2"]


class ProbedBackend(AwsBackend):
    """AWS, with the ALB's deep /health answered by the test instead of the network."""

    def __init__(self) -> None:
        self.probed: list[str] = []

    def http_status(self, url: str, *, verify_tls: bool = True, timeout: float = 10) -> int:
        self.probed.append(url)
        return 200


@pytest.fixture(scope="module")
def settings() -> Settings:
    return load_settings(tomllib.loads(MRSC_EXAMPLE.read_text(encoding="utf-8")))


def traffic_to(region: str) -> dict[str, Any]:
    return {
        "endpoint_group_arn": f"{GROUP}{region}",
        "other_endpoint_groups": {r: f"{GROUP}{r}" for r in REGIONS if r != region},
    }


def table(status: dict[str, str], mode: str = "STRONG") -> dict[str, Any]:
    return {
        "Table": {
            "TableName": "trading-mrsc-orders-mrsc",
            "TableStatus": "ACTIVE",
            "MultiRegionConsistency": mode,
            "Replicas": [{"RegionName": r, "ReplicaStatus": s} for r, s in status.items()],
        }
    }


def stub_check(provider: StubbedProvider, region: str, response: dict[str, Any]) -> None:
    provider.stub("dynamodb", region).add_response(
        "describe_table", response, {"TableName": "trading-mrsc-orders-mrsc"}
    )


def stub_dial(provider: StubbedProvider, region: str, before: float, after: float) -> None:
    ga = provider.stub("globalaccelerator", "us-west-2")
    arn = f"{GROUP}{region}"
    ga.add_response(
        "describe_endpoint_group",
        {"EndpointGroup": {"EndpointGroupArn": arn, "TrafficDialPercentage": before}},
        {"EndpointGroupArn": arn},
    )
    ga.add_response(
        "update_endpoint_group",
        {"EndpointGroup": {"EndpointGroupArn": arn, "TrafficDialPercentage": after}},
        {"EndpointGroupArn": arn, "TrafficDialPercentage": after},
    )


def stub_verify(provider: StubbedProvider, settings: Settings, region: str) -> None:
    names = Names(settings)
    stub_check(provider, region, table({}))
    provider.stub("ssm", region).add_response(
        "get_parameter",
        {"Parameter": {"Name": names.db_endpoint_parameter, "Value": names.orders_table}},
        {"Name": names.db_endpoint_parameter},
    )
    provider.stub("autoscaling", region).add_response(
        "describe_auto_scaling_groups",
        {
            "AutoScalingGroups": [
                {
                    "AutoScalingGroupName": names.asg(region),
                    "MinSize": 2,
                    "MaxSize": 6,
                    "DesiredCapacity": 2,
                    "DefaultCooldown": 300,
                    "AvailabilityZones": [f"{region}a"],
                    "HealthCheckType": "ELB",
                    "CreatedTime": "2026-01-01T00:00:00Z",
                    "Instances": [
                        {
                            "InstanceId": f"i-0{n}",
                            "AvailabilityZone": f"{region}a",
                            "LifecycleState": "InService",
                            "HealthStatus": "Healthy",
                            "ProtectedFromScaleIn": False,
                        }
                        for n in range(2)
                    ],
                }
            ]
        },
        {"AutoScalingGroupNames": [names.asg(region)]},
    )
    elbv2 = provider.stub("elbv2", region)
    arn = TG.format(r=region)
    elbv2.add_response(
        "describe_target_groups",
        {"TargetGroups": [{"TargetGroupArn": arn}]},
        {"Names": [names.target_group(region)]},
    )
    elbv2.add_response(
        "describe_target_health",
        {
            "TargetHealthDescriptions": [
                {"Target": {"Id": f"i-0{n}"}, "TargetHealth": {"State": "healthy"}}
                for n in range(2)
            ]
        },
        {"TargetGroupArn": arn},
    )
    elbv2.add_response(
        "describe_load_balancers",
        {"LoadBalancers": [{"DNSName": f"{names.alb(region)}.{region}.elb.amazonaws.com"}]},
        {"Names": [names.alb(region)]},
    )


def run(plan: Plan, provider: StubbedProvider, settings: Settings, tmp_path: Path) -> RunResult:
    backend = ProbedBackend()
    ctx = ExecutionContext(
        provider, settings, target="aws", sleep=lambda _s: None, poll_seconds=0, backend=backend
    )
    return Executor(ctx, runs_dir=tmp_path / "runs", retry=RetryPolicy(max_attempts=1)).start(plan)


def statuses(result: RunResult) -> dict[str, str]:
    return {r.step_id: r.status for r in result.records}


def stopped_with(result: RunResult, text: str) -> None:
    assert result.status == "stopped"
    assert result.exit_code == 1  # a precondition, not an AWS failure
    assert text in result.message, result.message


@pytest.mark.parametrize("mode", ["planned", "unplanned"])
def test_failover_is_dial_zero_and_confirm(settings: Settings, tmp_path: Path, mode: str) -> None:
    provider = StubbedProvider()
    plan = failover_plan(
        settings,
        to_region="us-east-2",
        mode=mode,  # type: ignore[arg-type]
        approval=False,
        traffic_mode=TrafficMode.TRAFFIC_DIAL,
        traffic=traffic_to("us-east-2"),
    )
    stub_check(
        provider,
        "us-east-2",
        table({"us-east-1": "INACCESSIBLE_ENCRYPTION_CREDENTIALS", "us-west-2": "ACTIVE"}),
    )
    stub_dial(provider, "us-east-1", 100.0, 0.0)
    for region in ("us-east-2", "us-west-2"):
        stub_verify(provider, settings, region)
    result = run(plan, provider, settings, tmp_path)
    provider.assert_done()
    assert statuses(result) == {
        "check-orders-replicas-us-east-2": "executed",
        "dial-down-us-east-1": "executed",
        "verify-us-east-2": "executed",
        "verify-us-west-2": "executed",
    }
    # nothing in the lost region was asked, and nothing promotes
    assert not [a for a in provider.asked if a[1] == "us-east-1"]
    assert {service for service, _ in provider.asked} == {
        "dynamodb",
        "globalaccelerator",
        "ssm",
        "autoscaling",
        "elbv2",
    }


def test_failover_stops_when_a_survivor_replica_is_not_active(
    settings: Settings, tmp_path: Path
) -> None:
    provider = StubbedProvider()
    plan = failover_plan(
        settings,
        to_region="us-east-2",
        approval=False,
        traffic_mode=TrafficMode.TRAFFIC_DIAL,
        traffic=traffic_to("us-east-2"),
    )
    stub_check(provider, "us-east-2", table({"us-east-1": "ACTIVE", "us-west-2": "UPDATING"}))
    stopped_with(run(plan, provider, settings, tmp_path), "replicas not ACTIVE: us-west-2 UPDATING")
    assert ("globalaccelerator", "us-west-2") not in provider.asked  # no dial moved


def test_an_eventually_consistent_table_is_refused(settings: Settings, tmp_path: Path) -> None:
    provider = StubbedProvider()
    plan = failover_plan(
        settings,
        to_region="us-east-2",
        approval=False,
        traffic_mode=TrafficMode.TRAFFIC_DIAL,
        traffic=traffic_to("us-east-2"),
    )
    stub_check(provider, "us-east-2", table({"us-west-2": "ACTIVE"}, mode="EVENTUAL"))
    stopped_with(run(plan, provider, settings, tmp_path), "is EVENTUAL, not STRONG")


def test_failback_confirms_health_and_the_replica_before_dial_100(
    settings: Settings, tmp_path: Path
) -> None:
    provider = StubbedProvider()
    plan = failback_plan(
        settings,
        current_region="us-east-2",
        home_region="us-east-1",
        approval=False,
        traffic_mode=TrafficMode.TRAFFIC_DIAL,
        traffic=traffic_to("us-east-1"),
    )
    stub_verify(provider, settings, "us-east-1")
    stub_check(provider, "us-east-1", table({"us-east-2": "ACTIVE", "us-west-2": "ACTIVE"}))
    stub_dial(provider, "us-east-1", 0.0, 100.0)
    stub_verify(provider, settings, "us-east-1")
    result = run(plan, provider, settings, tmp_path)
    provider.assert_done()
    assert [r.step_id for r in result.records] == [
        "verify-us-east-1-before",
        "check-orders-replicas-us-east-1",
        "dial-up-us-east-1",
        "verify-us-east-1",
    ]
    assert set(statuses(result).values()) == {"executed"}


def test_failback_waits_for_a_rejoining_replica(settings: Settings, tmp_path: Path) -> None:
    provider = StubbedProvider()
    plan = failback_plan(
        settings,
        current_region="us-east-2",
        home_region="us-east-1",
        approval=False,
        traffic_mode=TrafficMode.TRAFFIC_DIAL,
        traffic=traffic_to("us-east-1"),
    )
    stub_verify(provider, settings, "us-east-1")
    stub_check(provider, "us-east-1", table({"us-east-2": "ACTIVE", "us-west-2": "CREATING"}))
    stopped_with(run(plan, provider, settings, tmp_path), "us-west-2 CREATING")
    assert ("globalaccelerator", "us-west-2") not in provider.asked  # no dial moved
