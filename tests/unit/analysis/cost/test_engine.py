"""The cost walk over whole deployments: acceptance figures, honest handling of missing
prices, deployment order, types nobody prices."""

from __future__ import annotations

import copy
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tradedr.analysis.cost import analyse_cost
from tradedr.analysis.prices import SnapshotPrices
from tradedr.analysis.templates import StackDoc, TemplateSet
from tradedr.config import POSTURE_ORDER, Posture


def templates_of(synth: Any) -> TemplateSet:
    return TemplateSet.from_synth(synth.settings, synth.stacks)


@pytest.mark.parametrize(
    ("component", "reference"),
    [("ec2", 120), ("alb", 25), ("rds-instance", 350), ("rds-storage", 23)],
)
def test_reference_baseline_line_items_within_15_percent(
    baseline_synth: Any, component: str, reference: float
) -> None:
    report = analyse_cost(templates_of(baseline_synth), SnapshotPrices())
    primary = report.region("us-east-1").by_component()
    assert abs(primary[component] - reference) <= 0.15 * reference, primary


def test_reference_baseline_primary_total(baseline_synth: Any) -> None:
    data = analyse_cost(templates_of(baseline_synth), SnapshotPrices()).to_dict()
    assert data["regions"][0]["region"] == "us-east-1"
    assert 678 <= data["regions"][0]["monthly"] <= 1218


def test_json_shape(default_synth: Any) -> None:
    data = analyse_cost(templates_of(default_synth), SnapshotPrices()).to_dict()
    assert data["currency"] == "USD"
    assert data["price_date"] == "2026-11-28"
    assert [r["region"] for r in data["regions"]] == ["us-east-1", "us-west-2", "global"]
    for region in data["regions"]:
        for item in region["items"]:
            assert {"service", "resource", "monthly", "quantity", "unit_price"} <= set(item)
    totals = sum(r["monthly"] for r in data["regions"])
    assert data["total_monthly"] == pytest.approx(totals, abs=0.02)
    assert data["usage"]["alb_lcu_average"] == 1.5


def test_missing_prices_are_marked_and_excluded(default_synth: Any) -> None:
    report = analyse_cost(templates_of(default_synth), SnapshotPrices(), fill_from_primary=False)
    standby = report.region("us-west-2")
    replica = next(i for i in standby.items if i.component == "rds-instance")
    assert replica.monthly is None
    assert replica.to_dict()["status"] == "price unavailable"
    assert standby.monthly == pytest.approx(sum(i.monthly or 0 for i in standby.items), abs=0.01)
    assert any("us-west-2" in w and "excluded from the totals" in w for w in report.warnings)


def test_fallback_prices_are_labelled(default_synth: Any) -> None:
    strict = analyse_cost(templates_of(default_synth), SnapshotPrices(), fill_from_primary=False)
    filled = analyse_cost(templates_of(default_synth), SnapshotPrices(fallback_region="us-east-1"))
    replica = next(i for i in filled.region("us-west-2").items if i.component == "rds-instance")
    assert replica.to_dict()["status"] == "fallback price"
    assert replica.to_dict()["price_basis"] == "fallback us-east-1"
    assert filled.region("us-west-2").monthly > strict.region("us-west-2").monthly
    # the primary's own prices never change because of a fallback
    assert filled.region("us-east-1").monthly == strict.region("us-east-1").monthly

    # by default the engine fills from the primary exactly as a us-east-1 fallback book does
    default = analyse_cost(templates_of(default_synth), SnapshotPrices())
    assert default.to_dict()["regions"] == filled.to_dict()["regions"]
    assert default.headline == filled.headline
    assert default.headline.fallback_lines > 0
    assert "filled from the primary us-east-1" in default.prices_description
    assert strict.headline.fallback_lines == 0


def _standby_capacity(extra: int) -> Any:
    def edit(stack: StackDoc, type_: str, props: dict[str, Any]) -> None:
        if (
            stack.kind == "app"
            and stack.region != "us-east-1"
            and (type_ == "AWS::AutoScaling::AutoScalingGroup")
        ):
            props["DesiredCapacity"] = str(int(props.get("DesiredCapacity", 0)) + extra)
            props["MaxSize"] = str(max(int(props.get("MaxSize", 0)), int(props["DesiredCapacity"])))

    return edit


def mutated(base: TemplateSet, edit: Any) -> TemplateSet:
    stacks = []
    for stack in base.stacks:
        template = copy.deepcopy(stack.template)
        for res in template["Resources"].values():
            edit(stack, res["Type"], res.setdefault("Properties", {}))
        stacks.append(StackDoc(stack.name, stack.region, stack.kind, template))
    return TemplateSet(base.settings, stacks)


@settings(
    max_examples=20, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    posture=st.sampled_from(list(POSTURE_ORDER[1:])),
    before=st.integers(0, 5),
    added=st.integers(0, 5),
    fallback=st.sampled_from([None, "us-east-1"]),
)
def test_adding_standby_capacity_never_decreases_cost(
    posture_synths: Any, posture: Posture, before: int, added: int, fallback: str | None
) -> None:
    base = templates_of(posture_synths[posture])
    prices = SnapshotPrices(fallback_region=fallback)
    smaller = analyse_cost(mutated(base, _standby_capacity(before)), prices)
    larger = analyse_cost(mutated(base, _standby_capacity(before + added)), prices)
    assert larger.total_monthly >= smaller.total_monthly
    assert larger.standby_monthly >= smaller.standby_monthly


def test_recommendations_are_estimates(default_synth: Any) -> None:
    report = analyse_cost(templates_of(default_synth), SnapshotPrices())
    kinds = {r["kind"] for r in report.recommendations}
    assert {"savings-plan", "reserved-instances", "standby-scale-down"} <= kinds
    assert all(
        r["estimate"] is True and r["estimated_monthly_savings"] > 0 for r in report.recommendations
    )


def test_three_regions_priced_in_deployment_order(three_region_synth: Any) -> None:
    data = analyse_cost(templates_of(three_region_synth), SnapshotPrices()).to_dict()
    assert [r["region"] for r in data["regions"]] == [
        "us-east-1",
        "us-west-2",
        "eu-west-1",
        "global",
    ]
    eu = data["regions"][2]
    assert eu["unpriced_items"] > 0  # the snapshot has no eu-west-1 rows: nothing invented
    assert all(i["monthly"] in (None, 0.0) or i["unit_price"] is not None for i in eu["items"])


def test_a_region_the_snapshot_lacks_is_priced_like_the_primary_labelled(
    three_region_synth: Any,
) -> None:
    templates = templates_of(three_region_synth)
    strict = analyse_cost(templates, SnapshotPrices(), fill_from_primary=False)
    report = analyse_cost(templates, SnapshotPrices())
    assert strict.region("eu-west-1").monthly == 0.0
    eu = report.region("eu-west-1")
    assert eu.monthly > 0
    assert {i.price.basis for i in eu.items if i.priced and i.quantity} == {"fallback us-east-1"}
    # what stays unpriced in eu-west-1 has no us-east-1 price either
    for line in eu.unpriced:
        assert not SnapshotPrices().price(line.price.key, "us-east-1").available


@pytest.mark.parametrize(
    ("resource", "charge", "priced"),
    [
        (
            {"Type": "AWS::GlobalAccelerator::Accelerator", "Properties": {"Name": "x"}},
            "Global Accelerator fixed fee",
            True,
        ),
        (
            {"Type": "AWS::Route53RecoveryControl::Cluster", "Properties": {"Name": "x"}},
            "Route 53 ARC cluster",
            False,
        ),
        ({"Type": "AWS::Lightsail::Instance", "Properties": {}}, None, False),
    ],
    ids=["accelerator", "arc-cluster-price-unknown", "unmodelled-type"],
)
def test_optional_global_resources(
    default_synth: Any, resource: dict[str, Any], charge: str | None, priced: bool
) -> None:
    base = templates_of(default_synth)
    stacks = []
    for stack in base.stacks:
        template = copy.deepcopy(stack.template)
        if stack.kind == "global":
            template["Resources"]["Extra"] = resource
        stacks.append(StackDoc(stack.name, stack.region, stack.kind, template))
    report = analyse_cost(TemplateSet(base.settings, stacks), SnapshotPrices())
    if charge is None:
        assert resource["Type"] in report.not_modelled
        assert any(resource["Type"] in w for w in report.warnings)
        return
    item = next(i for i in report.region("global").items if i.charge == charge)
    assert item.priced is priced
