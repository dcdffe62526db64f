"""Plans are data: their shape per mode, serialization, and the static check that an
unplanned failover needs nothing from the failed region's control plane."""

from __future__ import annotations

import pytest

from tradedr.config import Posture, Settings, load_settings
from tradedr.errors import ConfigError
from tradedr.ops.failback import failback_plan
from tradedr.ops.failover import failover_plan
from tradedr.ops.plans import (
    ActionKind,
    ApiCall,
    Plan,
    Step,
    StepGroup,
    TrafficMode,
    control_plane_region,
    failed_region_violations,
    plan_text,
)

REGION_PAIRS = [
    ("us-east-1", "us-west-2"),
    ("us-west-2", "us-east-1"),
    ("eu-west-1", "eu-central-1"),
    ("us-east-1", "eu-west-1"),
]


def settings_for(primary: str, standby: str, posture: str = "warm-standby") -> Settings:
    return load_settings(
        {"primary_region": primary, "standby_regions": [standby], "posture": posture}
    )


def actions(plan: Plan) -> list[ActionKind]:
    return [step.action for step in plan.steps()]


@pytest.mark.parametrize(("primary", "standby"), REGION_PAIRS)
@pytest.mark.parametrize(
    "posture",
    [p.value for p in Posture if p not in (Posture.BACKUP_RESTORE, Posture.ACTIVE_ACTIVE)],
)
def test_unplanned_plan_uses_no_control_plane_of_the_failed_region(
    primary: str, standby: str, posture: str
) -> None:
    settings = settings_for(primary, standby, posture)
    plan = failover_plan(settings, to_region=standby, mode="unplanned")
    assert failed_region_violations(plan, primary) == []
    for step, call in plan.api_calls():
        assert call.region != primary, f"{step.id} calls {call}"
        assert call.home_region != primary, f"{step.id} needs {call.home_region}"
    assert {s.region for s in plan.steps()} == {standby}


@pytest.mark.parametrize(("primary", "standby"), REGION_PAIRS)
def test_practice_plan_keeps_the_primary_out_of_its_recovery_steps(
    primary: str, standby: str
) -> None:
    plan = failover_plan(settings_for(primary, standby), to_region=standby, mode="practice")
    assert failed_region_violations(plan, primary) == []
    cleanup = [s for s in plan.steps() if s.phase == "cleanup"]
    assert {s.region for s in cleanup} == {primary}
    assert {s.action for s in cleanup} == {
        ActionKind.FENCE_PRIMARY,
        ActionKind.UPDATE_DB_ENDPOINT,
        ActionKind.RETIRE_DB,
    }


@pytest.mark.parametrize("mode", ["planned", "practice"])
def test_fenced_plans_drain_before_they_promote(mode: str) -> None:
    """Practice drains like a planned switchover: the promotion waits for lag 0 after the
    fence, so a rehearsal never loses the writes made just before it."""
    plan = failover_plan(settings_for("us-east-1", "us-west-2"), to_region="us-west-2", mode=mode)  # type: ignore[arg-type]
    order = [s.action for s in plan.steps()]
    fence, drain = order.index(ActionKind.FENCE_PRIMARY), order.index(ActionKind.WAIT_REPLICA)
    assert fence < drain < order.index(ActionKind.PROMOTE_REPLICA)


def test_the_static_check_catches_calls_into_the_failed_region() -> None:
    settings = settings_for("us-east-1", "us-west-2")
    planned = failover_plan(settings, to_region="us-west-2", mode="planned")
    problems = failed_region_violations(
        planned.model_copy(update={"mode": "unplanned"}), "us-east-1"
    )
    flagged = {p.split(":")[0] for p in problems}
    assert flagged == {"fence-app-us-east-1", "repoint-us-east-1", "retire-db-us-east-1"}


@pytest.mark.parametrize(
    ("service", "region", "lost", "violates"),
    [
        ("route53", "us-west-2", "us-east-1", True),  # Route 53's control plane is us-east-1
        ("route53", "us-west-2", "eu-west-1", False),
        ("iam", "eu-west-1", "us-east-1", True),
        ("globalaccelerator", "us-east-1", "us-west-2", True),
        ("rds", "us-west-2", "us-east-1", False),
        ("rds", "us-east-1", "us-east-1", True),
    ],
)
def test_global_control_planes_count_as_their_home_region(
    service: str, region: str, lost: str, violates: bool
) -> None:
    step = Step(id="x", action=ActionKind.VERIFY_HEALTH, region=region, title="x")
    plan = Plan(
        kind="failover",
        mode="unplanned",
        prefix="p",
        source_region=lost,
        target_region=region,
        rpo_seconds=1,
        rto_seconds=1,
        groups=[StepGroup(name="g", steps=[step])],
    )
    call = ApiCall(service, region, "Anything")
    assert (call.home_region == lost) is violates
    assert control_plane_region(service, region) == call.home_region
    assert plan.mode == "unplanned"


def test_arc_routing_control_is_data_plane_and_survives_any_region_loss() -> None:
    settings = settings_for("us-east-1", "us-west-2")
    endpoints = [
        {"Region": r, "Endpoint": f"https://host-{r}.example/v1"}
        for r in ("us-east-1", "us-west-2", "eu-west-1")
    ]
    plan = failover_plan(
        settings,
        to_region="us-west-2",
        mode="unplanned",
        traffic_mode=TrafficMode.ROUTING_CONTROL,
        traffic={
            "cluster_endpoints": endpoints,
            "states": {"arn:aws:route53-recovery-control::1:cell/use1": "Off"},
        },
    )
    assert ActionKind.SET_ROUTING_CONTROL in actions(plan)
    assert failed_region_violations(plan, "us-east-1") == []


def test_global_accelerator_dial_needs_us_west_2_so_an_unplanned_plan_from_it_is_refused() -> None:
    settings = settings_for("us-west-2", "us-east-1")
    with pytest.raises(Exception, match="globalaccelerator"):
        failover_plan(
            settings,
            to_region="us-east-1",
            mode="unplanned",
            traffic_mode=TrafficMode.TRAFFIC_DIAL,
            traffic={"endpoint_group_arn": "arn:aws:globalaccelerator::1:accelerator/a"},
        )


@pytest.mark.parametrize(
    ("mode", "expected"),
    [
        (
            "planned",
            [
                ActionKind.CHECK_REPLICA_LAG,
                ActionKind.MANUAL_APPROVAL,
                ActionKind.SCALE_ASG,
                ActionKind.FENCE_PRIMARY,
                ActionKind.WAIT_REPLICA,
                ActionKind.PROMOTE_REPLICA,
                ActionKind.UPDATE_DB_ENDPOINT,
                ActionKind.UPDATE_DB_ENDPOINT,
                ActionKind.RETIRE_DB,
                ActionKind.SHIFT_TRAFFIC,
                ActionKind.VERIFY_HEALTH,
            ],
        ),
        (
            "unplanned",
            [
                ActionKind.CHECK_REPLICA_LAG,
                ActionKind.MANUAL_APPROVAL,
                ActionKind.SCALE_ASG,
                ActionKind.PROMOTE_REPLICA,
                ActionKind.UPDATE_DB_ENDPOINT,
                ActionKind.SHIFT_TRAFFIC,
                ActionKind.VERIFY_HEALTH,
            ],
        ),
    ],
)
def test_failover_step_order(mode: str, expected: list[ActionKind]) -> None:
    plan = failover_plan(settings_for("us-east-1", "us-west-2"), to_region="us-west-2", mode=mode)  # type: ignore[arg-type]
    assert actions(plan) == expected


def test_planned_plan_fences_before_promoting_and_promotes_before_retiring() -> None:
    plan = failover_plan(settings_for("us-east-1", "us-west-2"), to_region="us-west-2")
    order = [s.action for s in plan.steps()]
    assert order.index(ActionKind.FENCE_PRIMARY) < order.index(ActionKind.PROMOTE_REPLICA)
    assert order.index(ActionKind.PROMOTE_REPLICA) < order.index(ActionKind.RETIRE_DB)


def test_scale_step_uses_the_region_active_capacity() -> None:
    settings = load_settings(
        {"regions": {"us-west-2": {"asg_min": 3, "asg_desired": 4, "asg_max": 9}}}
    )
    plan = failover_plan(settings, to_region="us-west-2")
    scale = plan.step("scale-us-west-2")
    assert (scale.params["min"], scale.params["desired"], scale.params["max"]) == (3, 4, 9)


def test_lag_precondition_carries_the_rpo_and_the_data_loss_choice() -> None:
    settings = load_settings({"targets": {"rpo_seconds": 15}})
    plan = failover_plan(settings, to_region="us-west-2", allow_data_loss=True)
    check = plan.step("check-lag-us-west-2")
    assert check.params["max_lag_seconds"] == 15
    assert check.params["allow_data_loss"] is True


@pytest.mark.parametrize(
    ("data", "to", "message"),
    [
        ({}, "eu-west-1", "not a region"),
        ({}, "us-east-1", "failing over from"),
        (
            {"posture": "backup-restore", "targets": {"rpo_seconds": 3600}},
            "us-west-2",
            "no live replica",
        ),
    ],
)
def test_bad_failover_requests_are_config_errors(data: dict, to: str, message: str) -> None:
    with pytest.raises(ConfigError, match=message):
        failover_plan(load_settings(data), to_region=to)


def test_plan_round_trips_through_json_and_prints_every_step() -> None:
    plan = failover_plan(settings_for("us-east-1", "us-west-2"), to_region="us-west-2")
    again = Plan.from_json(plan.to_json())
    assert again == plan
    text = plan_text(plan)
    for step in plan.steps():
        assert step.id in text
    summary = plan.summary()
    assert {c["operation"] for c in summary["api_calls"]} >= {
        "PromoteReadReplica",
        "UpdateAutoScalingGroup",
    }


def test_step_ids_are_unique() -> None:
    settings = settings_for("us-east-1", "us-west-2")
    for plan in (
        failover_plan(settings, to_region="us-west-2"),
        failback_plan(settings, current_region="us-west-2"),
    ):
        ids = [s.id for s in plan.steps()]
        assert len(ids) == len(set(ids))


def test_failback_rebuilds_replication_before_moving_the_writer() -> None:
    plan = failback_plan(settings_for("us-east-1", "us-west-2"), current_region="us-west-2")
    order = [s.id for s in plan.steps()]
    assert order.index("retire-db-us-east-1") < order.index("replicate-to-us-east-1")
    assert order.index("replicate-to-us-east-1") < order.index("catch-up-us-east-1")
    assert order.index("catch-up-us-east-1") < order.index("promote-us-east-1")
    assert order.index("promote-us-east-1") < order.index("retire-db-us-west-2")
    assert order.index("retire-db-us-west-2") < order.index("replicate-to-us-west-2")
    standby = plan.step("standby-capacity-us-west-2")
    assert standby.params["desired"] == 1  # warm-standby returns to one instance


def test_failback_from_the_home_region_is_refused() -> None:
    with pytest.raises(ConfigError, match="already the writer"):
        failback_plan(settings_for("us-east-1", "us-west-2"), current_region="us-east-1")


THREE = {"standby_regions": ["us-west-2", "eu-west-1"]}


def _order(plan: Plan) -> list[str]:
    return [step.id for step in plan.steps()]


@pytest.mark.parametrize("mode", ["planned", "unplanned", "practice"])
def test_three_region_failover_rebuilds_the_other_standby_before_retiring_the_old_writer(
    mode: str,
) -> None:
    """eu-west-1's replica followed us-east-1: it is detached (data kept) and re-created
    from the new writer, and only then is us-east-1 retired (RDS refuses to stop an
    instance that has replicas); an unplanned plan still calls nothing in us-east-1."""
    settings = load_settings(THREE)
    plan = failover_plan(settings, to_region="us-west-2", mode=mode)  # type: ignore[arg-type]
    ids = _order(plan)
    rebuild = ["retire-replica-eu-west-1", "replicate-to-eu-west-1", "repoint-replica-eu-west-1"]
    assert [i for i in ids if i in rebuild] == rebuild
    assert ids.index("promote-us-west-2") < ids.index("retire-replica-eu-west-1")
    if mode == "unplanned":
        assert "retire-db-us-east-1" not in ids
        assert failed_region_violations(plan, "us-east-1") == []
    else:
        assert ids.index("repoint-replica-eu-west-1") < ids.index("retire-db-us-east-1")
    replicate = plan.step("replicate-to-eu-west-1")
    assert replicate.params["source_identifier"] == "trading-prod-orders-replica-usw2"
    assert replicate.params["source_region"] == "us-west-2"
    retire = plan.step("retire-replica-eu-west-1")
    assert retire.params["writer_identifier"] == "trading-prod-orders-replica-usw2"
    assert replicate.params["like_identifier"] == retire.params["retired_identifier"]


def test_three_region_failback_restores_the_same_shape() -> None:
    """Every standby follows the home writer again before the former writer stops."""
    settings = load_settings(THREE)
    plan = failback_plan(settings, current_region="us-west-2", home_region="us-east-1")
    ids = _order(plan)
    assert ids.index("promote-us-east-1") < ids.index("retire-replica-eu-west-1")
    assert ids.index("replicate-to-eu-west-1") < ids.index("retire-db-us-west-2")
    assert ids.index("retire-db-us-west-2") < ids.index("replicate-to-us-west-2")
    for region in ("eu-west-1", "us-west-2"):
        step = plan.step(f"replicate-to-{region}")
        assert step.params["source_identifier"] == "trading-prod-orders-primary-use1"
    failover = failover_plan(settings, to_region="us-west-2", created_at=plan.created_at)
    names = {
        failover.step("retire-replica-eu-west-1").params["retired_identifier"],
        plan.step("retire-replica-eu-west-1").params["retired_identifier"],
    }
    assert len(names) == 2, "a failback in the failover's minute must not reuse its name"


@pytest.mark.parametrize("kind", ["planned", "unplanned", "failback"])
def test_three_region_aurora_secondaries_follow_and_their_apps_keep_their_cluster(
    kind: str,
) -> None:
    settings = load_settings({**THREE, "database": {"engine": "aurora-mysql-global"}})
    if kind == "failback":
        plan = failback_plan(settings, current_region="us-west-2", home_region="us-east-1")
    else:
        plan = failover_plan(
            settings,
            to_region="us-west-2",
            mode=kind,
            allow_data_loss=True,  # type: ignore[arg-type]
        )
    step = plan.step("repoint-replica-eu-west-1")
    assert step.params["db_cluster_identifier"].endswith("euw1")
    assert step.params["db_region"] == "eu-west-1"
    assert ActionKind.RETIRE_REPLICA not in actions(plan)
    assert any("re-points the other secondaries (eu-west-1)" in n for n in plan.notes)


def test_two_region_plans_have_no_other_standby_steps() -> None:
    plan = failover_plan(load_settings({}), to_region="us-west-2")
    assert not any(s.id.endswith("eu-west-1") for s in plan.steps())
    assert ActionKind.RETIRE_REPLICA not in actions(plan)
