"""Fixtures for the cost tests: reports of the session synths, and `price_one_stack` to run
the pricers over a hand-written stack (no synth)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from tradedr.analysis.cost import CostReport, analyse_cost
from tradedr.analysis.prices import PriceBook, SnapshotPrices
from tradedr.analysis.templates import StackDoc, TemplateSet
from tradedr.config import load_settings

PriceOneStack = Callable[..., CostReport]


def _templates_of(synth: Any) -> TemplateSet:
    return TemplateSet.from_synth(synth.settings, synth.stacks)


@pytest.fixture(scope="module")
def arc_cost(fast_arc_synth: Any) -> CostReport:
    """Strict: what the snapshot itself has, no primary-region fill (`fill_from_primary`)."""
    return analyse_cost(_templates_of(fast_arc_synth), SnapshotPrices(), fill_from_primary=False)


@pytest.fixture(scope="module")
def ga_cost(fast_ga_synth: Any) -> CostReport:
    return analyse_cost(_templates_of(fast_ga_synth), SnapshotPrices())


@pytest.fixture
def price_one_stack() -> PriceOneStack:
    """`price_one_stack({"Id": {"Type": ..., "Properties": ...}}, region=..., kind=...)`."""

    def price(
        resources: dict[str, dict[str, Any]],
        *,
        region: str = "us-east-1",
        kind: str = "app",
        config: dict[str, Any] | None = None,
        prices: PriceBook | None = None,
    ) -> CostReport:
        settings = load_settings(config or {})
        name = f"{settings.prefix}-{kind}-{region}"
        stack = StackDoc(name, region, kind, {"Resources": resources})
        return analyse_cost(TemplateSet(settings, [stack]), prices or SnapshotPrices())

    return price
