"""Helpers for the RTO model tests: template sets from a synth, edited copies of them, and
a region-loss detector to add or remove."""

from __future__ import annotations

import copy
from collections.abc import Callable
from typing import Any

from tradedr.analysis.rto import analyse_rto
from tradedr.analysis.rto.readers import DETECTOR_ROLE
from tradedr.analysis.templates import Resource, StackDoc, TemplateSet


def templates_of(synth: Any) -> TemplateSet:
    return TemplateSet.from_synth(synth.settings, synth.stacks)


def edited(base: TemplateSet, edit: Callable[[str, dict[str, Any]], None]) -> TemplateSet:
    """A deep copy of `base` with `edit(logical_id, resource)` applied to every resource."""
    stacks = []
    for stack in base.stacks:
        template = copy.deepcopy(stack.template)
        for logical_id, res in template["Resources"].items():
            edit(logical_id, res)
        stacks.append(StackDoc(stack.name, stack.region, stack.kind, template))
    return TemplateSet(base.settings, stacks)


def mutated(base: TemplateSet, edit: Callable[[str, dict[str, Any]], None]) -> TemplateSet:
    """A deep copy of `base` with `edit(resource_type, properties)` applied to every resource."""

    def on_properties(logical_id: str, res: dict[str, Any]) -> None:
        edit(res["Type"], res.setdefault("Properties", {}))

    return edited(base, on_properties)


def with_global_resource(base: TemplateSet, logical_id: str, resource: dict[str, Any]) -> Any:
    stacks = []
    for stack in base.stacks:
        template = copy.deepcopy(stack.template)
        if stack.kind == "global":
            template["Resources"][logical_id] = resource
        stacks.append(StackDoc(stack.name, stack.region, stack.kind, template))
    return TemplateSet(base.settings, stacks)


def detector_resource(interval: int, failures: int, timeout: int) -> Resource:
    env = {
        "TRADEDR_ROLE": DETECTOR_ROLE,
        "PROBE_INTERVAL_SECONDS": str(interval),
        "PROBE_FAILURES": str(failures),
        "PROBE_TIMEOUT_SECONDS": str(timeout),
        "MAX_DATA_LOSS_SECONDS": "1",
    }
    return Resource(
        "s-app-us-west-2",
        "us-west-2",
        "RegionLossDetectorFunction",
        "AWS::Lambda::Function",
        {"Environment": {"Variables": env}},
    )


def with_detector(base: TemplateSet, *, present: bool) -> TemplateSet:
    """`base` with (or without) a detector in the first standby's app stack."""
    standby = base.settings.standby_regions[0]
    stacks = []
    for stack in base.stacks:
        template = copy.deepcopy(stack.template)
        resources = template["Resources"]
        for logical_id in [
            k
            for k, v in resources.items()
            if v.get("Properties", {})
            .get("Environment", {})
            .get("Variables", {})
            .get("TRADEDR_ROLE")
            == DETECTOR_ROLE
        ]:
            del resources[logical_id]
        if present and stack.kind == "app" and stack.region == standby:
            resources["RegionLossDetectorFunction"] = {
                "Type": "AWS::Lambda::Function",
                "Properties": detector_resource(5, 3, 2).properties,
            }
        stacks.append(StackDoc(stack.name, stack.region, stack.kind, template))
    return TemplateSet(base.settings, stacks)


def region_loss(templates: TemplateSet) -> dict[str, Any]:
    return analyse_rto(templates, samples=5000).scenario("region-loss").to_dict()


def component(report: Any, scenario: str, name: str) -> dict[str, Any]:
    data = report.scenario(scenario).to_dict()
    return next(c for c in data["components"] if c["name"] == name)
