"""DynamoDB (global) tables, per replica region: requests, storage and point-in-time recovery.

An MRSC table (`MultiRegionConsistency: STRONG`, the orders store of `dynamodb-mrsc`) is
priced from the orders usage (`usage.orders_*`): every acknowledged write is replicated to
every other replica and to the witness, each billed as replicated write request units
(https://aws.amazon.com/dynamodb/pricing/on-demand/, "Global tables"); reads are strong and
served by each region's own replica for its share of the traffic.
"""

from __future__ import annotations

from tradedr.analysis.cost import keys
from tradedr.analysis.cost.context import PricingContext
from tradedr.analysis.cost.registry import prices
from tradedr.analysis.templates import Resource, StackDoc


@prices("AWS::DynamoDB::GlobalTable", "AWS::DynamoDB::Table")
def global_table(ctx: PricingContext, stack: StackDoc, table: Resource) -> None:
    """A global table per replica region; a single-region table (`AWS::DynamoDB::Table`,
    what SAM's SimpleTable becomes) is one with no Replicas, priced in its own region."""
    if table.prop("MultiRegionConsistency") == "STRONG":
        _mrsc_table(ctx, table)
        return
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


def _mrsc_table(ctx: PricingContext, table: Resource) -> None:
    """Replicated writes in every replica and the witness; strong reads, storage and PITR
    in every replica."""
    usage = ctx.usage
    replicas = [str(r.get("Region")) for r in table.prop("Replicas", [])]
    witnesses = [str(w.get("Region")) for w in table.prop("GlobalTableWitnesses", [])]
    for region in replicas:
        ctx.add(
            region=region,
            component="dynamodb",
            resource=table,
            charge="DynamoDB MRSC replicated writes (every order write in every replica)",
            quantity=usage.orders_writes_millions,
            key=keys.DYNAMODB_RWRU,
        )
        ctx.add(
            region=region,
            component="dynamodb",
            resource=table,
            charge="DynamoDB MRSC strongly consistent reads",
            quantity=usage.orders_reads_millions * ctx.traffic_share(region),
            key=keys.DYNAMODB_RRU,
        )
        ctx.add(
            region=region,
            component="dynamodb",
            resource=table,
            charge="DynamoDB MRSC storage",
            quantity=usage.orders_storage_gb,
            key=keys.DYNAMODB_STORAGE,
        )
        ctx.add(
            region=region,
            component="dynamodb",
            resource=table,
            charge="DynamoDB MRSC point-in-time recovery",
            quantity=usage.orders_storage_gb,
            key=keys.DYNAMODB_PITR,
        )
    for region in witnesses:
        ctx.add(
            region=region,
            component="dynamodb",
            resource=table,
            charge="DynamoDB MRSC witness replicated writes (every order write)",
            quantity=usage.orders_writes_millions,
            key=keys.DYNAMODB_RWRU,
        )
