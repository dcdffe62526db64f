"""S3 buckets (not the log sinks): storage, requests, replication transfer and RTC."""

from __future__ import annotations

from tradedr.analysis.cost import keys
from tradedr.analysis.cost.context import PricingContext
from tradedr.analysis.cost.registry import prices
from tradedr.analysis.templates import Resource, StackDoc


def replicated_into(ctx: PricingContext) -> set[str]:
    """Regions that hold a replica of some bucket (a destination stores a full copy)."""
    regions = ctx.settings.all_regions
    found: set[str] = set()
    for bucket in ctx.templates.resources("AWS::S3::Bucket"):
        for rule in bucket.prop("ReplicationConfiguration.Rules", []) or []:
            arn = str(rule.get("Destination", {}).get("Bucket", ""))
            found.update(r for r in regions if arn.endswith(f"-{r}"))
            found.update(r for r in regions if r in arn)
    return found


@prices("AWS::S3::Bucket")
def bucket(ctx: PricingContext, stack: StackDoc, bucket: Resource) -> None:
    if bucket.holds_logs:
        return
    region = stack.region
    usage = ctx.usage
    share = ctx.traffic_share(region)
    full_copy = share >= 1 or region in replicated_into(ctx)
    stored = usage.s3_storage_gb if full_copy else usage.s3_storage_gb * share
    ctx.add(
        region=region,
        component="s3",
        resource=bucket,
        charge="S3 Standard storage",
        quantity=stored,
        key=keys.S3_STORAGE,
    )
    ctx.add(
        region=region,
        component="s3",
        resource=bucket,
        charge="S3 PUT/COPY/POST/LIST requests",
        quantity=usage.s3_put_thousands * share,
        key=keys.S3_PUT,
    )
    ctx.add(
        region=region,
        component="s3",
        resource=bucket,
        charge="S3 GET and other requests",
        quantity=usage.s3_get_thousands * share,
        key=keys.S3_GET,
    )
    for rule in bucket.prop("ReplicationConfiguration.Rules", []) or []:
        target = str(rule.get("Id", "replica"))
        ctx.add(
            region=region,
            component="transfer",
            resource=bucket,
            charge=f"S3 replication {target} (inter-region transfer)",
            quantity=usage.s3_replicated_gb,
            key=keys.TRANSFER_INTER_REGION,
        )
        if rule.get("Destination", {}).get("ReplicationTime", {}).get("Status") == "Enabled":
            ctx.add(
                region=region,
                component="s3",
                resource=bucket,
                charge=f"S3 Replication Time Control {target}",
                quantity=usage.s3_replicated_gb,
                key=keys.S3_RTC,
            )
