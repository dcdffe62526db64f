"""The charts' readability: axes fit the data, targets drawn, large segments labelled."""

from __future__ import annotations

from typing import Any

from tradedr.report import charts


def test_waterfall_axis_fits_the_data_and_explains_the_p99_gap(plan_result: Any) -> None:
    scenario = plan_result.rto.scenario("az-loss")
    assert scenario.target_seconds > 2 * scenario.rto.p99  # the target is far off the data
    svg = charts.rto_waterfall(scenario, scenario.target_seconds)
    assert f"target {scenario.target_seconds:,} s -&gt;" in svg  # an arrow at the edge
    assert "p99 - typical = " in svg
    inside = int(scenario.rto.p99)
    near = charts.rto_waterfall(scenario, inside)
    assert f"target {inside:,} s" in near  # a line, in the legend
    assert f"target {inside:,} s -&gt;" not in near


def test_cost_chart_labels_its_largest_segments(plan_result: Any) -> None:
    report = plan_result.cost.report
    svg = charts.cost_by_region(report)
    totals: dict[str, float] = {}
    for region in report.regions:
        for service, value in region.by_service().items():
            totals[service] = totals.get(service, 0.0) + value
    largest = max(totals, key=lambda s: totals[s])
    assert svg.count(largest) >= 2  # in the legend and on its segment
    assert len(charts.PALETTE) == len(set(charts.PALETTE))


def test_posture_chart_has_the_target_line_and_a_key(plan_result: Any) -> None:
    rows = [row.to_dict() for row in plan_result.cost.postures]
    target = plan_result.settings.targets.rto_seconds
    svg = charts.posture_tradeoff(rows, plan_result.settings.posture.value, target)
    assert f"RTO target {target:,} s" in svg
    for row in rows:
        assert row["posture"] in svg
