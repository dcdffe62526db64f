"""NAT gateways and the public IPv4 addresses (Elastic IPs) they hold."""

from __future__ import annotations

from tradedr.analysis.cost import keys
from tradedr.analysis.cost.context import PricingContext
from tradedr.analysis.cost.registry import prices
from tradedr.analysis.templates import Resource, StackDoc


@prices("AWS::EC2::NatGateway")
def nat_gateway(ctx: PricingContext, stack: StackDoc, nat: Resource) -> None:
    region = stack.region
    count = len(list(stack.resources("AWS::EC2::NatGateway")))
    share = ctx.traffic_share(region)
    ctx.add(
        region=region,
        component="nat",
        resource=nat,
        charge="NAT gateway hours",
        quantity=ctx.hours,
        key=keys.NAT_HOUR,
    )
    ctx.add(
        region=region,
        component="nat",
        resource=nat,
        charge="NAT gateway data processed",
        quantity=ctx.usage.nat_processed_gb * share / max(count, 1),
        key=keys.NAT_GB,
    )


@prices("AWS::EC2::EIP")
def elastic_ip(ctx: PricingContext, stack: StackDoc, eip: Resource) -> None:
    ctx.add(
        region=stack.region,
        component="vpc",
        resource=eip,
        charge="Public IPv4 address (Elastic IP)",
        quantity=ctx.hours,
        key=keys.PUBLIC_IPV4,
    )
