"""Internet-facing load balancers without a web ACL."""

from __future__ import annotations

from tradedr.analysis.cost import keys
from tradedr.assess.gaps.base import AssessContext, GapKind, evidence_of, priced
from tradedr.assess.model import Evidence, Fix
from tradedr.templates.values import references

_RULES_IN_FIX = 3


class NoWaf(GapKind):
    id = "no-waf"
    title = "No WAF on the public endpoint"
    impact = "medium"
    why = (
        "A standby that takes all traffic at once is also the one an attack or a retry "
        "storm meets; rate-based rules and AWS managed rule groups keep the failover "
        "target serving."
    )
    source = "https://docs.aws.amazon.com/waf/latest/developerguide/waf-chapter.html"
    fix = Fix(
        "a regional web ACL with AWS managed rules and a rate limit, on each ALB",
        """WebAcl:
  Type: AWS::WAFv2::WebACL
  Properties:
    Scope: REGIONAL
    DefaultAction: {Allow: {}}
    VisibilityConfig: {SampledRequestsEnabled: true, CloudWatchMetricsEnabled: true, MetricName: web}
    Rules:
      - Name: common
        Priority: 0
        OverrideAction: {None: {}}
        Statement: {ManagedRuleGroupStatement: {VendorName: AWS, Name: AWSManagedRulesCommonRuleSet}}
        VisibilityConfig: {SampledRequestsEnabled: true, CloudWatchMetricsEnabled: true, MetricName: common}
WebAclAssociation:
  Type: AWS::WAFv2::WebACLAssociation
  Properties:
    ResourceArn: !Ref Alb
    WebACLArn: !GetAtt WebAcl.Arn
""",
    )

    def evidence(self, ctx: AssessContext) -> list[Evidence]:
        protected: set[tuple[str, str]] = set()
        for assoc in ctx.of_type(
            "AWS::WAFv2::WebACLAssociation", "AWS::WAFRegional::WebACLAssociation"
        ):
            for ref in references(assoc.prop("ResourceArn")):
                protected.add((assoc.stack, ref))
        return [
            evidence_of(alb, "internet-facing and no web ACL is associated")
            for alb in ctx.of_type("AWS::ElasticLoadBalancingV2::LoadBalancer")
            if alb.prop("Scheme", "internet-facing") == "internet-facing"
            and alb.prop("Type", "application") == "application"
            and (alb.stack, alb.logical_id) not in protected
        ]

    def closing_cost(
        self, ctx: AssessContext, evidence: list[Evidence]
    ) -> tuple[float | None, str]:
        acls = len(evidence)
        requests = ctx.templates.settings.usage.waf_requests_millions
        return priced(
            [
                (ctx.price(keys.WAF_ACL.key), acls, "web ACL-months"),
                (ctx.price(keys.WAF_RULE.key), acls * _RULES_IN_FIX, "rule-months"),
                (ctx.price(keys.WAF_REQUESTS.key), requests, "million requests"),
            ]
        )
