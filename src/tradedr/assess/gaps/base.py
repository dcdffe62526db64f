"""What a gap kind is: an id, an impact, why it matters, a fix snippet, a source, and how
to find its evidence and price its fix in the templates at hand."""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Sequence
from dataclasses import dataclass

from tradedr.analysis.prices import PriceBook
from tradedr.analysis.templates import Resource, TemplateSet
from tradedr.assess.model import Evidence, Fix, Gap, Impact
from tradedr.checks.findings import Finding
from tradedr.checks.templates import TemplateDoc


@dataclass
class AssessContext:
    """Everything a gap kind may read: the placed templates, the DR rule findings, the
    analysis view of the templates, the price book."""

    docs: Sequence[TemplateDoc]
    findings: Sequence[Finding]
    templates: TemplateSet
    prices: PriceBook

    @property
    def primary(self) -> str:
        return self.templates.settings.primary_region

    def price(self, key: str, region: str | None = None) -> float | None:
        """The snapshot's price in `region`, else the primary's (as `tradedr cost` fills)."""
        usd = self.prices.price(key, region or self.primary).usd
        return usd if usd is not None else self.prices.price(key, self.primary).usd

    def of_type(self, *types: str) -> list[Resource]:
        return [r for t in types for r in self.templates.resources(t)]


def evidence_of(resource: Resource, detail: str) -> Evidence:
    return Evidence(resource.file, resource.line, resource.stack, resource.logical_id, detail)


class GapKind(ABC):
    """One kind of gap. Subclasses set the attributes as class attributes (one module
    each) or per instance (`RuleGap`, one per DR rule)."""

    id: str
    title: str
    impact: Impact
    why: str
    source: str
    fix: Fix
    rules: tuple[str, ...] = ()

    @abstractmethod
    def evidence(self, ctx: AssessContext) -> list[Evidence]:
        """Where the gap shows; empty when the templates do not have it."""

    def closing_cost(
        self, ctx: AssessContext, evidence: list[Evidence]
    ) -> tuple[float | None, str]:
        """(monthly USD the fix adds, how it was priced); None when tradedr cannot price it."""
        return 0.0, "no running cost"

    def gap(self, ctx: AssessContext) -> Gap | None:
        found = self.evidence(ctx)
        if not found:
            return None
        usd, basis = self.closing_cost(ctx, found)
        return Gap(
            id=self.id,
            title=self.title,
            impact=self.impact,
            why=self.why,
            fix=self.fix,
            source=self.source,
            evidence=found,
            rules=self.rules,
            closing_monthly_usd=None if usd is None else round(usd, 2),
            closing_basis=basis,
        )


def priced(
    parts: list[tuple[float | None, float, str]],
) -> tuple[float | None, str]:
    """Sum of price x quantity parts; None (unpriced) when a price is missing."""
    total = 0.0
    shown = []
    for usd, quantity, label in parts:
        if usd is None:
            return None, f"{label}: no price in the snapshot"
        total += usd * quantity
        shown.append(f"{label} {quantity:g} x ${usd:g}")
    return total, "; ".join(shown) if shown else "no running cost"
