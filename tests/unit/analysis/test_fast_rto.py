"""RTO/RPO of the fast-failover options: Aurora global database, ARC routing controls,
Global Accelerator. Figures come from the synthesized example, never hard-coded."""

from __future__ import annotations

import copy
import json
import re
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from tradedr.analysis import assumptions
from tradedr.analysis.rto import RtoReport, analyse_rto
from tradedr.analysis.templates import StackDoc, TemplateSet
from tradedr.cli import app

SOURCE = re.compile(r"^[a-z0-9-]+/[A-Za-z0-9]+\.[A-Za-z0-9._]+=.+")


def templates_of(synth: Any) -> TemplateSet:
    return TemplateSet.from_synth(synth.settings, synth.stacks)


def edited(base: TemplateSet, edit: Any) -> TemplateSet:
    """A deep copy of `base` with `edit(logical_id, resource)` applied to every resource."""
    stacks = []
    for stack in base.stacks:
        template = copy.deepcopy(stack.template)
        for logical_id, res in template["Resources"].items():
            edit(logical_id, res)
        stacks.append(StackDoc(stack.name, stack.region, stack.kind, template))
    return TemplateSet(base.settings, stacks)


@pytest.fixture(scope="module")
def arc_report(fast_arc_synth: Any) -> RtoReport:
    return analyse_rto(templates_of(fast_arc_synth))


@pytest.fixture(scope="module")
def ga_report(fast_ga_synth: Any) -> RtoReport:
    return analyse_rto(templates_of(fast_ga_synth))


def component(report: RtoReport, scenario: str, name: str) -> dict[str, Any]:
    data = report.scenario(scenario).to_dict(report.settings.targets.rto_seconds)
    return next(c for c in data["components"] if c["name"] == name)


@pytest.mark.parametrize("which", ["arc", "ga"])
def test_every_component_names_a_template_property(
    which: str, arc_report: RtoReport, ga_report: RtoReport
) -> None:
    report = arc_report if which == "arc" else ga_report
    for scenario in report.to_dict()["scenarios"]:
        for comp in scenario["components"]:
            if comp["name"] == "verification":
                continue  # the runbook's smoke test, not a resource
            assert SOURCE.match(comp["source"]), (scenario["name"], comp)
    for entry in report.to_dict()["rpo"]:
        assert SOURCE.match(entry["source"]), entry


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
    assert (
        ga_report.scenario("region-loss").rto["p99"] < arc_report.scenario("region-loss").rto["p99"]
    )


@pytest.mark.parametrize("scenario", ["az-loss", "db-instance-failure"])
def test_in_region_db_failure_promotes_an_aurora_reader(
    arc_report: RtoReport, scenario: str
) -> None:
    failover = component(arc_report, scenario, "db-failover")
    assert failover["assumptions"] == ["aurora-cluster-failover"]
    assert ".PromotionTier=" in failover["source"]


def test_acceptance_figures_of_the_fast_example(
    arc_report: RtoReport, ga_report: RtoReport
) -> None:
    """The issue's acceptance: region-loss p99 <= 60 s and orders/sessions RPO <= 1 s.

    Asserted as the model finds them, not as the issue wishes: with ARC and no automated
    detector, an operator decision precedes the failover, so the RTO target is not met; the
    orders and sessions RPOs are bounded by their lag alarms at 1 s
    (see docs/rto-rpo.md, "Fast failover: what the numbers say")."""
    targets = arc_report.settings.targets
    region_loss = arc_report.scenario("region-loss").rto
    decision = assumptions.get("failover-decision")
    assert region_loss["best"] >= decision.best
    assert region_loss["p99"] > targets.rto_seconds
    assert not arc_report.met
    # Even without an operator (accelerator), Aurora global failover, reconnect and the
    # smoke test run in series after detection: more than a minute at p99.
    ga = ga_report.scenario("region-loss").rto
    assert ga["typical"] >= assumptions.get("aurora-global-failover").typical
    assert ga["p99"] > targets.rto_seconds
    rpo = {r.store: r for r in arc_report.rpo}
    orders = rpo["orders-db (us-west-2 Aurora global secondary)"]
    assert orders.rpo_seconds is not None
    assert orders.rpo_seconds <= targets.rpo_seconds == 1
    assert orders.source.endswith("Threshold=1000")
    # The primary's alarm on the Maximum ReplicationLatency into us-west-2, at 1000 ms,
    # bounds what a failover can lose from the sessions table.
    sessions = rpo["sessions (DynamoDB global table)"]
    assert sessions.rpo_seconds == 1.0
    assert sessions.source.endswith("Threshold=1000")
    assert "trading-fast-app-us-east-1/" in sessions.source
    objects = next(r for r in arc_report.rpo if r.store.startswith("objects"))
    assert objects.target_name == "objects_rpo_seconds"
    assert objects.met


def test_a_maximum_sessions_alarm_bounds_the_sessions_rpo(fast_arc_synth: Any) -> None:
    def maximum(logical_id: str, res: dict[str, Any]) -> None:
        props = res.get("Properties", {})
        if props.get("Namespace") == "AWS/DynamoDB" and props.get("MetricName") == (
            "ReplicationLatency"
        ):
            props["Statistic"] = "Maximum"

    report = analyse_rto(edited(templates_of(fast_arc_synth), maximum), samples=2000)
    sessions = next(r for r in report.rpo if r.store.startswith("sessions"))
    assert sessions.rpo_seconds == 1.0
    assert sessions.source.endswith("Threshold=1000")
    assert sessions.met


@pytest.mark.parametrize(
    ("edit", "expected", "warning"),
    [
        ({"Statistic": "Average"}, None, "statistic"),
        ({"Threshold": 5000}, 5.0, None),
        (None, None, "no AuroraGlobalDBReplicationLag alarm"),
    ],
    ids=["average-does-not-bound", "threshold-is-the-bound", "no-alarm-unbounded"],
)
def test_orders_rpo_follows_the_lag_alarm(
    fast_arc_synth: Any, edit: dict[str, Any] | None, expected: float | None, warning: str | None
) -> None:
    removed: list[str] = []

    def change(logical_id: str, res: dict[str, Any]) -> None:
        props = res.get("Properties", {})
        if props.get("MetricName") == "AuroraGlobalDBReplicationLag":
            if edit is None:
                props["MetricName"] = "Removed"
                removed.append(logical_id)
            else:
                props.update(edit)

    report = analyse_rto(edited(templates_of(fast_arc_synth), change), samples=2000)
    orders = next(r for r in report.rpo if r.store.startswith("orders-db"))
    assert orders.rpo_seconds == expected
    if warning:
        assert any(warning in w for w in report.warnings), report.warnings
    assert edit is not None or removed


def test_acceptance_command_reports_each_source_and_fails_honestly(fast_arc_synth: Any) -> None:
    """`tradedr rto --config examples/hot-standby-fast.toml --json` as the issue runs it."""
    example = Path(__file__).resolve().parents[3] / "examples" / "hot-standby-fast.toml"
    templates = str(Path(fast_arc_synth.stacks[0].template_path).parent)
    result = CliRunner().invoke(
        app, ["rto", "--config", str(example), "--templates", templates, "--json"]
    )
    assert result.exit_code == 1, result.output  # targets not met: see the test above
    data = json.loads(result.stdout)
    region_loss = next(s for s in data["scenarios"] if s["name"] == "region-loss")
    assert region_loss["met"] is False
    names = {c["name"] for c in region_loss["components"]}
    assert {"detection", "routing-control-update", "db-promotion", "traffic-shift"} <= names
    orders = next(r for r in data["rpo"] if r["store"].startswith("orders-db"))
    assert orders["met"] is True
    assert orders["rpo_seconds"] == 1.0
