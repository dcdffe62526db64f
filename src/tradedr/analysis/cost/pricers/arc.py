"""Route 53 Application Recovery Controller: the routing-control cluster, billed hourly, and
a Region switch plan, billed per plan-month (the snapshot's row is null, "not found": the
line shows as not priced rather than as $0)."""

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


@prices("AWS::ARCRegionSwitch::Plan")
def region_switch_plan(ctx: PricingContext, stack: StackDoc, plan: Resource) -> None:
    ctx.add(
        region="global",
        component="arc",
        resource=plan,
        charge="ARC Region switch plan",
        quantity=1,
        key=keys.ARC_REGION_SWITCH_PLAN,
    )
