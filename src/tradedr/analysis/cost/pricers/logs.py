"""CloudWatch Logs: VPC flow logs delivered as vended logs, and log storage per region
(log groups are priced by usage per region, not per group: they are in FREE_TYPES)."""

from __future__ import annotations

from tradedr.analysis.cost import keys
from tradedr.analysis.cost.context import PricingContext
from tradedr.analysis.cost.registry import after_walk, prices
from tradedr.analysis.templates import Resource, StackDoc


@prices("AWS::EC2::FlowLog")
def flow_log(ctx: PricingContext, stack: StackDoc, flow_log: Resource) -> None:
    ctx.add(
        region=stack.region,
        component="logs",
        resource=flow_log,
        charge="VPC flow logs delivered to CloudWatch Logs",
        quantity=ctx.usage.flow_logs_gb * max(ctx.traffic_share(stack.region), 0.2),
        key=keys.LOGS_VENDED,
    )


@after_walk
def log_storage(ctx: PricingContext) -> None:
    """Storage in every region with log groups or RDS log exports (a quarter in standbys)."""
    settings = ctx.settings
    for region in settings.all_regions:
        if ctx.templates.resources("AWS::Logs::LogGroup", region=region) or any(
            db.prop("EnableCloudwatchLogsExports")
            for db in ctx.templates.resources("AWS::RDS::DBInstance", region=region)
        ):
            share = 1.0 if region == settings.primary_region else 0.25
            ctx.add(
                region=region,
                component="logs",
                resource=f"{region} log groups",
                charge="CloudWatch Logs storage",
                quantity=ctx.usage.log_storage_gb * share,
                key=keys.LOGS_STORAGE,
            )
