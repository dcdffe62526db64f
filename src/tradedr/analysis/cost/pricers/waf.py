"""WAF web ACLs: the ACL, its rules and the requests it inspects."""

from __future__ import annotations

from tradedr.analysis.cost import keys
from tradedr.analysis.cost.context import PricingContext
from tradedr.analysis.cost.registry import prices
from tradedr.analysis.templates import Resource, StackDoc


@prices("AWS::WAFv2::WebACL")
def web_acl(ctx: PricingContext, stack: StackDoc, acl: Resource) -> None:
    region = stack.region
    rules = len(acl.prop("Rules", []) or [])
    ctx.add(
        region=region,
        component="waf",
        resource=acl,
        charge="WAF web ACL",
        quantity=1,
        key=keys.WAF_ACL,
    )
    ctx.add(
        region=region,
        component="waf",
        resource=acl,
        charge=f"WAF rules ({rules})",
        quantity=rules,
        key=keys.WAF_RULE,
    )
    ctx.add(
        region=region,
        component="waf",
        resource=acl,
        charge="WAF requests",
        quantity=ctx.usage.waf_requests_millions * ctx.traffic_share(region),
        key=keys.WAF_REQUESTS,
    )
