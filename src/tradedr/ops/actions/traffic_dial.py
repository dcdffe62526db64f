"""Global Accelerator: turn an endpoint group's traffic dial (control plane in us-west-2)."""

from __future__ import annotations

from pydantic import Field

from tradedr.ops.actions.base import Action, ExecutionContext, Outcome, params_of
from tradedr.ops.backend import Capability
from tradedr.ops.plans import ActionKind, ApiCall, Step, StepParams

GA_REGION = "us-west-2"


class TrafficDialParams(StepParams):
    endpoint_group_arn: str
    percentage: int = Field(ge=0, le=100)


class SetTrafficDial(Action):
    kind = ActionKind.SET_TRAFFIC_DIAL
    requires = Capability.TRAFFIC_DIAL
    Params = TrafficDialParams

    def calls(self, step: Step) -> list[ApiCall]:
        return [
            ApiCall("globalaccelerator", GA_REGION, "DescribeEndpointGroup"),
            ApiCall("globalaccelerator", GA_REGION, "UpdateEndpointGroup"),
        ]

    def run(self, ctx: ExecutionContext, step: Step) -> Outcome:
        params = params_of(step, TrafficDialParams)
        arn, percentage = params.endpoint_group_arn, float(params.percentage)
        group = ctx.call(
            "globalaccelerator", GA_REGION, "DescribeEndpointGroup", EndpointGroupArn=arn
        )["EndpointGroup"]
        if float(group.get("TrafficDialPercentage", 100.0)) == percentage:
            return Outcome("skipped", f"traffic dial of {step.region} already {percentage:g}%")
        ctx.call(
            "globalaccelerator",
            GA_REGION,
            "UpdateEndpointGroup",
            EndpointGroupArn=arn,
            TrafficDialPercentage=percentage,
        )
        return Outcome("executed", f"traffic dial of {step.region} set to {percentage:g}%")
