"""What a pricer works with: the templates, the usage, the prices, and the line-item builder."""

from __future__ import annotations

from dataclasses import replace

from tradedr.analysis.cost.keys import PriceKey
from tradedr.analysis.cost.model import FALLBACK, LineItem, RegionCost
from tradedr.analysis.prices import Price, PriceBook
from tradedr.analysis.templates import Resource, TemplateSet
from tradedr.config import Posture


class PricingContext:
    """One analysis in progress: pricers add line items, per region, in the walk's order.

    With `fill_from_primary` (the default), a price the book does not have for a region is
    taken from the primary region's price and labelled `fallback <primary>`, so a standby
    region the snapshot does not cover is priced like the primary, visibly, instead of
    counting $0. What the primary has no price for either stays unpriced.
    """

    def __init__(
        self, templates: TemplateSet, prices: PriceBook, *, fill_from_primary: bool = True
    ) -> None:
        self.templates = templates
        self.fill_from_primary = fill_from_primary
        self.settings = templates.settings
        self.usage = templates.settings.usage
        self.prices = prices
        self.hours = self.usage.hours_per_month
        self.regions: dict[str, RegionCost] = {
            region: RegionCost(region) for region in self.settings.all_regions
        }
        self.not_modelled: set[str] = set()

    def add(
        self,
        *,
        region: str,
        component: str,
        resource: Resource | str,
        charge: str,
        quantity: float,
        key: PriceKey,
    ) -> LineItem:
        """One line: `quantity` in `key.unit`, priced in `region` ("global": the primary's).

        `resource` is the template resource the line comes from, or a label for lines that
        belong to no single resource ("us-east-1 log groups").
        """
        name = resource if isinstance(resource, str) else f"{resource.stack}/{resource.logical_id}"
        price_region = self.settings.primary_region if region == "global" else region
        item = LineItem(
            region=region,
            service=key.service,
            component=component,
            resource=name,
            charge=charge,
            quantity=quantity,
            unit=key.unit,
            price=self.price(key.key, price_region),
        )
        self.regions.setdefault(region, RegionCost(region)).items.append(item)
        return item

    def price(self, key: str, region: str) -> Price:
        """The book's price, else (with `fill_from_primary`) the primary's, labelled."""
        price = self.prices.price(key, region)
        primary = self.settings.primary_region
        if price.available or not self.fill_from_primary or region == primary:
            return price
        filled = self.prices.price(key, primary)
        if not filled.available:
            return price
        return replace(
            filled,
            region=region,
            basis=f"{FALLBACK} {primary}",
            comment=f"no {region} price in {self.prices.description}; the primary {primary}'s "
            "price used",
        )

    def traffic_share(self, region: str) -> float:
        """Share of user traffic a region carries before any failover."""
        if self.settings.posture is Posture.ACTIVE_ACTIVE:
            return 1.0 / len(self.settings.all_regions)
        if region == self.settings.primary_region:
            return 1.0
        return self.usage.standby_usage_fraction
