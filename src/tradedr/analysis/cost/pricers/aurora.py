"""Aurora MySQL: cluster members, the cluster volume and I/O, and a global secondary's
replicated writes and redo-stream transfer.

Aurora instances are `AWS::RDS::DBInstance` resources: `rds.py` owns that type and hands
Aurora engines to `cluster_member` here.
"""

from __future__ import annotations

from tradedr.analysis.cost import keys
from tradedr.analysis.cost.context import PricingContext
from tradedr.analysis.cost.registry import prices
from tradedr.analysis.templates import Resource, StackDoc


def cluster_of(ctx: PricingContext, db: Resource) -> Resource | None:
    ref = db.prop("DBClusterIdentifier")
    for cluster in ctx.templates.resources("AWS::RDS::DBCluster", region=db.region):
        if ref == {"Ref": cluster.logical_id} or ref == cluster.prop("DBClusterIdentifier"):
            return cluster
    return None


def storage_mode(cluster: Resource | None) -> str:
    """Aurora Standard bills I/O per request; I/O-Optimized folds it into instance/storage."""
    storage = str(cluster.prop("StorageType", "") or "") if cluster else ""
    return "io-optimized" if storage == "aurora-iopt1" else "standard"


def cluster_member(ctx: PricingContext, region: str, db: Resource) -> None:
    cluster = cluster_of(ctx, db)
    mode = storage_mode(cluster)
    db_class = str(db.prop("DBInstanceClass"))
    name = cluster.prop("DBClusterIdentifier") if cluster else "?"
    ctx.add(
        region=region,
        component="aurora-instance",
        resource=db,
        charge=f"Aurora MySQL {db_class} ({mode}) in cluster {name}",
        quantity=ctx.hours,
        key=keys.AURORA_INSTANCE(db_class=db_class, mode=mode),
    )


@prices("AWS::RDS::DBCluster")
def cluster(ctx: PricingContext, stack: StackDoc, cluster: Resource) -> None:
    """Cluster volume and I/O; a global secondary also pays replicated write I/O and the
    inter-region transfer of the redo stream (billed in the primary)."""
    region = stack.region
    usage = ctx.usage
    mode = storage_mode(cluster)
    secondary = bool(cluster.prop("GlobalClusterIdentifier"))
    storage = usage.aurora_storage_gb
    ctx.add(
        region=region,
        component="aurora-storage",
        resource=cluster,
        charge=f"Aurora storage {storage:g} GB ({mode}"
        + (", secondary copy)" if secondary else ")"),
        quantity=storage,
        key=keys.AURORA_STORAGE(mode=mode),
    )
    share = ctx.traffic_share(region) if secondary else 1.0
    ctx.add(
        region=region,
        component="aurora-io",
        resource=cluster,
        charge="Aurora I/O requests" + (" (reads served by the secondary)" if secondary else ""),
        quantity=usage.aurora_io_millions * share,
        key=keys.AURORA_IO(mode=mode),
    )
    if secondary:
        ctx.add(
            region=region,
            component="aurora-global",
            resource=cluster,
            charge="Aurora global database replicated write I/O",
            quantity=usage.aurora_replicated_write_io_millions,
            key=keys.AURORA_REPLICATED_IO,
        )
        ctx.add(
            region=ctx.settings.primary_region,
            component="transfer",
            resource=cluster,
            charge=f"Aurora global replication to {region} (inter-region transfer)",
            quantity=usage.rds_replication_gb,
            key=keys.TRANSFER_INTER_REGION,
        )
    elif int(cluster.prop("BackupRetentionPeriod", 1) or 0) > 0:
        ctx.add(
            region=region,
            component="aurora-backup",
            resource=cluster,
            charge="Aurora backup storage beyond the free allowance",
            quantity=max(usage.rds_backup_storage_gb - storage, 0.0),
            key=keys.AURORA_BACKUP_STORAGE,
        )
    if cluster.prop("EnableCloudwatchLogsExports"):
        ctx.add(
            region=region,
            component="logs",
            resource=cluster,
            charge="Aurora logs ingested",
            quantity=usage.app_logs_gb * (share if secondary else 1.0),
            key=keys.LOGS_INGESTION,
        )
