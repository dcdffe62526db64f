"""One cost headline, computed one way: `tradedr cost`'s total and the configured posture's
row of `--compare-postures` are the same figure, complete or marked "≥ $X, N lines unpriced",
for two and three regions, with and without `--fallback-region`."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from rich.console import Console

from tradedr.analysis import postures
from tradedr.analysis.cost import CostHeadline, CostReport, LineItem, RegionCost, analyse_cost
from tradedr.analysis.prices import Price, SnapshotPrices
from tradedr.analysis.service import run_cost
from tradedr.analysis.templates import TemplateSet
from tradedr.config import load_settings
from tradedr.report.console import render_cost


def templates_of(synth: Any) -> TemplateSet:
    return TemplateSet.from_synth(synth.settings, synth.stacks)


@pytest.fixture(params=["two-regions", "three-regions"])
def synth(request: pytest.FixtureRequest, default_synth: Any, three_region_synth: Any) -> Any:
    return {"two-regions": default_synth, "three-regions": three_region_synth}[request.param]


@pytest.mark.parametrize("fallback", [None, "us-east-1", "us-west-2"])
def test_the_headline_is_the_configured_posture_row(
    synth: Any, fallback: str | None, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    settings = synth.settings

    def no_synth(*_args: Any, **_kwargs: Any) -> Any:
        raise AssertionError("the configured posture's row must reuse the priced templates")

    # only the configured row: it reuses the templates, so nothing synthesizes
    monkeypatch.setattr("tradedr.infra.synth.synthesize", no_synth)
    monkeypatch.setattr(postures, "POSTURE_ORDER", (settings.posture,))
    monkeypatch.setattr(postures, "FAST_OPTIONS", ())
    monkeypatch.setattr(postures, "ACTIVE_OPTIONS", ())
    result = run_cost(
        settings,
        templates_dir=None,
        synth_dir=tmp_path,
        fallback_region=fallback,
        compare=True,
        templates=templates_of(synth),
    )
    headline = result.report.headline
    [row] = result.postures
    assert row.configured
    assert row.cost.headline == headline

    data = result.to_dict()
    [posture] = data["postures"]
    assert posture["monthly"] == data["total_monthly_usd"] == data["total_monthly"]
    assert posture["headline"] == data["headline"] == headline.text
    assert posture["complete"] is data["complete"] is headline.complete
    assert posture["unpriced_lines"] == data["unpriced_lines"] == headline.unpriced_lines
    assert data["unpriced_lines"] == sum(r["unpriced_items"] for r in data["regions"])
    assert data["total_monthly_usd"] == pytest.approx(
        sum(r["monthly"] for r in data["regions"]), abs=0.02
    )
    # the snapshot has lines no region has a price for: the headline says it is a lower bound
    assert not headline.complete
    assert headline.text.startswith(f"≥ ${headline.total_monthly_usd:,.2f}/month, ")
    assert f"{headline.unpriced_lines} lines unpriced" in headline.text
    # every standby region is priced (primary-region fill, labelled), none shows $0.00
    for region in settings.standby_regions:
        assert result.report.region(region).monthly > 0

    console = Console(record=True, width=400)
    render_cost(console, result)
    text = console.export_text()
    assert f"total: {headline.text}" in text
    assert text.count(headline.amount) >= 2  # the total and the configured row
    assert "usage assumed ([usage] in the config)" in text  # not eaten as rich markup


def test_eu_west_1_no_longer_reads_zero(three_region_synth: Any) -> None:
    """Before: "eu-west-1: $0.00/month" with 35 lines left out. Strictly (no fill) the
    region's headline now says so; by default it is priced from us-east-1, labelled."""
    templates = templates_of(three_region_synth)
    unfilled = analyse_cost(templates, SnapshotPrices(), fill_from_primary=False)
    filled = analyse_cost(templates, SnapshotPrices())
    strict, eu = unfilled.region("eu-west-1"), filled.region("eu-west-1")
    assert strict.monthly == 0.0
    assert len(strict.unpriced) >= 30
    assert strict.headline.text.startswith(f"≥ $0.00/month, {len(strict.unpriced)} lines unpriced")
    assert eu.monthly > 0
    assert len(eu.unpriced) < len(strict.unpriced)
    assert f"{len(eu.fallback)} lines at us-east-1 prices" in eu.headline.text


def _item(usd: float | None, basis: str = "snapshot") -> LineItem:
    price = Price("k", "us-west-2", usd, "hour", "src", None, basis)
    return LineItem("us-west-2", "svc", "comp", "stack/Id", "c", 10.0, "hour", price)


@pytest.mark.parametrize(
    ("items", "not_modelled", "text", "complete"),
    [
        ([_item(0.5)], [], "$5.00/month", True),
        ([_item(0.5), _item(None, "no row")], [], "≥ $5.00/month, 1 line unpriced", False),
        (
            [_item(0.5), _item(None), _item(None)],
            ["AWS::Foo::Bar"],
            "≥ $5.00/month, 2 lines unpriced, 1 resource type not priced",
            False,
        ),
        (
            [_item(0.5), _item(1.0, "fallback us-east-1")],
            [],
            "$15.00/month, 1 line at us-east-1 prices (fallback, labelled)",
            True,
        ),
    ],
    ids=["complete", "one-unpriced", "unpriced-and-not-modelled", "fallback"],
)
def test_headline_text(
    items: list[LineItem], not_modelled: list[str], text: str, complete: bool
) -> None:
    report = CostReport(
        load_settings({}), SnapshotPrices(), [RegionCost("us-west-2", items)], not_modelled
    )
    headline = report.headline
    assert isinstance(headline, CostHeadline)
    assert (headline.text, headline.complete) == (text, complete)
    data = report.to_dict()
    assert data["headline"] == text
    assert data["complete"] is complete
    assert data["total_monthly_usd"] == data["total_monthly"] == headline.total_monthly_usd
