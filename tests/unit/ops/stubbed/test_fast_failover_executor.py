"""The fast-failover plans end to end through the executor, against botocore's Stubber:
traffic controls resolved without the failed region, the Aurora switchover/failover, the
ARC routing-control step (with the endpoint fallback) and the traffic dial. On the
emulator the same steps are reported "not emulated" without a single call."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from botocore.stub import ANY
from tests.stubbed import StubbedProvider

from tradedr.config import Settings, load_settings
from tradedr.errors import AwsOperationError
from tradedr.ops.actions.base import ExecutionContext
from tradedr.ops.executor import Executor, RetryPolicy, RunResult
from tradedr.ops.failover import plan_failover
from tradedr.ops.plans import ActionKind, Plan, StepGroup
from tradedr.ops.traffic import controls_parameter, resolve_traffic

pytestmark = pytest.mark.stubbed


@pytest.fixture
def provider() -> StubbedProvider:
    return StubbedProvider()


ACCOUNT = "111122223333"
PANEL = f"arn:aws:route53-recovery-control::{ACCOUNT}:controlpanel/abc"
CLUSTER = f"arn:aws:route53-recovery-control::{ACCOUNT}:cluster/xyz"
USE1 = f"{PANEL}/routingcontrol/use1"
USW2 = f"{PANEL}/routingcontrol/usw2"
ENDPOINTS = [
    {
        "Region": "us-east-1",
        "Endpoint": "https://a.route53-recovery-cluster.us-east-1.amazonaws.com/v1",
    },
    {
        "Region": "us-west-2",
        "Endpoint": "https://b.route53-recovery-cluster.us-west-2.amazonaws.com/v1",
    },
]
GROUP = f"arn:aws:globalaccelerator::{ACCOUNT}:accelerator/a/listener/l/endpoint-group/"
GLOBAL = "trading-fast-orders-global"
OLD = f"arn:aws:rds:us-east-1:{ACCOUNT}:cluster:trading-fast-orders-use1"
NEW = f"arn:aws:rds:us-west-2:{ACCOUNT}:cluster:trading-fast-orders-usw2"


def fast_settings(traffic: str, primary: str = "us-east-1", standby: str = "us-west-2") -> Settings:
    return load_settings(
        {
            "environment": "fast",
            "posture": "hot-standby",
            "primary_region": primary,
            "standby_regions": [standby],
            "database": {"engine": "aurora-mysql-global"},
            "routing": {"traffic": traffic},
            "targets": {"rpo_seconds": 1, "rto_seconds": 60},
        }
    )


def stub_traffic_stack(provider: StubbedProvider, outputs: dict[str, str]) -> None:
    provider.stub("cloudformation", "us-west-2").add_response(
        "describe_stacks",
        {
            "Stacks": [
                {
                    "StackName": "trading-fast-traffic",
                    "CreationTime": "2026-01-01T00:00:00Z",
                    "StackStatus": "CREATE_COMPLETE",
                    "Outputs": [{"OutputKey": k, "OutputValue": v} for k, v in outputs.items()],
                }
            ]
        },
        {"StackName": "trading-fast-traffic"},
    )


def stub_arc_reads(provider: StubbedProvider) -> None:
    stub_traffic_stack(
        provider,
        {
            "ArcClusterArn": CLUSTER,
            "ControlPanelArn": PANEL,
            "RoutingControlArnUSE1": USE1,
            "RoutingControlArnUSW2": USW2,
        },
    )
    provider.stub("route53-recovery-control-config", "us-west-2").add_response(
        "describe_cluster",
        {"Cluster": {"ClusterArn": CLUSTER, "ClusterEndpoints": ENDPOINTS, "Status": "DEPLOYED"}},
        {"ClusterArn": CLUSTER},
    )


def global_cluster(writer: str) -> dict[str, Any]:
    return {
        "GlobalClusters": [
            {
                "GlobalClusterIdentifier": GLOBAL,
                "GlobalClusterMembers": [
                    {"DBClusterArn": OLD, "IsWriter": writer == OLD},
                    {"DBClusterArn": NEW, "IsWriter": writer == NEW},
                ],
            }
        ]
    }


def only(plan: Plan, *kinds: ActionKind) -> Plan:
    """The plan's steps of these kinds, one per group (the Stubber answers in order)."""
    groups = [
        StepGroup(name=step.id, steps=[step]) for step in plan.steps() if step.action in kinds
    ]
    return plan.model_copy(update={"groups": groups})


def execute(
    plan: Plan, provider: StubbedProvider, settings: Settings, tmp_path: Path, target: str
) -> RunResult:
    ctx = ExecutionContext(
        provider,
        settings,
        target=target,  # type: ignore[arg-type]
        sleep=lambda _s: None,
        poll_seconds=0,
    )
    retry = RetryPolicy(max_attempts=1)
    return Executor(ctx, runs_dir=tmp_path / "runs", retry=retry).start(plan)


# --- resolving the traffic controls ----------------------------------------------------


def test_arc_controls_come_from_us_west_2_when_us_east_1_is_lost(
    provider: StubbedProvider,
) -> None:
    stub_arc_reads(provider)
    controls = resolve_traffic(
        fast_settings("arc"), provider, read_region="us-west-2", failed_region="us-east-1"
    )
    assert controls.routing_controls == {"us-east-1": USE1, "us-west-2": USW2}
    assert controls.cluster_endpoints == ENDPOINTS
    assert {c.region for c in controls.calls} == {"us-west-2"}
    provider.assert_done()


def test_with_us_west_2_lost_only_the_stored_copy_in_the_target_region_is_read(
    provider: StubbedProvider,
) -> None:
    """us-west-2 holds the traffic stack and the ARC config API: neither may be called."""
    settings = fast_settings("arc", primary="us-west-2", standby="us-east-1")
    copy = json.dumps(
        {
            "routing_controls": {"us-west-2": USW2, "us-east-1": USE1},
            "cluster_endpoints": [{"Region": "us-east-1", "Endpoint": "https://a"}],
            "endpoint_groups": {},
        }
    )
    provider.stub("ssm", "us-east-1").add_response(
        "get_parameter",
        {"Parameter": {"Name": controls_parameter(settings), "Value": copy, "Type": "String"}},
        {"Name": controls_parameter(settings)},
    )
    controls = resolve_traffic(
        settings, provider, read_region="us-east-1", failed_region="us-west-2"
    )
    assert controls.params_for("us-east-1")["states"] == {USW2: "Off", USE1: "On"}
    assert [(c.service, c.region) for c in controls.calls] == [("ssm", "us-east-1")]
    assert set(provider.stubbers) == {("ssm", "us-east-1")}
    provider.assert_done()


def test_a_missing_stored_copy_is_a_clear_error(provider: StubbedProvider) -> None:
    settings = fast_settings("arc", primary="us-west-2", standby="us-east-1")
    provider.stub("ssm", "us-east-1").add_client_error("get_parameter", "ParameterNotFound")
    with pytest.raises(AwsOperationError, match="holds no copy"):
        resolve_traffic(settings, provider, read_region="us-east-1", failed_region="us-west-2")


def test_a_traffic_stack_without_outputs_is_an_error_on_aws(provider: StubbedProvider) -> None:
    stub_traffic_stack(provider, {})
    with pytest.raises(AwsOperationError, match="no output RoutingControlArn"):
        resolve_traffic(fast_settings("arc"), provider, read_region="us-west-2")


# --- the plan through the executor -----------------------------------------------------


def test_unplanned_aurora_and_arc_run_with_the_endpoint_fallback(
    provider: StubbedProvider, tmp_path: Path
) -> None:
    settings = fast_settings("arc")
    stub_arc_reads(provider)
    plan = plan_failover(
        settings,
        provider,
        to_region="us-west-2",
        mode="unplanned",
        allow_data_loss=True,
        target="aws",
    )
    rds = provider.stub("rds", "us-west-2")
    rds.add_response(
        "describe_db_clusters",
        {"DBClusters": [{"DBClusterIdentifier": "trading-fast-orders-usw2", "DBClusterArn": NEW}]},
        {"DBClusterIdentifier": "trading-fast-orders-usw2"},
    )
    describe = {"GlobalClusterIdentifier": GLOBAL}
    rds.add_response("describe_global_clusters", global_cluster(OLD), describe)
    rds.add_response(
        "failover_global_cluster",
        {"GlobalCluster": {"GlobalClusterIdentifier": GLOBAL}},
        {
            "GlobalClusterIdentifier": GLOBAL,
            "TargetDbClusterIdentifier": NEW,
            "AllowDataLoss": True,
        },
    )
    rds.add_response("describe_global_clusters", global_cluster(NEW), describe)
    # The first cluster endpoint (in the lost us-east-1) fails; the next one takes it.
    provider.stub("route53-recovery-cluster", "us-east-1").add_client_error(
        "update_routing_control_states", "InternalServerException", http_status_code=500
    )
    provider.stub("route53-recovery-cluster", "us-west-2").add_response(
        "update_routing_control_states",
        {},
        {
            "UpdateRoutingControlStateEntries": [
                {"RoutingControlArn": USE1, "RoutingControlState": "Off"},
                {"RoutingControlArn": USW2, "RoutingControlState": "On"},
            ]
        },
    )
    result = execute(
        only(plan, ActionKind.AURORA_GLOBAL_FAILOVER, ActionKind.SET_ROUTING_CONTROL),
        provider,
        settings,
        tmp_path,
        "aws",
    )
    assert result.status == "completed", result.message
    assert [r.status for r in result.records] == ["executed", "executed"]
    route = result.record("route-to-us-west-2")
    assert route is not None
    assert "via us-west-2" in route.detail
    provider.assert_done()


def test_planned_aurora_switchover_and_traffic_dials(
    provider: StubbedProvider, tmp_path: Path
) -> None:
    settings = fast_settings("global-accelerator")
    stub_traffic_stack(
        provider,
        {"EndpointGroupArnUSE1": GROUP + "use1", "EndpointGroupArnUSW2": GROUP + "usw2"},
    )
    plan = plan_failover(settings, provider, to_region="us-west-2", mode="planned", target="aws")
    rds = provider.stub("rds", "us-west-2")
    rds.add_response(
        "describe_db_clusters",
        {"DBClusters": [{"DBClusterArn": NEW}]},
        {"DBClusterIdentifier": "trading-fast-orders-usw2"},
    )
    describe = {"GlobalClusterIdentifier": GLOBAL}
    rds.add_response("describe_global_clusters", global_cluster(OLD), describe)
    rds.add_response(
        "switchover_global_cluster",
        {"GlobalCluster": {"GlobalClusterIdentifier": GLOBAL}},
        {"GlobalClusterIdentifier": GLOBAL, "TargetDbClusterIdentifier": NEW},
    )
    rds.add_response("describe_global_clusters", global_cluster(OLD), describe)
    rds.add_response("describe_global_clusters", global_cluster(NEW), describe)
    ga = provider.stub("globalaccelerator", "us-west-2")
    for region, before, after in (("usw2", 0.0, 100.0), ("use1", 100.0, 0.0)):
        arn = GROUP + region
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
    result = execute(
        only(plan, ActionKind.AURORA_GLOBAL_FAILOVER, ActionKind.SET_TRAFFIC_DIAL),
        provider,
        settings,
        tmp_path,
        "aws",
    )
    assert result.status == "completed", result.message
    assert [r.step_id for r in result.records] == [
        "switchover-us-west-2",
        "dial-to-us-west-2",
        "dial-down-us-east-1",
    ]
    assert all(r.status == "executed" for r in result.records)
    provider.assert_done()


def test_the_emulator_reports_these_steps_not_emulated_and_calls_nothing(
    provider: StubbedProvider, tmp_path: Path
) -> None:
    settings = fast_settings("arc")
    stub_traffic_stack(provider, {})  # the emulator deployed no ARC: no outputs
    plan = plan_failover(
        settings, provider, to_region="us-west-2", mode="unplanned", allow_data_loss=True
    )
    assert any("placeholders" in note for note in plan.notes)
    provider.assert_done()
    result = execute(
        only(plan, ActionKind.AURORA_GLOBAL_FAILOVER, ActionKind.SET_ROUTING_CONTROL),
        provider,
        settings,
        tmp_path,
        "local",
    )
    assert [r.status for r in result.records] == ["not-emulated", "not-emulated"]
    assert result.exit_code == 0
    assert set(provider.stubbers) == {("cloudformation", "us-west-2")}


def test_store_traffic_controls_writes_the_copy_in_every_app_region(
    provider: StubbedProvider,
) -> None:
    from tradedr.ops.traffic import store_traffic_controls

    settings = fast_settings("arc")
    stub_arc_reads(provider)
    for region in ("us-east-1", "us-west-2"):
        provider.stub("ssm", region).add_response(
            "put_parameter",
            {"Version": 1},
            {
                "Name": controls_parameter(settings),
                "Value": ANY,
                "Type": "String",
                "Overwrite": True,
                "Description": ANY,
            },
        )
    assert store_traffic_controls(settings, provider) == ["us-east-1", "us-west-2"]
    provider.assert_done()
