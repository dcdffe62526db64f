"""region-loss: detection by the routing, an operator or the detector; the traffic shift
the routing configures; the DB path (replica promotion, Aurora global failover)."""

from __future__ import annotations

from typing import Any

import pytest
from tests.unit.analysis.rto.support import (
    component,
    edited,
    region_loss,
    templates_of,
    with_detector,
    with_global_resource,
)

from tradedr.analysis import assumptions
from tradedr.analysis.rto import RtoReport, analyse_rto
from tradedr.analysis.rto.readers import region_loss_detector
from tradedr.analysis.templates import TemplateSet


@pytest.mark.parametrize(
    ("logical_id", "resource", "component_name", "faster"),
    [
        (
            "AcceleratorGroup",
            {
                "Type": "AWS::GlobalAccelerator::EndpointGroup",
                "Properties": {
                    "EndpointGroupRegion": "us-west-2",
                    "HealthCheckIntervalSeconds": 10,
                    "ThresholdCount": 3,
                },
            },
            "traffic-shift",
            True,
        ),
        (
            "Control",
            {
                "Type": "AWS::Route53RecoveryControl::RoutingControl",
                "Properties": {"Name": "standby"},
            },
            "routing-control-update",
            False,
        ),
    ],
    ids=["global-accelerator", "arc-routing-control"],
)
def test_traffic_shift_follows_the_configured_mechanism(
    baseline_synth: Any,
    logical_id: str,
    resource: dict[str, Any],
    component_name: str,
    faster: bool,
) -> None:
    base = templates_of(baseline_synth)
    plain = analyse_rto(base, samples=2000).scenario("region-loss")
    changed = analyse_rto(with_global_resource(base, logical_id, resource), samples=2000)
    scenario = changed.scenario("region-loss")
    names = [c.name for c in scenario.components]
    assert component_name in names
    shift = next(c for c in scenario.components if c.name == component_name)
    assert shift.source.startswith(f"{baseline_synth.stacks[-1].name}/{logical_id}.")
    if faster:
        assert scenario.rto.typical < plain.rto.typical
    else:
        assert scenario.rto.typical >= plain.rto.typical


@pytest.mark.parametrize("which", ["arc", "ga"])
def test_aurora_global_failover_replaces_replica_promotion(
    which: str, arc_report: RtoReport, ga_report: RtoReport
) -> None:
    report = arc_report if which == "arc" else ga_report
    promotion = component(report, "region-loss", "db-promotion")
    assert promotion["assumptions"] == ["aurora-global-failover"]
    assert ".GlobalClusterIdentifier=" in promotion["source"]
    assert promotion["source"].split("/")[0].endswith("replica-us-west-2")
    failover = assumptions.get("aurora-global-failover")
    assert promotion["seconds"] == {
        "best": failover.best,
        "typical": failover.typical,
        "worst": failover.worst,
    }
    assert not any("no orders DB replica" in w for w in report.warnings)


def test_arc_shift_is_update_then_propagation_then_dns(arc_report: RtoReport) -> None:
    names = [c.name for c in arc_report.scenario("region-loss").components]
    assert names.index("routing-control-update") < names.index("routing-control-propagation")
    assert names.index("routing-control-propagation") < names.index("traffic-shift")
    update = component(arc_report, "region-loss", "routing-control-update")
    assert "Control" in update["source"]
    assert "us-west-2" in update["source"]
    propagation = component(arc_report, "region-loss", "routing-control-propagation")
    assert propagation["source"].endswith("HealthCheckConfig.Type=RECOVERY_CONTROL")
    shift = component(arc_report, "region-loss", "traffic-shift")
    assert shift["after"] == ["routing-control-propagation"]
    assert shift["seconds"]["typical"] == 60  # failover alias records keep their 60 s TTL


def test_arc_detection_is_an_operator_decision_not_an_http_check(arc_report: RtoReport) -> None:
    detection = component(arc_report, "region-loss", "detection")
    assert detection["assumptions"] == ["failover-decision"]
    assert detection["source"].endswith("HealthCheckConfig.Type=RECOVERY_CONTROL")
    assert "None" not in detection["source"]
    assert any("operator decision" in w for w in arc_report.warnings)


def test_an_http_primary_check_replaces_the_operator_decision(fast_arc_synth: Any) -> None:
    def probe(logical_id: str, res: dict[str, Any]) -> None:
        if res["Type"] == "AWS::Route53::HealthCheck" and "useast1" in logical_id.lower():
            res["Properties"]["HealthCheckConfig"] = {
                "Type": "HTTPS",
                "RequestInterval": 10,
                "FailureThreshold": 1,
                "ResourcePath": "/health",
            }

    report = analyse_rto(edited(templates_of(fast_arc_synth), probe), samples=2000)
    detection = component(report, "region-loss", "detection")
    assert detection["assumptions"] == ["health-checker-consensus"]
    assert "RequestInterval=10" in detection["source"]


def test_accelerator_detection_and_shift_need_no_dns(ga_report: RtoReport) -> None:
    detection = component(ga_report, "region-loss", "detection")
    assert "HealthCheckIntervalSeconds=10" in detection["source"]
    assert any("ThresholdCount=1" in s for s in detection["sources"])
    assert detection["seconds"]["worst"] == 10  # 1 failed check x 10 s
    shift = component(ga_report, "region-loss", "traffic-shift")
    assert shift["assumptions"] == ["accelerator-shift"]
    assert shift["source"].endswith("EndpointGroupRegion=us-west-2")
    assert "TTL" not in shift["source"]


def test_accelerator_is_faster_than_arc_with_an_operator(
    arc_report: RtoReport, ga_report: RtoReport
) -> None:
    assert ga_report.scenario("region-loss").rto.p99 < arc_report.scenario("region-loss").rto.p99


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
    components = {c["name"]: c for c in region_loss(templates_of(synthesized))["components"]}
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
    scenario = region_loss(templates_of(request.getfixturevalue(synth)))
    components = {c["name"]: c for c in scenario["components"]}
    automatic = components["automatic-detection"]
    assert automatic["after"] == ["detection"]
    assert any("Environment.Variables.WITNESS_" in s for s in automatic["sources"])
    assert components["data-loss-guard"]["after"] == ["automatic-detection"]
    assert [c["name"] for c in scenario["components"]][:2] == ["detection", "automatic-detection"]
    assert automatic["start_typical"] == components["detection"]["seconds"]["typical"]


def test_without_a_witness_confirmation_starts_at_once(ga_templates: TemplateSet) -> None:
    def drop_witness(logical_id: str, res: dict[str, Any]) -> None:
        res.get("Properties", {}).get("Environment", {}).get("Variables", {}).pop(
            "WITNESS_ACCELERATOR", None
        )

    scenario = region_loss(edited(ga_templates, drop_witness))
    first, second = scenario["components"][:2]
    assert (first["name"], second["name"]) == ("automatic-detection", "detection")
    assert first["after"] == []
    assert first["start_typical"] == 0
    assert not any("WITNESS_" in s for s in first["sources"])
