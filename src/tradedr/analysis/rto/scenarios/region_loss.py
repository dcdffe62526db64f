"""region-loss: the primary Region is lost; traffic and the orders DB move to the first
standby, by the routing's own health checks, an operator's failover plan, or the
automatic-failover detector (Aurora global database only). `build_to` builds the same
recovery to any standby: with several, the report covers failover to each and names the
slowest."""

from __future__ import annotations

import numpy as np

from tradedr.analysis.assumptions import GA_FAILOVER as GA_FAILOVER_DOC
from tradedr.analysis.rto.components import (
    accelerator_detection,
    assumed,
    automatic_db_failover,
    automatic_detection,
    capacity,
    client_retries,
    detection,
    dns_shift,
    standby_health,
    traffic_shift,
)
from tradedr.analysis.rto.model import Component, RecoveryGraph, ScenarioDefinition
from tradedr.analysis.rto.readers import (
    DETECTOR_ENV,
    as_int,
    asg,
    aurora_secondary,
    is_recovery_control,
    mrsc_table,
    region_loss_detector,
    replica_db,
)
from tradedr.analysis.templates import Resource, TemplateSet

NAME = "region-loss"
# What keeps the active-active (MRSC) p99 from a published bound: the one step with no
# published worst case. Said in the report when the target is missed; never tuned away.
MISSING_SHIFT_BOUND = (
    "a published upper bound for Global Accelerator's traffic move after an endpoint turns "
    "unhealthy: AWS says 'about 30 s' (" + GA_FAILOVER_DOC + ") and gives no worst case, so "
    "the model's 60 s worst (assumption accelerator-shift) is tradedr's allowance; measure "
    "it in a drill on AWS and pass it with --assume accelerator-shift=BEST,TYPICAL,WORST"
)


def build(templates: TemplateSet, warnings: list[str]) -> RecoveryGraph:
    orders = mrsc_table(templates)
    if orders is not None:
        return _every_region_writes(templates, orders, warnings)
    return build_to(templates, warnings, templates.settings.standby_regions[0])


def build_to(templates: TemplateSet, warnings: list[str], standby: str) -> RecoveryGraph:
    """The region-loss recovery with `standby` as the new writer region (a single-writer
    store; with an MRSC orders table every region already writes, see `build`)."""
    settings = templates.settings
    primary = settings.primary_region
    check = templates.health_check_for(primary)
    groups = templates.resources("AWS::GlobalAccelerator::EndpointGroup")
    endpoint_group = next(
        (g for g in groups if g.prop("EndpointGroupRegion") == primary),
        groups[0] if groups else None,
    )
    standby_asg = asg(templates, standby)
    replica = replica_db(templates, standby)
    secondary = aurora_secondary(templates, standby)
    detector = region_loss_detector(templates, standby)

    components: list[Component] = []
    if standby_asg is not None and secondary is not None and detector is not None:
        # Declared first: with no witness it starts at once, ahead of the routing's own
        # detection; with one it follows that detection (the dependency order places it).
        components.append(_confirmation(detector, endpoint_group, check))
    routing_detection = _routing_detection(endpoint_group, check, warnings)
    components.append(routing_detection)
    # Health checks move traffic by themselves, but the failover plan (scale the standby,
    # promote its database) is started by a person unless the detector is deployed. ARC's
    # detection component already is that decision.
    plan_start = "detection"
    operator_decides = detector is None or secondary is None
    arc_decision = endpoint_group is None and is_recovery_control(check)
    if operator_decides and not arc_decision:
        decided_on = secondary or replica
        if decided_on is None:
            decision_source = routing_detection.source
        elif decided_on is secondary:
            decision_source = decided_on.source("GlobalClusterIdentifier")
        else:
            decision_source = decided_on.source("SourceDBInstanceIdentifier")
        components.append(
            assumed(
                "failover-decision",
                "failover-decision",
                decision_source,
                ["detection"],
                note="no automatic failover ([failover] automatic = false): the on-call "
                "operator confirms the region loss and starts the failover plan",
            )
        )
        plan_start = "failover-decision"

    if standby_asg is None:
        components.extend(_rebuild(templates, standby, plan_start))
        return RecoveryGraph(NAME, f"{primary} lost; rebuild in {standby}", components)

    records = templates.resources("AWS::Route53::RecordSet")
    standby_record = next((r for r in records if r.prop("SetIdentifier") == standby), None)
    scaling, shift_after = _standby_capacity(templates, standby, standby_asg, plan_start)
    components.extend(scaling)
    components.extend(traffic_shift(templates, standby_record, shift_after, standby))
    critical_tail = ["traffic-shift"]
    if secondary is not None and detector is not None:
        components.extend(
            automatic_db_failover(detector, secondary, after_detection="automatic-detection")
        )
        critical_tail.append("app-reconnect")
        components.append(
            assumed(
                "verification",
                "verification",
                "runbook",
                critical_tail,
                critical=False,
                note="operator smoke test after the automatic failover; the service already "
                "serves, so it is not on the recovery path",
            )
        )
        return RecoveryGraph(
            NAME,
            f"{primary} lost; the detector in {standby} fails over automatically",
            components,
        )
    if secondary is not None:
        components.append(
            assumed(
                "db-promotion",
                "aurora-global-failover",
                secondary.source("GlobalClusterIdentifier"),
                [plan_start],
                note="fail over the Aurora global database to the standby's secondary cluster "
                "(AllowDataLoss: the primary is unreachable)",
            )
        )
        components.append(
            assumed(
                "app-reconnect",
                "app-reconnect",
                secondary.source("DBClusterIdentifier"),
                ["db-promotion"],
            )
        )
        critical_tail.append("app-reconnect")
    elif replica is not None:
        components.append(
            assumed(
                "db-promotion",
                "rds-replica-promotion",
                replica.source("SourceDBInstanceIdentifier"),
                [plan_start],
                note="promote the cross-region read replica to a standalone writer",
            )
        )
        components.append(
            assumed(
                "app-reconnect",
                "app-reconnect",
                replica.source("DBInstanceIdentifier"),
                ["db-promotion"],
            )
        )
        critical_tail.append("app-reconnect")
    else:
        warnings.append(f"no orders DB replica in {standby}: region loss has no DB to promote")
    components.append(assumed("verification", "verification", "runbook", critical_tail))
    return RecoveryGraph(NAME, f"{primary} lost; fail over to {standby}", components)


def _every_region_writes(
    templates: TemplateSet, orders: Resource, warnings: list[str]
) -> RecoveryGraph:
    """Active-active on an MRSC orders table: the surviving regions already write orders and
    run at full capacity, so a region loss is the accelerator's detection, its traffic move
    and the clients' retry. No DNS TTL, no operator, no promotion, no scaling."""
    settings = templates.settings
    lost = settings.primary_region
    groups = templates.resources("AWS::GlobalAccelerator::EndpointGroup")
    lost_group = next((g for g in groups if g.prop("EndpointGroupRegion") == lost), None)
    survivors = [g for g in groups if g.prop("EndpointGroupRegion") != lost]
    components: list[Component] = []
    if lost_group is None or not survivors:
        warnings.append(
            "dynamodb-mrsc without a Global Accelerator endpoint group per region: nothing "
            "moves traffic off a lost region, so it waits for an operator"
        )
        components.append(assumed("detection", "failover-decision", "no endpoint group", []))
        shift_source = "no endpoint group"
    else:
        components.append(accelerator_detection(lost_group))
        shift_source = survivors[0].source("TrafficDialPercentage")
    components.append(
        assumed(
            "traffic-shift",
            "accelerator-shift",
            shift_source,
            ["detection"],
            note="the accelerator sends new connections to the surviving regions' endpoint "
            "groups (dial 100 already): static anycast IPs, no DNS caching. AWS publishes "
            "'about 30 s' and no upper bound; the worst case is tradedr's allowance",
        )
    )
    components.append(client_retries(settings.clients, ["traffic-shift"]))
    components.append(
        Component(
            "orders-store",
            0.0,
            0.0,
            0.0,
            lambda rng, n: np.zeros(n),
            orders.source("MultiRegionConsistency"),
            [orders.source("MultiRegionConsistency")],
            ["mrsc-acknowledged-write"],
            [],
            True,
            "nothing to promote: every surviving replica already takes strongly consistent "
            "writes and reads (MRSC)",
        )
    )
    components.append(
        assumed(
            "verification",
            "verification",
            "runbook",
            ["client-retries"],
            critical=False,
            note="operator smoke test after the accelerator moved traffic; the service already "
            "serves, so it is not on the recovery path",
        )
    )
    return RecoveryGraph(
        NAME,
        f"{lost} lost; the accelerator serves every other region, which already writes orders",
        components,
        missing_figure=MISSING_SHIFT_BOUND,
    )


def _routing_detection(
    endpoint_group: Resource | None, check: Resource | None, warnings: list[str]
) -> Component:
    """How the routing notices the loss: accelerator or Route 53 checks, an operator's
    decision under ARC, or (no health check at all) a manual detection."""
    if endpoint_group is not None:
        return accelerator_detection(endpoint_group)
    if is_recovery_control(check):
        assert check is not None
        warnings.append(
            "routing.traffic=arc: no automated region-loss detector in the templates (the "
            "health checks follow routing controls); region loss waits for an operator decision"
        )
        return assumed(
            "detection",
            "failover-decision",
            check.source("HealthCheckConfig.Type"),
            [],
            note="an operator (or automation outside these templates) decides and starts "
            "the failover plan",
        )
    if check is None:
        warnings.append("no Route 53 health check for the primary: detection is assumed manual")
        return assumed("detection", "verification", "no health check in templates", [])
    return detection(check)


def _confirmation(
    detector: Resource, endpoint_group: Resource | None, check: Resource | None
) -> Component:
    """The detector's confirmation; with a witness it counts only after the routing's
    detection."""
    automatic = automatic_detection(detector)
    witness = next(
        (
            key
            for key, present in (
                ("WITNESS_ACCELERATOR", endpoint_group is not None),
                ("WITNESS_ROUTE53", check is not None and not is_recovery_control(check)),
            )
            if present and detector.prop(f"{DETECTOR_ENV}.{key}")
        ),
        None,
    )
    if witness is not None:
        # Rounds count only once the routing's own checks see the primary unhealthy
        # (a healthy verdict vetoes them), so confirmation starts after their detection.
        automatic.after = ["detection"]
        automatic.sources.append(detector.source(f"{DETECTOR_ENV}.{witness}"))
        automatic.note += "; counted once the routing's checks also see the primary unhealthy"
    return automatic


def _rebuild(templates: TemplateSet, standby: str, plan_start: str) -> list[Component]:
    """backup-restore: nothing runs in the standby; rebuild it from the vault copies."""
    plan = templates.first("AWS::Backup::BackupPlan")
    plan_source = (
        plan.source("BackupPlan.BackupPlanRule.0.ScheduleExpression")
        if plan
        else f"no app stack in {standby}"
    )
    return [
        assumed(
            "app-stack-create",
            "app-stack-create",
            f"no app stack in {standby}",
            [plan_start],
            note="deploy the standby app stack from the same templates",
        ),
        assumed(
            "db-restore",
            "rds-snapshot-restore",
            plan_source,
            [plan_start],
            note="restore the orders DB from the latest copied snapshot",
        ),
        assumed(
            "dns-records",
            "app-reconnect",
            "global stack update adds the standby record",
            ["app-stack-create"],
            note="global stack update; changes reach Route 53 authoritative servers within 60 s",
        ),
        dns_shift(None, ["dns-records", "db-restore"]),
        assumed("verification", "verification", "runbook", ["traffic-shift"]),
    ]


def _standby_capacity(
    templates: TemplateSet, standby: str, standby_asg: Resource, plan_start: str
) -> tuple[list[Component], list[str]]:
    """Scaling the standby (a pilot light serves nothing until an instance passes
    /health), and what the traffic shift waits for."""
    primary = templates.settings.primary_region
    standby_desired = as_int(standby_asg.prop("DesiredCapacity"))
    primary_asg = asg(templates, primary)
    primary_desired = as_int(primary_asg.prop("DesiredCapacity")) if primary_asg else 1
    standby_tg = templates.first("AWS::ElasticLoadBalancingV2::TargetGroup", region=standby)
    to_launch = max(primary_desired - standby_desired, 0)
    if standby_desired == 0:
        launch = capacity(
            "standby-capacity",
            standby_asg,
            standby_tg,
            max(to_launch, 1),
            [plan_start],
            critical=True,
            note="the standby serves nothing until an instance passes /health",
        )
        standby_check = templates.health_check_for(standby)
        if standby_check is None:
            return [launch], [launch.name]
        passes = standby_health(standby_check, [launch.name])
        return [launch, passes], [passes.name]
    if to_launch == 0:
        return [], ["detection"]
    scale_out = capacity(
        "standby-scale-out",
        standby_asg,
        standby_tg,
        to_launch,
        [plan_start],
        critical=False,
        note=f"standby already serves with {standby_desired}",
    )
    return [scale_out], ["detection"]


SCENARIO = ScenarioDefinition(NAME, build)
