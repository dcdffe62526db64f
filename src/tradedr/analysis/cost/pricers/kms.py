"""KMS customer managed keys and their requests."""

from __future__ import annotations

from tradedr.analysis.cost import keys
from tradedr.analysis.cost.context import PricingContext
from tradedr.analysis.cost.registry import prices
from tradedr.analysis.templates import Resource, StackDoc


@prices("AWS::KMS::Key")
def key(ctx: PricingContext, stack: StackDoc, key: Resource) -> None:
    region = stack.region
    ctx.add(
        region=region,
        component="kms",
        resource=key,
        charge="KMS customer managed key",
        quantity=1,
        key=keys.KMS_KEY,
    )
    ctx.add(
        region=region,
        component="kms",
        resource=key,
        charge="KMS requests",
        quantity=ctx.usage.kms_requests_10k * max(ctx.traffic_share(region), 0.1),
        key=keys.KMS_REQUESTS,
    )
