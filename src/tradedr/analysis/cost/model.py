"""What a cost analysis returns: line items, per-region costs, the headline and the report.

`CostReport.headline` is the one monthly figure every output shows (console, Markdown, HTML,
JSON, the posture comparison): the sum of the priced lines, marked "≥" with the count of
unpriced lines and unpriced resource types whenever anything is left out.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from tradedr.analysis.prices import Price, PriceBook
from tradedr.config import Settings

FALLBACK = "fallback"  # how a price basis filled from another region starts


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

    @property
    def fallback(self) -> bool:
        """Priced with another region's price (labelled "fallback price")."""
        return self.priced and self.price.basis.startswith(FALLBACK)

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
            else ("fallback price" if self.fallback else "priced"),
        }


def _lines(count: int) -> str:
    return f"{count:,} line{'' if count == 1 else 's'}"


@dataclass(frozen=True)
class CostHeadline:
    """The monthly figure of a cost report, and whether it is complete.

    `total_monthly_usd` sums the priced lines only; when `complete` is false it is a lower
    bound, and `text` says so ("≥ $X/month, N lines unpriced").
    """

    total_monthly_usd: float
    unpriced_lines: int
    not_modelled_types: int
    fallback_lines: int
    fallback_regions: tuple[str, ...] = ()

    @property
    def complete(self) -> bool:
        return self.unpriced_lines == 0 and self.not_modelled_types == 0

    @property
    def amount(self) -> str:
        """`$X` or `≥ $X`: the figure for a table cell."""
        return ("" if self.complete else "≥ ") + f"${self.total_monthly_usd:,.2f}"

    @property
    def gaps(self) -> str:
        """What the figure leaves out and how it was filled; empty when nothing."""
        parts = []
        if self.unpriced_lines:
            parts.append(f"{_lines(self.unpriced_lines)} unpriced")
        if self.not_modelled_types:
            count = self.not_modelled_types
            parts.append(f"{count} resource type{'' if count == 1 else 's'} not priced")
        if self.fallback_lines:
            at = " and ".join(self.fallback_regions) or "another region's"
            parts.append(f"{_lines(self.fallback_lines)} at {at} prices (fallback, labelled)")
        return ", ".join(parts)

    @property
    def text(self) -> str:
        gaps = self.gaps
        return f"{self.amount}/month" + (f", {gaps}" if gaps else "")

    def to_dict(self) -> dict[str, Any]:
        return {
            "total_monthly_usd": self.total_monthly_usd,
            "complete": self.complete,
            "unpriced_lines": self.unpriced_lines,
            "not_modelled_types": self.not_modelled_types,
            "fallback_lines": self.fallback_lines,
            "headline": self.text,
        }


def _fallback_regions(items: list[LineItem]) -> tuple[str, ...]:
    regions = {i.price.basis.split()[1] for i in items if len(i.price.basis.split()) > 1}
    return tuple(sorted(regions))


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

    @property
    def fallback(self) -> list[LineItem]:
        return [i for i in self.items if i.fallback]

    @property
    def headline(self) -> CostHeadline:
        """This region's figure, marked "≥" when some of its lines have no price."""
        fallback = self.fallback
        return CostHeadline(
            self.monthly, len(self.unpriced), 0, len(fallback), _fallback_regions(fallback)
        )

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

    @property
    def headline(self) -> CostHeadline:
        """The one monthly figure of this report: what every output and the posture row show."""
        fallback = [i for r in self.regions for i in r.fallback]
        return CostHeadline(
            self.total_monthly,
            sum(len(r.unpriced) for r in self.regions),
            len(self.not_modelled),
            len(fallback),
            _fallback_regions(fallback),
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
            fallback = region.fallback
            if fallback:
                notes.append(
                    f"{region.region}: {len(fallback)} line(s) priced with another "
                    "region's price (labelled 'fallback price')"
                )
        if self.not_modelled:
            notes.append("resource types not priced by tradedr: " + ", ".join(self.not_modelled))
        return notes

    @property
    def prices_description(self) -> str:
        """The price book, and the primary-region fill when the analysis used it."""
        primary = self.settings.primary_region
        filled = f"{FALLBACK} {primary}"
        described = f"filled from {primary}"
        if described in self.prices.description or not any(
            i.price.basis == filled for r in self.regions for i in r.items
        ):
            return self.prices.description
        return (
            f"{self.prices.description}; prices missing in a region filled from the primary "
            f"{primary}, labelled 'fallback price'"
        )

    def to_dict(self) -> dict[str, Any]:
        return {
            "currency": self.prices.currency,
            "price_date": self.prices.price_date,
            "prices": self.prices_description,
            "posture": self.settings.posture.value,
            "regions": [
                {
                    "region": r.region,
                    "monthly": r.monthly,
                    "complete": not r.unpriced,
                    "unpriced_items": len(r.unpriced),
                    "fallback_items": len(r.fallback),
                    "items": [i.to_dict() for i in r.items],
                }
                for r in self.regions
            ],
            **self.headline.to_dict(),
            "total_monthly": self.total_monthly,
            "not_modelled": self.not_modelled,
            "standby_monthly": self.standby_monthly,
            "usage": self.settings.usage.model_dump(),
            "recommendations": self.recommendations,
            "warnings": self.warnings,
        }
