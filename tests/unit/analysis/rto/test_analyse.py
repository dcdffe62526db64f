"""`analyse_rto` end to end: acceptance figures, the JSON shape, seeding, and monotonicity
across postures and detection settings."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from tests.unit.analysis.rto.support import mutated, templates_of
from typer.testing import CliRunner

from tradedr.analysis import assumptions
from tradedr.analysis.rto import SCENARIOS, RtoReport, analyse_rto
from tradedr.cli import app
from tradedr.config import POSTURE_ORDER, Posture

SOURCE = re.compile(r"^[a-z0-9-]+/[A-Za-z0-9]+\.[A-Za-z0-9.]+=.+")
FAST_SOURCE = re.compile(r"^[a-z0-9-]+/[A-Za-z0-9]+\.[A-Za-z0-9._]+=.+")


def test_reference_baseline_region_loss_matches_the_reference_ranges(baseline_synth: Any) -> None:
    report = analyse_rto(templates_of(baseline_synth)).to_dict()
    region_loss = next(s for s in report["scenarios"] if s["name"] == "region-loss")
    assert 150 <= region_loss["rto_seconds"]["typical"] <= 690
    detection = next(c for c in region_loss["components"] if c["name"] == "detection")
    assert detection["seconds"]["typical"] == 90
    assert "RequestInterval=30" in detection["source"]
    assert any("FailureThreshold=3" in s for s in detection["sources"])


def test_default_config_meets_its_targets(default_synth: Any) -> None:
    report = analyse_rto(templates_of(default_synth))
    targets = default_synth.settings.targets
    assert report.scenario("region-loss").rto.p99 <= targets.rto_seconds
    assert all(r.met for r in report.rpo), [r.to_dict() for r in report.rpo if not r.met]
    assert report.met


def test_every_scenario_carries_the_config_target_and_its_verdict(fast_arc_synth: Any) -> None:
    report = analyse_rto(templates_of(fast_arc_synth), samples=2000)
    target = fast_arc_synth.settings.targets.rto_seconds
    assert {s.target_seconds for s in report.scenarios} == {target}
    for scenario in report.scenarios:
        assert scenario.met is (scenario.rto.p99 <= target)
    assert not report.scenario("region-loss").met
    assert report.met is (all(s.met for s in report.scenarios) and all(r.met for r in report.rpo))


def test_json_shape_and_sources(default_synth: Any) -> None:
    data = analyse_rto(templates_of(default_synth)).to_dict()
    assert [s["name"] for s in data["scenarios"]] == list(SCENARIOS)
    for scenario in data["scenarios"]:
        assert list(scenario["rto_seconds"]) == ["best", "typical", "worst", "p50", "p99"]
        rto = scenario["rto_seconds"]
        assert rto["best"] <= rto["typical"] <= rto["worst"]
        assert rto["p50"] <= rto["p99"] <= rto["worst"]
        for component in scenario["components"]:
            assert set(component["seconds"]) == {"best", "typical", "worst"}
            templated = [s for s in component["sources"] if SOURCE.match(s)]
            assert templated or component["assumptions"], component
    assert {"store", "rpo_seconds", "basis"} <= set(data["rpo"][0])
    assert set(data["targets"]) >= {"rto_seconds", "rpo_seconds"}
    assert isinstance(data["met"], bool)


def test_monte_carlo_is_seeded(default_synth: Any) -> None:
    templates = templates_of(default_synth)
    first = analyse_rto(templates, samples=3000).to_dict()["scenarios"]
    again = analyse_rto(templates, samples=3000).to_dict()["scenarios"]
    other = analyse_rto(templates, samples=3000, seed=7).to_dict()["scenarios"]
    assert first == again
    assert first != other


def test_postures_recover_no_slower_as_standby_grows(posture_synths: Any) -> None:
    reports = {p: analyse_rto(templates_of(posture_synths[p]), samples=4000) for p in POSTURE_ORDER}
    p99 = {p: report.scenario("region-loss").rto.p99 for p, report in reports.items()}
    assert p99[Posture.BACKUP_RESTORE] > p99[Posture.PILOT_LIGHT] >= p99[Posture.WARM_STANDBY]
    assert p99[Posture.WARM_STANDBY] >= p99[Posture.HOT_STANDBY]
    assert p99[Posture.WARM_STANDBY] >= p99[Posture.ACTIVE_ACTIVE]


def _health_checks(interval: int, threshold: int) -> Any:
    def edit(type_: str, props: dict[str, Any]) -> None:
        if type_ == "AWS::Route53::HealthCheck":
            props["HealthCheckConfig"]["RequestInterval"] = interval
            props["HealthCheckConfig"]["FailureThreshold"] = threshold

    return edit


@settings(
    max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    interval=st.sampled_from([10, 30]),
    shorter=st.sampled_from([10, 30]),
    threshold=st.integers(1, 10),
    lower=st.integers(1, 10),
)
def test_faster_detection_never_increases_rto(
    baseline_synth: Any, interval: int, shorter: int, threshold: int, lower: int
) -> None:
    base = templates_of(baseline_synth)
    shorter, lower = min(shorter, interval), min(lower, threshold)
    slow = analyse_rto(mutated(base, _health_checks(interval, threshold)), samples=1500)
    fast = analyse_rto(mutated(base, _health_checks(shorter, lower)), samples=1500)
    for name in SCENARIOS:
        slow_rto, fast_rto = slow.scenario(name).rto, fast.scenario(name).rto
        for key, value in fast_rto.items():
            assert value <= slow_rto[key] + 1e-6, (name, key, slow_rto, fast_rto)


def test_three_regions_fail_over_to_the_first_standby(three_region_synth: Any) -> None:
    report = analyse_rto(templates_of(three_region_synth), samples=2000)
    assert "us-west-2" in report.scenario("region-loss").description
    stores = [r.store for r in report.rpo]
    assert any("eu-west-1" in s for s in stores)
    assert any("us-west-2" in s for s in stores)


@pytest.mark.parametrize("which", ["arc", "ga"])
def test_every_fast_component_names_a_template_property(
    which: str, arc_report: RtoReport, ga_report: RtoReport
) -> None:
    report = arc_report if which == "arc" else ga_report
    for scenario in report.to_dict()["scenarios"]:
        for comp in scenario["components"]:
            if comp["name"] == "verification":
                continue  # the runbook's smoke test, not a resource
            assert FAST_SOURCE.match(comp["source"]), (scenario["name"], comp)
    for entry in report.to_dict()["rpo"]:
        assert FAST_SOURCE.match(entry["source"]), entry


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
    assert region_loss.best >= decision.best
    assert region_loss.p99 > targets.rto_seconds
    assert not arc_report.met
    # Even without an operator (accelerator), Aurora global failover, reconnect and the
    # smoke test run in series after detection: more than a minute at p99.
    ga = ga_report.scenario("region-loss").rto
    assert ga.typical >= assumptions.get("aurora-global-failover").typical
    assert ga.p99 > targets.rto_seconds
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


def test_acceptance_command_reports_each_source_and_fails_honestly(fast_arc_synth: Any) -> None:
    """`tradedr rto --config examples/hot-standby-fast.toml --json` as the issue runs it."""
    example = Path(__file__).resolve().parents[4] / "examples" / "hot-standby-fast.toml"
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


def test_region_loss_covers_every_standby_and_names_the_slowest(three_region_synth: Any) -> None:
    """Three regions: the report times the failover to each standby. Alike standbys tie;
    give eu-west-1's latency record a 900 s TTL and it is named the slowest."""
    base = templates_of(three_region_synth)
    alike = analyse_rto(base, samples=2000)
    assert [s for s, _ in alike.region_loss_by_standby] == ["us-west-2", "eu-west-1"]
    assert alike.standbys_tied
    assert alike.to_dict()["standbys_tied"] is True

    def slow_eu(type_: str, props: dict[str, Any]) -> None:
        if type_ == "AWS::Route53::RecordSet" and props.get("SetIdentifier") == "eu-west-1":
            props.pop("AliasTarget", None)
            props["TTL"] = "900"
            props["ResourceRecords"] = ["192.0.2.1"]

    slowed = analyse_rto(mutated(base, slow_eu), samples=2000)
    data = slowed.to_dict()
    assert data["slowest_standby"] == "eu-west-1"
    assert data["standbys_tied"] is False
    p99 = {row["standby"]: row["rto_seconds"]["p99"] for row in data["region_loss_by_standby"]}
    assert p99["eu-west-1"] > p99["us-west-2"]
    assert any(w.endswith("slowest: eu-west-1") for w in slowed.warnings)


def test_two_regions_report_no_per_standby_rows(default_synth: Any) -> None:
    data = analyse_rto(templates_of(default_synth), samples=500).to_dict()
    assert "region_loss_by_standby" not in data
