"""What a cost analysis returns: line items, per-region costs and the report."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from tradedr.analysis.prices import Price, PriceBook
from tradedr.config import Settings


@dataclass
class LineItem:
    region: str
    service: str
    component: str
    resource: str
    charge: str
    quantity: float
    unit: str
    price: Price

    @property
    def monthly(self) -> float | None:
        if self.quantity == 0:
            return 0.0
        if self.price.usd is None:
            return None
        return round(self.quantity * self.price.usd, 2)

    @property
    def priced(self) -> bool:
        return self.monthly is not None

    def to_dict(self) -> dict[str, Any]:
        return {
            "service": self.service,
            "component": self.component,
            "resource": self.resource,
            "charge": self.charge,
            "monthly": self.monthly,
            "quantity": round(self.quantity, 4),
            "unit": self.unit,
            "unit_price": self.price.usd,
            "price_key": self.price.key,
            "price_basis": self.price.basis,
            "price_source": self.price.source,
            "price_date": self.price.source_date,
            "status": "price unavailable"
            if not self.priced
            else ("fallback price" if self.price.basis.startswith("fallback") else "priced"),
        }


@dataclass
class RegionCost:
    region: str
    items: list[LineItem] = field(default_factory=list)

    @property
    def monthly(self) -> float:
        return round(sum(i.monthly or 0.0 for i in self.items), 2)

    @property
    def unpriced(self) -> list[LineItem]:
        return [i for i in self.items if not i.priced]

    def by_component(self) -> dict[str, float]:
        totals: dict[str, float] = {}
        for item in self.items:
            totals[item.component] = round(totals.get(item.component, 0.0) + (item.monthly or 0), 2)
        return totals

    def by_service(self) -> dict[str, float]:
        totals: dict[str, float] = {}
        for item in self.items:
            totals[item.service] = round(totals.get(item.service, 0.0) + (item.monthly or 0), 2)
        return totals


@dataclass
class CostReport:
    settings: Settings
    prices: PriceBook
    regions: list[RegionCost]
    not_modelled: list[str]
    recommendations: list[dict[str, Any]] = field(default_factory=list)

    @property
    def total_monthly(self) -> float:
        return round(sum(r.monthly for r in self.regions), 2)

    @property
    def standby_monthly(self) -> float:
        return round(
            sum(r.monthly for r in self.regions if r.region in self.settings.standby_regions), 2
        )

    def region(self, name: str) -> RegionCost:
        return next(r for r in self.regions if r.region == name)

    @property
    def warnings(self) -> list[str]:
        notes = []
        for region in self.regions:
            missing = region.unpriced
            if missing:
                names = sorted({f"{i.charge}" for i in missing})
                notes.append(
                    f"{region.region}: {len(missing)} line(s) have no price in "
                    f"{self.prices.description} and are excluded from the totals: "
                    + "; ".join(names)
                )
            fallback = [i for i in region.items if i.price.basis.startswith("fallback")]
            if fallback:
                notes.append(
                    f"{region.region}: {len(fallback)} line(s) priced with another "
                    "region's price (labelled 'fallback price')"
                )
        if self.not_modelled:
            notes.append("resource types not priced by tradedr: " + ", ".join(self.not_modelled))
        return notes

    def to_dict(self) -> dict[str, Any]:
        return {
            "currency": self.prices.currency,
            "price_date": self.prices.price_date,
            "prices": self.prices.description,
            "posture": self.settings.posture.value,
            "regions": [
                {
                    "region": r.region,
                    "monthly": r.monthly,
                    "unpriced_items": len(r.unpriced),
                    "items": [i.to_dict() for i in r.items],
                }
                for r in self.regions
            ],
            "total_monthly": self.total_monthly,
            "standby_monthly": self.standby_monthly,
            "usage": self.settings.usage.model_dump(),
            "recommendations": self.recommendations,
            "warnings": self.warnings,
        }
