"""The walk: every resource of every stack, in deployment order, to the pricer of its type."""

from __future__ import annotations

from tradedr.analysis.cost import pricers as _pricers  # noqa: F401  (registers every pricer)
from tradedr.analysis.cost.context import PricingContext
from tradedr.analysis.cost.model import CostReport
from tradedr.analysis.cost.registry import FREE_TYPES, deployment_pricers, resource_pricers
from tradedr.analysis.prices import PriceBook
from tradedr.analysis.recommend import recommendations
from tradedr.analysis.templates import TemplateSet


def analyse_cost(
    templates: TemplateSet,
    prices: PriceBook,
    *,
    fill_from_primary: bool = True,
    tolerate_computed: bool = False,
) -> CostReport:
    """Line items per region (deployment order, primary first; global last).

    Prices missing for a region come from the primary's, labelled, unless
    `fill_from_primary` is false (then they stay unpriced and out of the total).
    With `tolerate_computed` (templates tradedr did not write), a resource whose pricer
    meets a value it cannot read as a number (an intrinsic no parameter default resolves)
    is listed as not priced instead of failing the whole analysis.
    """
    ctx = PricingContext(templates, prices, fill_from_primary=fill_from_primary)
    by_type = resource_pricers()
    for stack in templates.stacks:
        for res in stack.resources():
            pricer = by_type.get(res.type)
            if pricer is not None and tolerate_computed:
                try:
                    pricer(ctx, stack, res)
                except (TypeError, ValueError):
                    ctx.not_modelled.add(res.type)
            elif pricer is not None:
                pricer(ctx, stack, res)
            elif res.type not in FREE_TYPES and not res.type.startswith("Custom::"):
                ctx.not_modelled.add(res.type)
    for pricer_of_deployment in deployment_pricers():
        pricer_of_deployment(ctx)
    # An MRSC witness Region runs no stacks but is billed for the writes it witnesses.
    witness = templates.settings.database.witness_region
    order = [*templates.settings.all_regions, *([witness] if witness else []), "global"]
    regions = [ctx.regions[r] for r in order if r in ctx.regions]
    report = CostReport(templates.settings, prices, regions, sorted(ctx.not_modelled))
    report.recommendations = recommendations(report)
    return report
