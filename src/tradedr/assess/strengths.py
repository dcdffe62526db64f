""" "What works well": what the templates already do for DR, each with where it is written.

A review that lists only gaps reads as if nothing was done; the owners need to know what
to keep when they change the templates."""

from __future__ import annotations

from collections.abc import Iterator

from tradedr.analysis.templates import Resource
from tradedr.assess.gaps.base import AssessContext
from tradedr.assess.model import Strength
from tradedr.checks.rules.base import as_int, is_true
from tradedr.templates.values import text_of


def strengths(ctx: AssessContext) -> list[Strength]:
    return list(_found(ctx))


def _at(resource: Resource) -> str:
    return f"{resource.location} ({resource.stack}/{resource.logical_id})"


def _found(ctx: AssessContext) -> Iterator[Strength]:
    flagged = {(f.stack, f.resource, f.rule) for f in ctx.findings}
    for db in ctx.of_type("AWS::RDS::DBInstance"):
        if is_true(db.prop("MultiAZ")):
            yield Strength(
                "Multi-AZ primary database: an AZ loss fails over in 1-2 minutes", _at(db)
            )
        if db.prop("SourceDBInstanceIdentifier"):
            yield Strength("Cross-region read replica of the database", _at(db))
        if (as_int(db.prop("BackupRetentionPeriod")) or 0) >= 7:
            days = db.prop("BackupRetentionPeriod")
            yield Strength(f"Automated backups kept {days} days", _at(db))
        if is_true(db.prop("StorageEncrypted")):
            yield Strength("Database storage encrypted at rest", _at(db))
    for cluster in ctx.of_type("AWS::RDS::DBCluster"):
        if cluster.prop("GlobalClusterIdentifier"):
            yield Strength(
                "Aurora global database: storage-level cross-region replication", _at(cluster)
            )
    for table in ctx.of_type("AWS::DynamoDB::GlobalTable"):
        regions = sorted({text_of((r or {}).get("Region")) for r in table.prop("Replicas") or []})
        if len(regions) > 1:
            shown = ", ".join(r or "a parameter's region" for r in regions)
            yield Strength(f"DynamoDB global table replicated to {shown}", _at(table))
        if (table.stack, table.logical_id, "DR002") not in flagged:
            yield Strength("Point-in-time recovery on every table replica", _at(table))
    for bucket in ctx.of_type("AWS::S3::Bucket"):
        if bucket.prop("ReplicationConfiguration"):
            yield Strength("S3 cross-region replication configured", _at(bucket))
        if bucket.prop("VersioningConfiguration.Status") == "Enabled":
            yield Strength(
                "Bucket versioning on (deletes and overwrites are recoverable)", _at(bucket)
            )
    for record in ctx.of_type("AWS::Route53::RecordSet"):
        if record.prop("Failover") == "PRIMARY" and record.prop("HealthCheckId"):
            yield Strength(
                "Route 53 failover routing with a health check on the primary", _at(record)
            )
    for group in ctx.of_type("AWS::AutoScaling::AutoScalingGroup"):
        if group.prop("HealthCheckType") == "ELB":
            yield Strength(
                "Auto Scaling replaces instances the load balancer finds unhealthy", _at(group)
            )
        subnets = group.prop("VPCZoneIdentifier")
        if isinstance(subnets, list) and len(subnets) > 1:
            yield Strength(f"Instances spread over {len(subnets)} subnets (AZs)", _at(group))
    alarms = ctx.of_type("AWS::CloudWatch::Alarm")
    if alarms:
        watched = [a for a in alarms if a.prop("Dimensions")]
        yield Strength(
            f"{len(alarms)} CloudWatch alarms, {len(watched)} on a specific resource",
            _at(alarms[0]),
        )
    for plan in ctx.of_type("AWS::Backup::BackupPlan"):
        yield Strength("AWS Backup plan defined", _at(plan))
    for trail in ctx.of_type("AWS::CloudTrail::Trail"):
        yield Strength("CloudTrail trail recording API activity", _at(trail))
