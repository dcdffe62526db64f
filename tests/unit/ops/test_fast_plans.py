"""Plans for the fast-failover options: `routing.traffic` picks the traffic step, and
`database.engine = "aurora-mysql-global"` swaps replica promotion for Aurora's managed
switchover (planned, practice) or FailoverGlobalCluster with AllowDataLoss (unplanned)."""

from __future__ import annotations

from typing import Any

import pytest

from tradedr.config import Settings, load_settings
from tradedr.errors import ConfigError
from tradedr.ops.actions import action_for
from tradedr.ops.failback import failback_plan
from tradedr.ops.failover import failover_plan, plan_failover
from tradedr.ops.plans import ActionKind, Plan, TrafficMode, failed_region_violations
from tradedr.ops.traffic import TrafficControls, traffic_mode_for

A = ActionKind
TRAFFIC = ["dns-failover", "arc", "global-accelerator"]
ENGINES = ["mysql", "aurora-mysql-global"]
GA_GROUPS = "arn:aws:globalaccelerator::111122223333:accelerator/a/listener/l/endpoint-group"
REGION_PAIRS = [("us-east-1", "us-west-2"), ("us-west-2", "us-east-1"), ("eu-west-1", "us-west-2")]


def settings_for(
    engine: str, traffic: str, primary: str = "us-east-1", standby: str = "us-west-2"
) -> Settings:
    return load_settings(
        {
            "posture": "hot-standby",
            "primary_region": primary,
            "standby_regions": [standby],
            "database": {"engine": engine},
            "routing": {"traffic": traffic},
        }
    )


def controls(settings: Settings) -> TrafficControls:
    """What resolve_traffic returns for a deployed environment (ARNs as AWS makes them)."""
    regions = settings.all_regions
    return TrafficControls(
        traffic_mode_for(settings),
        routing_controls={
            r: f"arn:aws:route53-recovery-control::111122223333:controlpanel/p/routingcontrol/{r}"
            for r in regions
        },
        cluster_endpoints=[
            {
                "Region": r,
                "Endpoint": f"https://h-{r}.route53-recovery-cluster.{r}.amazonaws.com/v1",
            }
            for r in ("us-east-1", "us-west-2", "eu-west-1", "ap-northeast-1", "ap-southeast-2")
        ],
        endpoint_groups={r: f"{GA_GROUPS}/{r}" for r in regions},
    )


def plan_for(settings: Settings, mode: str, to: str | None = None, **kwargs: Any) -> Plan:
    target = to or settings.standby_regions[0]
    resolved = controls(settings)
    return failover_plan(
        settings,
        to_region=target,
        mode=mode,  # type: ignore[arg-type]
        traffic_mode=resolved.mode,
        traffic=resolved.params_for(target),
        **kwargs,
    )


def actions(plan: Plan) -> list[ActionKind]:
    return [s.action for s in plan.steps()]


@pytest.mark.parametrize(
    ("traffic", "mode", "steps"),
    [
        ("dns-failover", TrafficMode.HEALTH_CHECK, [A.SHIFT_TRAFFIC]),
        ("arc", TrafficMode.ROUTING_CONTROL, [A.SET_ROUTING_CONTROL]),
        ("global-accelerator", TrafficMode.TRAFFIC_DIAL, [A.SET_TRAFFIC_DIAL, A.SET_TRAFFIC_DIAL]),
    ],
)
@pytest.mark.parametrize("engine", ENGINES)
def test_routing_traffic_picks_the_traffic_steps(
    engine: str, traffic: str, mode: TrafficMode, steps: list[ActionKind]
) -> None:
    settings = settings_for(engine, traffic)
    for plan in (
        plan_for(settings, "planned"),
        failback_plan(
            settings,
            current_region="us-west-2",
            traffic_mode=controls(settings).mode,
            traffic=controls(settings).params_for("us-east-1"),
        ),
    ):
        assert plan.traffic_mode is mode
        moved = next(g for g in plan.groups if g.name == "move traffic")
        assert [s.action for s in moved.steps] == steps


PLANNED_RDS = [
    A.CHECK_REPLICA_LAG,
    A.MANUAL_APPROVAL,
    A.SCALE_ASG,
    A.FENCE_PRIMARY,
    A.WAIT_REPLICA,
    A.PROMOTE_REPLICA,
    A.UPDATE_DB_ENDPOINT,
    A.UPDATE_DB_ENDPOINT,
    A.RETIRE_DB,
]
PLANNED_AURORA = [
    A.CHECK_REPLICA_LAG,
    A.MANUAL_APPROVAL,
    A.SCALE_ASG,
    A.FENCE_PRIMARY,
    A.AURORA_GLOBAL_FAILOVER,
    A.UPDATE_DB_ENDPOINT,
    A.UPDATE_DB_ENDPOINT,
]
UNPLANNED_AURORA = [
    A.CHECK_REPLICA_LAG,
    A.MANUAL_APPROVAL,
    A.SCALE_ASG,
    A.AURORA_GLOBAL_FAILOVER,
    A.UPDATE_DB_ENDPOINT,
]


@pytest.mark.parametrize(
    ("engine", "mode", "head"),
    [
        ("mysql", "planned", PLANNED_RDS),
        ("aurora-mysql-global", "planned", PLANNED_AURORA),
        ("aurora-mysql-global", "practice", PLANNED_AURORA[:-1]),
        ("aurora-mysql-global", "unplanned", UNPLANNED_AURORA),
    ],
)
@pytest.mark.parametrize("traffic", TRAFFIC)
def test_failover_plan_shape_per_option(
    engine: str, traffic: str, mode: str, head: list[ActionKind]
) -> None:
    settings = settings_for(engine, traffic)
    plan = plan_for(settings, mode, allow_data_loss=mode == "unplanned")
    got = actions(plan)
    assert got[: len(head)] == head
    assert got[-1] is A.VERIFY_HEALTH or (mode == "practice" and A.VERIFY_HEALTH in got)
    if engine == "aurora-mysql-global":
        assert A.PROMOTE_REPLICA not in got
        assert A.RETIRE_DB not in got
        switch = next(s for s in plan.steps() if s.action is A.AURORA_GLOBAL_FAILOVER)
        assert switch.params["planned"] is (mode != "unplanned")
        assert switch.params["global_cluster_id"] == "trading-prod-orders-global"
        assert switch.params["target_cluster_id"] == "trading-prod-orders-usw2"
        calls = {c.operation for c in action_for(switch).calls(switch)}
        expected = "SwitchoverGlobalCluster" if mode != "unplanned" else "FailoverGlobalCluster"
        assert expected in calls


def test_aurora_lag_precondition_reads_the_global_replication_lag() -> None:
    settings = load_settings(
        {"database": {"engine": "aurora-mysql-global"}, "targets": {"rpo_seconds": 1}}
    )
    lag = plan_for(settings, "planned").step("check-lag-us-west-2")
    assert lag.params["db_cluster_identifier"] == "trading-prod-orders-usw2"
    assert lag.params["max_lag_seconds"] == 1
    assert {c.operation for c in action_for(lag).calls(lag)} >= {
        "DescribeGlobalClusters",
        "GetMetricStatistics",
    }


def test_unplanned_aurora_failover_needs_an_explicit_allow_data_loss() -> None:
    settings = settings_for("aurora-mysql-global", "arc")
    with pytest.raises(ConfigError, match="--allow-data-loss"):
        plan_failover(settings, None, to_region="us-west-2", mode="unplanned")  # type: ignore[arg-type]
    # A plan built without the choice (e.g. for a runbook) carries it, and its step refuses.
    switch = plan_for(settings, "unplanned").step("failover-db-us-west-2")
    assert switch.params["allow_data_loss"] is False
    assert any("--allow-data-loss" in p for p in switch.preconditions)
    chosen = plan_for(settings, "unplanned", allow_data_loss=True)
    assert chosen.step("failover-db-us-west-2").params["allow_data_loss"] is True


def test_rds_path_is_unchanged_by_the_traffic_option() -> None:
    """engine mysql: the same database steps whatever moves the traffic."""
    shapes = {
        traffic: [
            (s.id, s.action)
            for s in plan_for(settings_for("mysql", traffic), "planned").steps()
            if s.action not in (A.SHIFT_TRAFFIC, A.SET_ROUTING_CONTROL, A.SET_TRAFFIC_DIAL)
        ]
        for traffic in TRAFFIC
    }
    assert shapes["arc"] == shapes["dns-failover"] == shapes["global-accelerator"]


@pytest.mark.parametrize(("primary", "standby"), REGION_PAIRS)
@pytest.mark.parametrize("traffic", TRAFFIC)
@pytest.mark.parametrize("engine", ENGINES)
def test_unplanned_plans_need_no_control_plane_of_the_failed_region(
    engine: str, traffic: str, primary: str, standby: str
) -> None:
    settings = settings_for(engine, traffic, primary, standby)
    if traffic == "global-accelerator" and primary == "us-west-2":
        # The dial's control plane is us-west-2: refused with a reason, never half-planned.
        with pytest.raises(ConfigError, match="globalaccelerator"):
            plan_for(settings, "unplanned", allow_data_loss=True)
        return
    plan = plan_for(settings, "unplanned", allow_data_loss=True)
    assert failed_region_violations(plan, primary) == []
    for step, call in plan.api_calls():
        assert call.home_region != primary or call.plane == "data", f"{step.id}: {call}"


@pytest.mark.parametrize("traffic", TRAFFIC)
@pytest.mark.parametrize("engine", ENGINES)
def test_practice_plans_keep_the_primary_out_of_recovery(engine: str, traffic: str) -> None:
    settings = settings_for(engine, traffic)
    plan = plan_for(settings, "practice")
    assert failed_region_violations(plan, "us-east-1") == []


def test_arc_states_turn_the_target_on_and_every_other_region_off() -> None:
    settings = settings_for("aurora-mysql-global", "arc")
    step = plan_for(settings, "unplanned", allow_data_loss=True).step("route-to-us-west-2")
    states = step.params["states"]
    assert sorted(states.values()) == ["Off", "On"]
    assert states[controls(settings).routing_controls["us-west-2"]] == "On"
    assert len(step.params["cluster_endpoints"]) == 5
    assert {c.plane for c in action_for(step).calls(step)} == {"data"}


def test_aurora_failback_switches_over_home_without_rebuilding_replicas() -> None:
    settings = settings_for("aurora-mysql-global", "global-accelerator")
    resolved = controls(settings)
    plan = failback_plan(
        settings,
        current_region="us-west-2",
        traffic_mode=resolved.mode,
        traffic=resolved.params_for("us-east-1"),
    )
    got = actions(plan)
    assert A.CREATE_REPLICA not in got
    assert A.PROMOTE_REPLICA not in got
    switch = plan.step("switchover-us-east-1")
    assert switch.params["planned"] is True
    order = [s.id for s in plan.steps()]
    assert order.index("fence-app-us-west-2") < order.index("switchover-us-east-1")
    assert plan.step("dial-to-us-east-1").params["percentage"] == 100
    assert plan.step("dial-down-us-west-2").params["percentage"] == 0
    assert len(order) == len(set(order))
