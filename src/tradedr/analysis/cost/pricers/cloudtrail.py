"""CloudTrail trails: the first copy of management events (free) and data events."""

from __future__ import annotations

from tradedr.analysis.cost import keys
from tradedr.analysis.cost.context import PricingContext
from tradedr.analysis.cost.registry import prices
from tradedr.analysis.templates import Resource, StackDoc


@prices("AWS::CloudTrail::Trail")
def trail(ctx: PricingContext, stack: StackDoc, trail: Resource) -> None:
    ctx.add(
        region=stack.region,
        component="cloudtrail",
        resource=trail,
        charge="CloudTrail management events (first copy, free)",
        quantity=1,
        key=keys.CLOUDTRAIL_MANAGEMENT_FIRST,
    )
    if trail.prop("EventSelectors") or trail.prop("AdvancedEventSelectors"):
        ctx.add(
            region=stack.region,
            component="cloudtrail",
            resource=trail,
            charge="CloudTrail data events",
            quantity=ctx.usage.cloudtrail_data_events_100k,
            key=keys.CLOUDTRAIL_DATA_EVENTS,
        )
