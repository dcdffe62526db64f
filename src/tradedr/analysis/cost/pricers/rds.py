"""RDS DB instances: instance hours, storage, backup storage, cross-region replication and
log exports. Aurora cluster members (same CloudFormation type) go to `aurora.py`."""

from __future__ import annotations

from tradedr.analysis.cost import keys
from tradedr.analysis.cost.context import PricingContext
from tradedr.analysis.cost.pricers import aurora
from tradedr.analysis.cost.registry import prices
from tradedr.analysis.templates import Resource, StackDoc


def primary_db(ctx: PricingContext) -> Resource | None:
    for db in ctx.templates.resources("AWS::RDS::DBInstance", region=ctx.settings.primary_region):
        if not db.prop("SourceDBInstanceIdentifier"):
            return db
    return None


@prices("AWS::RDS::DBInstance")
def db_instance(ctx: PricingContext, stack: StackDoc, db: Resource) -> None:
    region = stack.region
    if str(db.prop("Engine", "")).startswith("aurora"):
        aurora.cluster_member(ctx, region, db)
        return
    primary = primary_db(ctx)
    engine = str(db.prop("Engine") or (primary.prop("Engine") if primary else "mysql"))
    db_class = str(db.prop("DBInstanceClass"))
    multi_az = bool(db.prop("MultiAZ"))
    az = "multi-az" if multi_az else "single-az"
    is_replica = bool(db.prop("SourceDBInstanceIdentifier"))
    role = "read replica" if is_replica else "primary"
    ctx.add(
        region=region,
        component="rds-instance",
        resource=db,
        charge=f"RDS {engine} {db_class} {'Multi-AZ' if multi_az else 'Single-AZ'} ({role})",
        quantity=ctx.hours,
        key=keys.RDS_INSTANCE(engine=engine, db_class=db_class, az=az),
    )
    storage_source = db if db.prop("AllocatedStorage") else primary
    storage = float((storage_source.prop("AllocatedStorage") if storage_source else 0) or 0)
    storage_type = str((storage_source.prop("StorageType") if storage_source else "") or "gp3")
    ctx.add(
        region=region,
        component="rds-storage",
        resource=db,
        charge=f"RDS {storage_type} storage {storage:g} GB ({az})",
        quantity=storage,
        key=keys.RDS_STORAGE(storage_type=storage_type, az=az),
    )
    if not is_replica and int(db.prop("BackupRetentionPeriod", 1) or 0) > 0:
        ctx.add(
            region=region,
            component="rds-backup",
            resource=db,
            charge="RDS backup storage beyond the free allowance",
            quantity=max(ctx.usage.rds_backup_storage_gb - storage, 0.0),
            key=keys.RDS_BACKUP_STORAGE,
        )
    if is_replica:
        ctx.add(
            region=ctx.settings.primary_region,
            component="transfer",
            resource=db,
            charge=f"RDS replication to {region} (inter-region transfer)",
            quantity=ctx.usage.rds_replication_gb,
            key=keys.TRANSFER_INTER_REGION,
        )
    if db.prop("EnableCloudwatchLogsExports"):
        share = ctx.traffic_share(region) if is_replica else 1.0
        ctx.add(
            region=region,
            component="logs",
            resource=db,
            charge="RDS and app logs ingested",
            quantity=ctx.usage.app_logs_gb * share,
            key=keys.LOGS_INGESTION,
        )
