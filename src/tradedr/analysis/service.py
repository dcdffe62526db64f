"""Service functions behind `tradedr rto` and `tradedr cost`: one call per command."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from tradedr.analysis import assumptions
from tradedr.analysis.cost import CostReport, analyse_cost
from tradedr.analysis.postures import PostureRow, RefusedPosture, compare_postures
from tradedr.analysis.prices import LivePrices, PriceBook, SnapshotPrices
from tradedr.analysis.rto import RtoReport, analyse_rto
from tradedr.analysis.templates import TemplateSet
from tradedr.config import Settings

Progress = Callable[[str], None]


def load_templates(
    settings: Settings,
    templates_dir: Path | None,
    synth_dir: Path,
    progress: Progress | None = None,
) -> TemplateSet:
    """`--templates DIR` when given, else a fresh synth into `synth_dir`."""
    if templates_dir is not None:
        return TemplateSet.from_directory(settings, templates_dir)
    from tradedr.infra.synth import synthesize

    if progress:
        progress(f"synthesizing {settings.prefix} ({settings.posture.value}) ...")
    return TemplateSet.from_synth(settings, synthesize(settings, synth_dir))


def price_book(
    *,
    live: bool,
    fallback_region: str | None = None,
    provider: Any = None,
    profile: str | None = None,
) -> PriceBook:
    snapshot = SnapshotPrices(fallback_region=fallback_region)
    if not live:
        return snapshot
    if provider is None:
        from tradedr.ops.clients import Boto3ClientProvider

        provider = Boto3ClientProvider(profile=profile)
    return LivePrices(provider, snapshot=snapshot)


def run_rto(
    settings: Settings,
    *,
    templates_dir: Path | None,
    synth_dir: Path,
    progress: Progress | None = None,
    assume: list[str] | None = None,
    measured: list[Path] | None = None,
) -> RtoReport:
    """`measured` runs on AWS replace assumptions first; an explicit `assume` wins over them."""
    overrides: dict[str, tuple[float, float, float]] = {}
    notes: list[str] = []
    if measured:
        from tradedr.analysis.measured import collect

        measurements = collect(measured)
        overrides.update(measurements.overrides())
        notes = measurements.notes()
    overrides.update(assumptions.parse_override(text) for text in assume or [])
    report = analyse_rto(
        load_templates(settings, templates_dir, synth_dir, progress), overrides=overrides
    )
    report.warnings[:0] = notes
    return report


@dataclass
class CostResult:
    report: CostReport
    postures: list[PostureRow] = field(default_factory=list)
    comparison_prices: str = ""
    # Postures the config's engine cannot serve: not priced, listed with the reason.
    postures_refused: list[RefusedPosture] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        data = self.report.to_dict()
        if self.postures:
            data["postures"] = [row.to_dict() for row in self.postures]
            data["postures_prices"] = self.comparison_prices
            data["postures_refused"] = [r.to_dict() for r in self.postures_refused]
        return data


def run_cost(
    settings: Settings,
    *,
    templates_dir: Path | None,
    synth_dir: Path,
    live: bool = False,
    fallback_region: str | None = None,
    compare: bool = False,
    provider: Any = None,
    profile: str | None = None,
    progress: Progress | None = None,
    templates: TemplateSet | None = None,
) -> CostResult:
    """Price the templates; with `compare`, also every posture.

    The comparison fills prices missing from the snapshot with the primary region's
    (labelled per line) unless a fallback was chosen: half-priced standbys would
    otherwise make every posture look alike.
    """
    templates = templates or load_templates(settings, templates_dir, synth_dir, progress)
    prices = price_book(
        live=live, fallback_region=fallback_region, provider=provider, profile=profile
    )
    # Templates from a directory may be anyone's: a value the pricers cannot read (an
    # intrinsic no parameter default resolves) lists the resource as not priced.
    result = CostResult(
        analyse_cost(templates, prices, tolerate_computed=templates_dir is not None)
    )
    if compare:
        comparison = prices
        if not live and fallback_region is None:
            comparison = SnapshotPrices(fallback_region=settings.primary_region)
        compared = compare_postures(
            settings, comparison, synth_dir / "postures", current=templates, progress=progress
        )
        result.postures, result.postures_refused = compared.rows, compared.refused
        result.comparison_prices = comparison.description
    return result
