"""The region-loss detector's cost: Lambda time that the bundled price snapshot cannot
price (moved here from the RTO tests with the split of the RTO model)."""

from __future__ import annotations

from typing import Any

import pytest
from tests.unit.analysis.rto.support import templates_of, with_detector

from tradedr.analysis.cost import analyse_cost
from tradedr.analysis.prices import SnapshotPrices


def test_the_detector_costs_lambda_time_that_the_snapshot_cannot_price(
    fast_ga_synth: Any,
) -> None:
    """It runs all the time (rate(1 minute), up to 60 s): billed GB-seconds and requests.
    The bundled snapshot has no Lambda price, so the lines say so instead of guessing."""
    ga_templates = templates_of(fast_ga_synth)
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
