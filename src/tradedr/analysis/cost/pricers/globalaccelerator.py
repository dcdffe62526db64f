"""Global Accelerator: the fixed hourly fee and the DT-Premium on the dominant direction."""

from __future__ import annotations

from tradedr.analysis.cost import keys
from tradedr.analysis.cost.context import PricingContext
from tradedr.analysis.cost.registry import prices
from tradedr.analysis.templates import Resource, StackDoc


def dt_premium_area(region: str) -> str:
    """Global Accelerator's DT-Premium table is per geographic area, not per Region."""
    if region.startswith(("us-", "ca-")):
        return "na"
    if region.startswith("eu-"):
        return "eu"
    return "apac" if region.startswith("ap-") else region.split("-")[0]


@prices("AWS::GlobalAccelerator::Accelerator")
def accelerator(ctx: PricingContext, stack: StackDoc, accelerator: Resource) -> None:
    """Fixed hourly fee plus the DT-Premium on the dominant (outbound) direction."""
    ctx.add(
        region="global",
        component="globalaccelerator",
        resource=accelerator,
        charge="Global Accelerator fixed fee",
        quantity=ctx.hours,
        key=keys.GA_HOUR,
    )
    area = dt_premium_area(ctx.settings.primary_region)
    ctx.add(
        region="global",
        component="globalaccelerator",
        resource=accelerator,
        charge=f"Global Accelerator DT-Premium ({area.upper()}, outbound)",
        quantity=ctx.usage.internet_egress_gb,
        key=keys.GA_DT_PREMIUM(area=area),
    )
