"""Route 53: hosted zones, health checks with their optional-feature surcharges, and the alias
queries to the ALBs (once per deployment with a global stack). Billed globally."""

from __future__ import annotations

from tradedr.analysis.cost import keys
from tradedr.analysis.cost.context import PricingContext
from tradedr.analysis.cost.registry import after_walk, prices
from tradedr.analysis.templates import Resource, StackDoc


@prices("AWS::Route53::HostedZone")
def hosted_zone(ctx: PricingContext, stack: StackDoc, zone: Resource) -> None:
    ctx.add(
        region="global",
        component="route53",
        resource=zone,
        charge="Route 53 hosted zone",
        quantity=1,
        key=keys.ROUTE53_ZONE,
    )


@prices("AWS::Route53::HealthCheck")
def health_check(ctx: PricingContext, stack: StackDoc, check: Resource) -> None:
    config = check.prop("HealthCheckConfig", {}) or {}
    kind = str(config.get("Type", "HTTP"))
    ctx.add(
        region="global",
        component="route53",
        resource=check,
        charge=f"Route 53 health check {check.logical_id}",
        quantity=1,
        key=keys.ROUTE53_HEALTH_CHECK,
    )
    extras: list[tuple[str, keys.PriceKey]] = []
    if int(config.get("RequestInterval", 30)) == 10:
        extras.append(("fast interval (10 s)", keys.ROUTE53_FAST_INTERVAL))
    if kind.startswith("HTTPS"):
        extras.append(("HTTPS", keys.ROUTE53_HTTPS))
    if kind.endswith("STR_MATCH"):
        extras.append(("string matching", keys.ROUTE53_STRING_MATCH))
    if config.get("MeasureLatency"):
        extras.append(("latency measurement", keys.ROUTE53_LATENCY))
    for name, key in extras:
        ctx.add(
            region="global",
            component="route53",
            resource=check,
            charge=f"Route 53 health check {name} surcharge",
            quantity=1,
            key=key,
        )


@after_walk
def alias_queries(ctx: PricingContext) -> None:
    if any(s.kind == "global" for s in ctx.templates.stacks):
        ctx.add(
            region="global",
            component="route53",
            resource="queries",
            charge="Route 53 alias queries to the ALBs",
            quantity=ctx.usage.route53_queries_millions,
            key=keys.ROUTE53_ALIAS_QUERIES,
        )
