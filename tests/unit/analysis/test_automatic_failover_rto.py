"""RTO of automatic regional failover: the detector's probe settings, read from its template
environment, decide detection; the DB path no longer waits for an operator."""

from __future__ import annotations

import copy
from typing import Any

import numpy as np
import pytest

from tradedr.analysis.rto import (
    DETECTOR_INVOCATION_SECONDS,
    DETECTOR_ROLE,
    analyse_rto,
    automatic_detection,
    region_loss_detector,
)
from tradedr.analysis.templates import Resource, StackDoc, TemplateSet


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


@pytest.fixture(scope="module")
def ga_templates(fast_ga_synth: Any) -> TemplateSet:
    return TemplateSet.from_synth(fast_ga_synth.settings, fast_ga_synth.stacks)


def region_loss(templates: TemplateSet) -> dict[str, Any]:
    report = analyse_rto(templates, samples=5000)
    return report.scenario("region-loss").to_dict(templates.settings.targets.rto_seconds)


@pytest.mark.parametrize(
    ("interval", "failures", "timeout"),
    [(5, 3, 2), (1, 2, 1), (10, 3, 5), (10, 4, 5)],
)
def test_detection_follows_the_probe_settings(interval: int, failures: int, timeout: int) -> None:
    component = automatic_detection(detector_resource(interval, failures, timeout))
    assert component.best == (failures - 1) * interval
    assert component.typical == failures * interval + timeout / 2
    assert component.worst > failures * interval + timeout
    assert all("Environment.Variables.PROBE_" in s for s in component.sources)
    drawn = component.sampler(np.random.default_rng(1), 20_000)
    assert drawn.min() >= component.best
    assert drawn.max() <= component.worst
    # Counting restarts when the invocation ends first (more often the longer confirmation
    # takes); a restart takes longer than any confirmation within one invocation.
    confirm = failures * interval + timeout
    restart_chance = ((failures - 0.5) * interval + timeout / 2) / DETECTOR_INVOCATION_SECONDS
    beyond = float(np.mean(drawn > confirm))
    assert 0 < beyond <= restart_chance + 0.02


def test_no_detector_means_no_automatic_path(ga_templates: TemplateSet) -> None:
    manual = with_detector(ga_templates, present=False)
    assert region_loss_detector(manual, "us-west-2") is None
    names = [c["name"] for c in region_loss(manual)["components"]]
    assert "automatic-detection" not in names


def test_the_detector_drives_the_db_path_and_verification_leaves_it(
    ga_templates: TemplateSet,
) -> None:
    automatic = region_loss(with_detector(ga_templates, present=True))
    components = {c["name"]: c for c in automatic["components"]}
    assert components["automatic-detection"]["critical"]
    assert components["data-loss-guard"]["after"] == ["automatic-detection"]
    assert components["data-loss-guard"]["source"].endswith(
        "Environment.Variables.MAX_DATA_LOSS_SECONDS=1"
    )
    assert components["db-promotion"]["after"] == ["data-loss-guard"]
    assert components["app-reconnect"]["after"] == ["db-promotion"]
    assert not components["verification"]["critical"]
    # Traffic still moves on the accelerator's own health checks, in parallel.
    assert components["traffic-shift"]["after"] == ["detection"]


def test_automatic_failover_is_faster_than_the_operator_path(ga_templates: TemplateSet) -> None:
    automatic = region_loss(with_detector(ga_templates, present=True))["rto_seconds"]
    manual = region_loss(with_detector(ga_templates, present=False))["rto_seconds"]
    assert automatic["p99"] < manual["p99"]
    assert automatic["typical"] < manual["typical"]


def test_the_detector_costs_lambda_time_that_the_snapshot_cannot_price(
    ga_templates: TemplateSet,
) -> None:
    """It runs all the time (rate(1 minute), up to 60 s): billed GB-seconds and requests.
    The bundled snapshot has no Lambda price, so the lines say so instead of guessing."""
    from tradedr.analysis.cost import analyse_cost
    from tradedr.analysis.prices import SnapshotPrices

    with_it = analyse_cost(with_detector(ga_templates, present=True), SnapshotPrices())
    without = analyse_cost(with_detector(ga_templates, present=False), SnapshotPrices())
    lines = [i for i in with_it.region("us-west-2").items if i.component == "lambda"]
    assert [i.unit for i in lines] == ["GB-seconds", "million requests"]
    hours = with_it.settings.usage.hours_per_month
    assert lines[0].quantity == pytest.approx(hours * 60 * 60 * 128 / 1024)
    assert lines[1].quantity == pytest.approx(hours * 60 / 1_000_000)
    assert all(i.price.usd is None and i.monthly is None for i in lines)
    # The rotation function (present in both) has no line; nothing else changes.
    assert not [i for i in without.region("us-west-2").items if i.component == "lambda"]
    assert with_it.total_monthly == without.total_monthly
    assert any("region-loss detector" in w for w in with_it.warnings)


@pytest.mark.parametrize(
    ("synth", "automatic", "decision_after"),
    [
        ("default_synth", False, ["detection"]),
        ("fast_ga_manual_synth", False, ["detection"]),
        ("fast_ga_synth", True, None),
        ("fast_arc_synth", False, None),  # ARC's detection already is the operator decision
    ],
)
def test_without_the_detector_an_operator_starts_the_plan(
    request: pytest.FixtureRequest, synth: str, automatic: bool, decision_after: Any
) -> None:
    synthesized = request.getfixturevalue(synth)
    assert synthesized.settings.failover.automatic is automatic
    templates = TemplateSet.from_synth(synthesized.settings, synthesized.stacks)
    components = {c["name"]: c for c in region_loss(templates)["components"]}
    decision = components.get("failover-decision")
    if decision_after is None:
        assert decision is None
        return
    assert decision is not None
    assert decision["after"] == decision_after
    assert decision["assumptions"] == ["failover-decision"]
    # The plan's steps wait for the decision; health-check traffic shifts do not.
    assert components["db-promotion"]["after"] == ["failover-decision"]
    assert "failover-decision" not in components["traffic-shift"]["after"]


@pytest.mark.parametrize("synth", ["fast_ga_synth", "fast_dns_auto_synth"])
def test_with_a_witness_confirmation_follows_the_routing_detection(
    request: pytest.FixtureRequest, synth: str
) -> None:
    synthesized = request.getfixturevalue(synth)
    templates = TemplateSet.from_synth(synthesized.settings, synthesized.stacks)
    components = {c["name"]: c for c in region_loss(templates)["components"]}
    automatic = components["automatic-detection"]
    assert automatic["after"] == ["detection"]
    assert any("Environment.Variables.WITNESS_" in s for s in automatic["sources"])
    assert components["data-loss-guard"]["after"] == ["automatic-detection"]
