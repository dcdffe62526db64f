"""RDS DB instances: instance hours, storage, backup storage, cross-region replication,
log exports, and RDS Extended Support for a major version past standard support. Aurora
cluster members (same CloudFormation type) go to `aurora.py`."""

from __future__ import annotations

import datetime as dt
import re

from tradedr.analysis.cost import keys
from tradedr.analysis.cost.context import PricingContext
from tradedr.analysis.cost.pricers import aurora
from tradedr.analysis.cost.registry import prices
from tradedr.analysis.templates import Resource, StackDoc

# (engine, major version) -> (first day of Extended Support, last day of its years 1-2).
# MySQL 8.0 left standard support on 31 July 2026 (RDS for MySQL release calendar:
# https://docs.aws.amazon.com/AmazonRDS/latest/MySQLReleaseNotes/mysql-release-calendar.html);
# 8.4 is in standard support until 2029. Year 3 (at twice the rate) is not priced: no
# configurable version reaches it before 2028.
EXTENDED_SUPPORT: dict[tuple[str, str], tuple[dt.date, dt.date]] = {
    ("mysql", "8.0"): (dt.date(2026, 8, 1), dt.date(2028, 7, 31)),
}
# vCPUs by instance size (the RDS instance class table:
# https://docs.aws.amazon.com/AmazonRDS/latest/UserGuide/Concepts.DBInstanceClass.Summary.html);
# burstable micro/small/medium classes have 2.
_VCPUS = {"micro": 2, "small": 2, "medium": 2, "large": 2, "xlarge": 4}


def vcpus(db_class: str) -> int | None:
    size = db_class.rsplit(".", 1)[-1]
    if size in _VCPUS:
        return _VCPUS[size]
    match = re.fullmatch(r"(\d+)xlarge", size)
    return int(match.group(1)) * 4 if match else None


def extended_support(engine: str, version: str, on: dt.date) -> bool:
    """Whether `engine` `version` is in Extended Support years 1-2 on the date `on`."""
    major = ".".join(version.split(".")[:2])
    window = EXTENDED_SUPPORT.get((engine, major))
    return window is not None and window[0] <= on <= window[1]


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
    version = str(db.prop("EngineVersion") or (primary.prop("EngineVersion") if primary else ""))
    priced_on = dt.date.fromisoformat(ctx.prices.price_date)
    cpus = vcpus(db_class)
    if cpus and extended_support(engine, version, priced_on):
        # Multi-AZ runs a standby instance too: two instances' vCPUs, as in the instance
        # price (Multi-AZ = 2 x Single-AZ in the price file).
        instances = 2 if multi_az else 1
        ctx.add(
            region=region,
            component="rds-extended-support",
            resource=db,
            charge=f"RDS Extended Support: {engine} {version} is past standard support "
            f"({instances * cpus} vCPUs)",
            quantity=ctx.hours * instances * cpus,
            key=keys.RDS_EXTENDED_SUPPORT,
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
