"""Application Load Balancers: hours, LCUs and the internet egress they serve."""

from __future__ import annotations

from tradedr.analysis.cost import keys
from tradedr.analysis.cost.context import PricingContext
from tradedr.analysis.cost.registry import prices
from tradedr.analysis.templates import Resource, StackDoc


@prices("AWS::ElasticLoadBalancingV2::LoadBalancer")
def load_balancer(ctx: PricingContext, stack: StackDoc, alb: Resource) -> None:
    region = stack.region
    if alb.prop("Type", "application") != "application":
        ctx.not_modelled.add(f"{alb.type} ({alb.prop('Type')})")
        return
    share = ctx.traffic_share(region)
    ctx.add(
        region=region,
        component="alb",
        resource=alb,
        charge="ALB hours",
        quantity=ctx.hours,
        key=keys.ALB_HOUR,
    )
    ctx.add(
        region=region,
        component="alb",
        resource=alb,
        charge=f"ALB LCU ({ctx.usage.alb_lcu_average:g} avg x {share:g})",
        quantity=ctx.usage.alb_lcu_average * share * ctx.hours,
        key=keys.ALB_LCU,
    )
    ctx.add(
        region=region,
        component="transfer",
        resource=alb,
        charge="Data transfer out to the internet",
        quantity=ctx.usage.internet_egress_gb * share,
        key=keys.TRANSFER_INTERNET,
    )
