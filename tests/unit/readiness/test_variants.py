"""The readiness checks' other shapes, against Stubber: the Aurora global secondary (lag in
milliseconds), Global Accelerator endpoint health, a pilot-light standby whose health check
is expected down, and backup-restore, which has no replica or standby app to check."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from tests.stubbed import StubbedProvider
from tests.unit.readiness import stubs
from tradedr.config import Settings, load_settings
from tradedr.names import Names
from tradedr.readiness.checks.capacity import InstanceCapacityCheck
from tradedr.readiness.checks.replica import ReplicaCheck
from tradedr.readiness.checks.routing_health import RoutingHealthCheck
from tradedr.readiness.model import ReadinessContext, Status
from tradedr.readiness.service import facts_for

pytestmark = pytest.mark.stubbed

P, S, NOW = stubs.P, stubs.S, stubs.NOW


def context(settings: Settings, provider: StubbedProvider) -> ReadinessContext:
    facts = facts_for(settings, S)
    return ReadinessContext(facts, provider, now=lambda: NOW, sleep=lambda _s: None)


@pytest.mark.parametrize(("lag_ms", "status"), [(850.0, Status.PASS), (95_000.0, Status.FAIL)])
def test_the_aurora_secondary_and_its_lag(lag_ms: float, status: Status) -> None:
    settings = load_settings({"database": {"engine": "aurora-mysql-global"}})
    names = Names(settings)
    cluster, arn = names.db_cluster(S), f"arn:aws:rds:{S}:{stubs.ACCOUNT}:cluster:x"
    provider = StubbedProvider()
    rds = provider.stub("rds", S)
    rds.add_response(
        "describe_db_clusters",
        {
            "DBClusters": [
                {"DBClusterIdentifier": cluster, "Status": "available", "DBClusterArn": arn}
            ]
        },
        {"DBClusterIdentifier": cluster},
    )
    rds.add_response(
        "describe_global_clusters",
        {"GlobalClusters": [{"GlobalClusterMembers": [{"DBClusterArn": arn, "IsWriter": False}]}]},
        {"GlobalClusterIdentifier": names.global_cluster},
    )
    provider.stub("cloudwatch", S).add_response(
        "get_metric_statistics",
        {"Datapoints": [{"Timestamp": NOW - dt.timedelta(minutes=1), "Maximum": lag_ms}]},
    )
    verdict = ReplicaCheck().run(context(settings, provider))
    provider.assert_done()
    assert verdict.status is status
    assert f"lag {lag_ms / 1000:g} s (RPO 60 s)" in verdict.detail


def _ga_settings() -> Settings:
    return load_settings({"routing": {"traffic": "global-accelerator"}})


@pytest.mark.parametrize(
    ("standby_state", "status"), [("HEALTHY", Status.PASS), ("UNHEALTHY", Status.FAIL)]
)
def test_accelerator_endpoints(standby_state: str, status: Status) -> None:
    settings = _ga_settings()
    names = Names(settings)
    groups = {
        r: f"arn:aws:globalaccelerator::{stubs.ACCOUNT}:accelerator/a/listener/l/endpoint-group/{c}"
        for r, c in ((P, "use1"), (S, "usw2"))
    }
    provider = StubbedProvider()
    provider.stub("cloudformation", "us-west-2").add_response(
        "describe_stacks",
        {
            "Stacks": [
                {
                    "StackName": names.traffic_stack,
                    "CreationTime": NOW,
                    "StackStatus": "CREATE_COMPLETE",
                    "Outputs": [
                        {"OutputKey": "EndpointGroupArnUSE1", "OutputValue": groups[P]},
                        {"OutputKey": "EndpointGroupArnUSW2", "OutputValue": groups[S]},
                    ],
                }
            ]
        },
    )
    ga = provider.stub("globalaccelerator", "us-west-2")
    for region, state in ((P, "HEALTHY"), (S, standby_state)):
        ga.add_response(
            "describe_endpoint_group",
            {
                "EndpointGroup": {
                    "EndpointGroupArn": groups[region],
                    "EndpointDescriptions": [{"EndpointId": "alb", "HealthState": state}],
                }
            },
            {"EndpointGroupArn": groups[region]},
        )
    verdict = RoutingHealthCheck().run(context(settings, provider))
    provider.assert_done()
    assert verdict.status is status
    if status is Status.FAIL:
        assert verdict.detail == "unhealthy: us-west-2: unhealthy (UNHEALTHY)"


def test_a_pilot_light_standby_is_expected_down() -> None:
    settings = load_settings({"posture": "pilot-light"})
    provider = StubbedProvider()
    stubs.routing_health(provider, healthy=False)
    verdict = RoutingHealthCheck().run(context(settings, provider))
    provider.assert_done()
    assert verdict.status is Status.PASS
    assert verdict.detail == (
        "us-east-1 healthy; us-west-2 runs no instances, so unhealthy (0/3) is expected"
    )


@pytest.mark.parametrize("check", [ReplicaCheck(), InstanceCapacityCheck()])
def test_backup_restore_has_nothing_to_check_in_the_standby(check: Any) -> None:
    settings = load_settings({"posture": "backup-restore", "targets": {"rpo_seconds": 3600}})
    provider = StubbedProvider()
    verdict = check.run(context(settings, provider))
    assert provider.asked == []
    assert verdict.status is Status.NOT_APPLICABLE
