"""DynamoDB (global) tables, per replica region: requests, storage and point-in-time recovery."""

from __future__ import annotations

from tradedr.analysis.cost import keys
from tradedr.analysis.cost.context import PricingContext
from tradedr.analysis.cost.registry import prices
from tradedr.analysis.templates import Resource, StackDoc


@prices("AWS::DynamoDB::GlobalTable")
def global_table(ctx: PricingContext, stack: StackDoc, table: Resource) -> None:
    usage = ctx.usage
    replicas = [str(r.get("Region")) for r in table.prop("Replicas", [])] or [table.region]
    on_demand = table.prop("BillingMode") == "PAY_PER_REQUEST"
    replicated = len(replicas) > 1
    for region in [r for r in ctx.settings.all_regions if r in replicas]:
        if on_demand:
            if replicated:
                ctx.add(
                    region=region,
                    component="dynamodb",
                    resource=table,
                    charge="DynamoDB replicated writes (every write lands in every replica)",
                    quantity=usage.dynamodb_writes_millions,
                    key=keys.DYNAMODB_RWRU,
                )
            else:
                ctx.add(
                    region=region,
                    component="dynamodb",
                    resource=table,
                    charge="DynamoDB on-demand writes",
                    quantity=usage.dynamodb_writes_millions,
                    key=keys.DYNAMODB_WRU,
                )
            ctx.add(
                region=region,
                component="dynamodb",
                resource=table,
                charge="DynamoDB on-demand reads",
                quantity=usage.dynamodb_reads_millions * ctx.traffic_share(region),
                key=keys.DYNAMODB_RRU,
            )
        else:
            ctx.add(
                region=region,
                component="dynamodb",
                resource=table,
                charge="DynamoDB provisioned capacity",
                quantity=1,
                key=keys.DYNAMODB_PROVISIONED,
            )
        ctx.add(
            region=region,
            component="dynamodb",
            resource=table,
            charge="DynamoDB storage",
            quantity=usage.dynamodb_storage_gb,
            key=keys.DYNAMODB_STORAGE,
        )
        ctx.add(
            region=region,
            component="dynamodb",
            resource=table,
            charge="DynamoDB point-in-time recovery",
            quantity=usage.dynamodb_storage_gb,
            key=keys.DYNAMODB_PITR,
        )
