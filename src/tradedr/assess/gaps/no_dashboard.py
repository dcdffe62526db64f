"""No CloudWatch dashboard: the on-call has nowhere to see both regions at once."""

from __future__ import annotations

from tradedr.analysis.cost import keys
from tradedr.assess.gaps.base import AssessContext, GapKind, evidence_of, priced
from tradedr.assess.model import Evidence, Fix


class NoDashboard(GapKind):
    id = "no-dashboard"
    title = "No CloudWatch dashboard"
    impact = "low"
    why = (
        "Deciding to fail over means comparing the primary's errors with the standby's "
        "replication lag in one place; alarms alone say something is wrong, not what."
    )
    source = (
        "https://docs.aws.amazon.com/AmazonCloudWatch/latest/monitoring/CloudWatch_Dashboards.html"
    )
    fix = Fix(
        "a dashboard per region with the alarm status and the DR metrics",
        """Dashboard:
  Type: AWS::CloudWatch::Dashboard
  Properties:
    DashboardName: trading-dr
    DashboardBody: !Sub '{"widgets":[{"type":"alarm","properties":{"alarms":["${Alb5xxAlarm.Arn}"]}}]}'
""",
    )

    def evidence(self, ctx: AssessContext) -> list[Evidence]:
        if ctx.of_type("AWS::CloudWatch::Dashboard"):
            return []
        alarms = ctx.of_type("AWS::CloudWatch::Alarm")
        anchor = alarms[:1] or ctx.of_type("AWS::ElasticLoadBalancingV2::LoadBalancer")[:1]
        if not anchor:
            return []
        return [evidence_of(anchor[0], "no AWS::CloudWatch::Dashboard in any template")]

    def closing_cost(
        self, ctx: AssessContext, evidence: list[Evidence]
    ) -> tuple[float | None, str]:
        return priced([(ctx.price(keys.CLOUDWATCH_DASHBOARD.key), 1, "dashboard-months")])
