"""VPCs without flow logs: no network evidence of what failed, or what reached what."""

from __future__ import annotations

from tradedr.analysis.cost import keys
from tradedr.assess.gaps.base import AssessContext, GapKind, evidence_of, priced
from tradedr.assess.model import Evidence, Fix
from tradedr.templates.values import references


class NoFlowLogs(GapKind):
    id = "no-flow-logs"
    title = "No VPC flow logs"
    impact = "low"
    why = (
        "Flow logs are how a team tells a network partition from an application failure "
        "during a region event, and how it proves afterwards which traffic crossed regions."
    )
    source = "https://docs.aws.amazon.com/vpc/latest/userguide/flow-logs.html"
    fix = Fix(
        "flow logs of all traffic into a KMS-encrypted log group",
        """VpcFlowLog:
  Type: AWS::EC2::FlowLog
  Properties:
    ResourceId: !Ref Vpc
    ResourceType: VPC
    TrafficType: ALL
    LogDestinationType: cloud-watch-logs
    LogGroupName: !Ref FlowLogGroup
    DeliverLogsPermissionArn: !GetAtt FlowLogRole.Arn
""",
    )

    def evidence(self, ctx: AssessContext) -> list[Evidence]:
        logged: set[tuple[str, str]] = set()
        for flow in ctx.of_type("AWS::EC2::FlowLog"):
            for ref in references(flow.prop("ResourceId")) | references(flow.prop("ResourceIds")):
                logged.add((flow.stack, ref))
        return [
            evidence_of(vpc, "no AWS::EC2::FlowLog names this VPC")
            for vpc in ctx.of_type("AWS::EC2::VPC")
            if (vpc.stack, vpc.logical_id) not in logged
        ]

    def closing_cost(
        self, ctx: AssessContext, evidence: list[Evidence]
    ) -> tuple[float | None, str]:
        gb = ctx.templates.settings.usage.flow_logs_gb
        return priced([(ctx.price(keys.LOGS_VENDED.key), gb * len(evidence), "GB vended logs")])
