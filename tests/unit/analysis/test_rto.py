"""RTO/RPO model: acceptance figures, template-driven behaviour, and monotonicity."""

from __future__ import annotations

import copy
import re
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tradedr.analysis.rto import SCENARIOS, analyse_rto, backup_interval_seconds
from tradedr.analysis.templates import StackDoc, TemplateSet
from tradedr.config import POSTURE_ORDER, Posture

SOURCE = re.compile(r"^[a-z0-9-]+/[A-Za-z0-9]+\.[A-Za-z0-9.]+=.+")


def templates_of(synth: Any) -> TemplateSet:
    return TemplateSet.from_synth(synth.settings, synth.stacks)


def mutated(base: TemplateSet, edit: Any) -> TemplateSet:
    """A deep copy of `base` with `edit(resource_type, properties)` applied to every resource."""
    stacks = []
    for stack in base.stacks:
        template = copy.deepcopy(stack.template)
        for res in template["Resources"].values():
            edit(res["Type"], res.setdefault("Properties", {}))
        stacks.append(StackDoc(stack.name, stack.region, stack.kind, template))
    return TemplateSet(base.settings, stacks)


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
    assert report.scenario("region-loss").rto["p99"] <= targets.rto_seconds
    assert all(r.met for r in report.rpo), [r.to_dict() for r in report.rpo if not r.met]
    assert report.met


def test_json_shape_and_sources(default_synth: Any) -> None:
    data = analyse_rto(templates_of(default_synth)).to_dict()
    assert [s["name"] for s in data["scenarios"]] == list(SCENARIOS)
    for scenario in data["scenarios"]:
        assert set(scenario["rto_seconds"]) == {"best", "typical", "worst", "p50", "p99"}
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
    p99 = {
        p: analyse_rto(templates_of(posture_synths[p]), samples=4000)
        .scenario("region-loss")
        .rto["p99"]
        for p in POSTURE_ORDER
    }
    assert p99[Posture.BACKUP_RESTORE] > p99[Posture.PILOT_LIGHT] >= p99[Posture.WARM_STANDBY]
    assert p99[Posture.WARM_STANDBY] >= p99[Posture.HOT_STANDBY]
    assert p99[Posture.WARM_STANDBY] >= p99[Posture.ACTIVE_ACTIVE]


@pytest.mark.parametrize(
    ("schedule", "seconds"),
    [
        ("cron(0 5 * * ? *)", 86400),
        ("cron(0 * * * ? *)", 3600),
        ("cron(0 */4 * * ? *)", 4 * 3600),
        ("cron(0 0,12 * * ? *)", 12 * 3600),
        ("rate(1 day)", 86400),
        ("", 86400),
    ],
)
def test_backup_interval(schedule: str, seconds: int) -> None:
    assert backup_interval_seconds(schedule) == seconds


def _drop_replica_lag_alarm(type_: str, props: dict[str, Any]) -> None:
    if type_ == "AWS::CloudWatch::Alarm" and props.get("MetricName") == "ReplicaLag":
        props["MetricName"] = "SomethingElse"


def _single_az(type_: str, props: dict[str, Any]) -> None:
    if type_ == "AWS::RDS::DBInstance" and not props.get("SourceDBInstanceIdentifier"):
        props["MultiAZ"] = False


def _no_rtc(type_: str, props: dict[str, Any]) -> None:
    if type_ == "AWS::S3::Bucket":
        for rule in props.get("ReplicationConfiguration", {}).get("Rules", []):
            rule["Destination"].pop("ReplicationTime", None)


@pytest.mark.parametrize(
    ("edit", "store_or_scenario", "expect"),
    [
        (_drop_replica_lag_alarm, "orders-db", {"rpo_seconds": None, "met": False}),
        (_no_rtc, "objects", {"rpo_seconds": 86400, "met": False}),
        (_single_az, "db-instance-failure", {"typical_at_least": 1800}),
    ],
    ids=["no-replica-lag-alarm", "s3-without-rtc", "single-az-db"],
)
def test_template_changes_show_up(
    default_synth: Any, edit: Any, store_or_scenario: str, expect: dict[str, Any]
) -> None:
    report = analyse_rto(mutated(templates_of(default_synth), edit), samples=2000)
    if "typical_at_least" in expect:
        scenario = report.scenario(store_or_scenario)
        assert scenario.rto["typical"] >= expect["typical_at_least"]
        assert not report.met
        return
    entry = next(r for r in report.rpo if r.store.startswith(store_or_scenario))
    assert entry.rpo_seconds == expect["rpo_seconds"]
    assert entry.met is expect["met"]
    assert not report.met


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
        for key in ("best", "typical", "worst", "p50", "p99"):
            assert fast_rto[key] <= slow_rto[key] + 1e-6, (name, key, slow_rto, fast_rto)


def _with_global_resource(base: TemplateSet, logical_id: str, resource: dict[str, Any]) -> Any:
    stacks = []
    for stack in base.stacks:
        template = copy.deepcopy(stack.template)
        if stack.kind == "global":
            template["Resources"][logical_id] = resource
        stacks.append(StackDoc(stack.name, stack.region, stack.kind, template))
    return TemplateSet(base.settings, stacks)


@pytest.mark.parametrize(
    ("logical_id", "resource", "component", "faster"),
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
    baseline_synth: Any, logical_id: str, resource: dict[str, Any], component: str, faster: bool
) -> None:
    base = templates_of(baseline_synth)
    plain = analyse_rto(base, samples=2000).scenario("region-loss")
    changed = analyse_rto(_with_global_resource(base, logical_id, resource), samples=2000)
    scenario = changed.scenario("region-loss")
    names = [c.name for c in scenario.components]
    assert component in names
    shift = next(c for c in scenario.components if c.name == component)
    assert shift.source.startswith(f"{baseline_synth.stacks[-1].name}/{logical_id}.")
    if faster:
        assert scenario.rto["typical"] < plain.rto["typical"]
    else:
        assert scenario.rto["typical"] >= plain.rto["typical"]


def test_three_regions_fail_over_to_the_first_standby(three_region_synth: Any) -> None:
    report = analyse_rto(templates_of(three_region_synth), samples=2000)
    assert "us-west-2" in report.scenario("region-loss").description
    stores = [r.store for r in report.rpo]
    assert any("eu-west-1" in s for s in stores)
    assert any("us-west-2" in s for s in stores)
