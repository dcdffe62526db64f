"""az-loss: one Availability Zone of the primary is lost, in the worst case the DB
writer's; the ALB drops the zone's node and the orders DB fails over in the Region."""

from __future__ import annotations

from tradedr.analysis import assumptions
from tradedr.analysis.rto.components import (
    assumed,
    capacity,
    db_failover,
    primary_app_detection,
)
from tradedr.analysis.rto.model import (
    Component,
    RecoveryGraph,
    ScenarioDefinition,
    assumed_sampler,
    summed,
    triangular,
)
from tradedr.analysis.rto.readers import as_int, primary_db
from tradedr.analysis.templates import TemplateSet

NAME = "az-loss"


def build(templates: TemplateSet, warnings: list[str]) -> RecoveryGraph:
    primary = templates.settings.primary_region
    tg, group, components = primary_app_detection(templates)
    alb = templates.first("AWS::ElasticLoadBalancingV2::LoadBalancer", region=primary)
    alb_source = alb.source("Type", alb.prop("Type", "application")) if alb else "no ALB"
    overrun = assumptions.get("resolver-ttl-overrun")
    components.append(
        Component(
            "alb-node-dns",
            0.0,
            60.0,
            60.0 + overrun.worst,
            summed(triangular(0, 60, 60), assumed_sampler(overrun.key)),
            alb_source,
            assumptions=[overrun.key],
            after=["detection"],
            note="clients drop the lost AZ's ALB node as its 60 s DNS answer expires",
        )
    )
    desired = as_int(group.prop("DesiredCapacity")) if group else 0
    if group is not None:
        components.append(
            capacity(
                "replace-capacity",
                group,
                tg,
                max(desired // 2, 1),
                ["detection"],
                critical=desired < 2,
                note="instances in the surviving AZ serve meanwhile"
                if desired >= 2
                else "a single instance: nothing serves until it is replaced",
            )
        )
    tail = ["alb-node-dns"] + (["replace-capacity"] if group is not None and desired < 2 else [])
    database = db_failover(templates, primary_db(templates))
    components.extend(database)
    tail += [c.name for c in database[-1:]]  # the app reconnects last
    components.append(assumed("verification", "verification", "runbook", tail))
    return RecoveryGraph(
        NAME, f"one AZ of {primary} lost (worst case: the DB writer's)", components
    )


SCENARIO = ScenarioDefinition(NAME, build)
