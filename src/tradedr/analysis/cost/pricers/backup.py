"""AWS Backup plans: snapshot and backup storage kept, and copies to other regions' vaults."""

from __future__ import annotations

from tradedr.analysis.cost import keys
from tradedr.analysis.cost.context import PricingContext
from tradedr.analysis.cost.registry import prices
from tradedr.analysis.rto import backup_interval_seconds
from tradedr.analysis.templates import Resource, StackDoc


@prices("AWS::Backup::BackupPlan")
def backup_plan(ctx: PricingContext, stack: StackDoc, plan: Resource) -> None:
    region = stack.region
    usage = ctx.usage
    rule = plan.prop("BackupPlan.BackupPlanRule.0", {}) or {}
    interval = backup_interval_seconds(str(rule.get("ScheduleExpression", "")))
    runs = 30 * 24 * 3600 / interval
    retention = float(rule.get("Lifecycle", {}).get("DeleteAfterDays", 7))
    kept = min(runs, retention * 24 * 3600 / interval)
    # dynamodb-mrsc: the plan backs up the orders table instead of an RDS database.
    mrsc = ctx.settings.database.is_mrsc
    table_gb = usage.dynamodb_storage_gb + (usage.orders_storage_gb if mrsc else 0.0)
    ddb_gb = table_gb * kept
    rds_gb = 0.0 if mrsc else usage.rds_backup_storage_gb
    rds_replication_gb = 0.0 if mrsc else usage.rds_replication_gb
    if not mrsc:
        ctx.add(
            region=region,
            component="backup",
            resource=plan,
            charge=f"AWS Backup RDS snapshots ({kept:g} kept)",
            quantity=rds_gb,
            key=keys.BACKUP_RDS,
        )
    ctx.add(
        region=region,
        component="backup",
        resource=plan,
        charge=f"AWS Backup DynamoDB backups ({kept:g} kept, full)",
        quantity=ddb_gb,
        key=keys.BACKUP_DYNAMODB,
    )
    for action in rule.get("CopyActions", []):
        arn = str(action.get("DestinationBackupVaultArn", ""))
        dest = next((r for r in ctx.settings.all_regions if f":{r}:" in arn), None)
        if dest is None:
            continue
        ctx.add(
            region=region,
            component="transfer",
            resource=plan,
            charge=f"AWS Backup copies to {dest} (transfer)",
            quantity=table_gb * runs + rds_replication_gb,
            key=keys.BACKUP_COPY_TRANSFER,
        )
        if not mrsc:
            ctx.add(
                region=dest,
                component="backup",
                resource=plan,
                charge=f"AWS Backup RDS snapshot copies from {region}",
                quantity=rds_gb,
                key=keys.BACKUP_RDS,
            )
        ctx.add(
            region=dest,
            component="backup",
            resource=plan,
            charge=f"AWS Backup DynamoDB copies from {region}",
            quantity=ddb_gb,
            key=keys.BACKUP_DYNAMODB,
        )
