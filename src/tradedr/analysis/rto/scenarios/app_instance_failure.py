"""app-instance-failure: one app instance fails its deep /health check; the ALB routes
around it and the Auto Scaling group replaces it."""

from __future__ import annotations

from tradedr.analysis.rto.components import assumed, capacity, target_detection
from tradedr.analysis.rto.model import Component, RecoveryGraph, ScenarioDefinition
from tradedr.analysis.rto.readers import as_int, asg
from tradedr.analysis.templates import TemplateSet

NAME = "app-instance-failure"


def build(templates: TemplateSet, warnings: list[str]) -> RecoveryGraph:
    primary = templates.settings.primary_region
    tg = templates.first("AWS::ElasticLoadBalancingV2::TargetGroup", region=primary)
    group = asg(templates, primary)
    components: list[Component] = []
    if tg is not None:
        components.append(target_detection(tg))
    else:
        components.append(assumed("detection", "verification", "no target group", []))
    if group is not None:
        desired = as_int(group.prop("DesiredCapacity"))
        components.append(
            capacity(
                "replace-instance",
                group,
                tg,
                1,
                ["detection"],
                critical=desired < 2,
                note="the ALB routes around it at once"
                if desired >= 2
                else "the only instance: nothing serves until it is replaced",
            )
        )
    return RecoveryGraph(NAME, "one app instance fails its deep /health", components)


SCENARIO = ScenarioDefinition(NAME, build)
