"""Monthly cost of every billable resource in the synthesized templates.

Quantities come from the templates (instance type and count, DB class and Multi-AZ,
storage, alarms, health-check options ...) and, where a template cannot know them, from
the `[usage]` config section. Prices come from a `PriceBook`; a price the book lacks for
a standby region is taken from the primary's, labelled "fallback price". A line whose price
is still missing is kept, marked unavailable, and left out of every total, and the report's
`headline` then reads "≥ $X/month, N lines unpriced".

Layout: `model.py` (line items and the report), `keys.py` (the price catalogue),
`registry.py` (which pricer prices which CloudFormation type, and `FREE_TYPES`),
`context.py` (the keyword-only line-item builder), `pricers/<service>.py` (one module per
service), `engine.py` (the walk).
"""

from __future__ import annotations

from tradedr.analysis.cost.engine import analyse_cost
from tradedr.analysis.cost.keys import SERVICE, KeyFamily, PriceKey
from tradedr.analysis.cost.model import CostHeadline, CostReport, LineItem, RegionCost
from tradedr.analysis.cost.registry import FREE_TYPES

__all__ = [
    "FREE_TYPES",
    "SERVICE",
    "CostHeadline",
    "CostReport",
    "KeyFamily",
    "LineItem",
    "PriceKey",
    "RegionCost",
    "analyse_cost",
]
