"""app-instance-failure: one app instance fails its deep /health check; the ALB routes
around it and the Auto Scaling group replaces it."""

from __future__ import annotations

from tradedr.analysis.rto.components import capacity, primary_app_detection
from tradedr.analysis.rto.model import RecoveryGraph, ScenarioDefinition
from tradedr.analysis.rto.readers import as_int
from tradedr.analysis.templates import TemplateSet

NAME = "app-instance-failure"


def build(templates: TemplateSet, warnings: list[str]) -> RecoveryGraph:
    tg, group, components = primary_app_detection(templates)
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
