"""Route 53 Application Recovery Controller: the routing-control cluster, billed hourly."""

from __future__ import annotations

from tradedr.analysis.cost import keys
from tradedr.analysis.cost.context import PricingContext
from tradedr.analysis.cost.registry import prices
from tradedr.analysis.templates import Resource, StackDoc


@prices("AWS::Route53RecoveryControl::Cluster")
def cluster(ctx: PricingContext, stack: StackDoc, cluster: Resource) -> None:
    ctx.add(
        region="global",
        component="arc",
        resource=cluster,
        charge="Route 53 ARC cluster",
        quantity=ctx.hours,
        key=keys.ARC_CLUSTER,
    )
