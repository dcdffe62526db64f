"""CloudWatch alarms (high resolution below a 60 s period) and dashboards."""

from __future__ import annotations

from tradedr.analysis.cost import keys
from tradedr.analysis.cost.context import PricingContext
from tradedr.analysis.cost.registry import prices
from tradedr.analysis.templates import Resource, StackDoc


@prices("AWS::CloudWatch::Alarm")
def alarm(ctx: PricingContext, stack: StackDoc, alarm: Resource) -> None:
    high_resolution = int(alarm.prop("Period", 60) or 60) < 60
    ctx.add(
        region=stack.region,
        component="cloudwatch",
        resource=alarm,
        charge="CloudWatch alarm" + (" (high resolution)" if high_resolution else ""),
        quantity=1,
        key=keys.CLOUDWATCH_ALARM_HIGH_RES if high_resolution else keys.CLOUDWATCH_ALARM,
    )


@prices("AWS::CloudWatch::Dashboard")
def dashboard(ctx: PricingContext, stack: StackDoc, dashboard: Resource) -> None:
    ctx.add(
        region=stack.region,
        component="cloudwatch",
        resource=dashboard,
        charge="CloudWatch dashboard",
        quantity=1,
        key=keys.CLOUDWATCH_DASHBOARD,
    )
