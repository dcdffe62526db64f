"""Template readers shared by the scenarios and the RPO entries: the resources a recovery
depends on, found by type, region and the properties that tie them together."""

from __future__ import annotations

from typing import Any

from tradedr.analysis.templates import Resource, TemplateSet
from tradedr.templates.markers import DETECTOR_ROLE, ROLE_VARIABLE

DETECTOR_ENV = "Environment.Variables"


def as_int(value: Any, default: int = 0) -> int:
    try:
        return int(value)
    except (TypeError, ValueError):
        return default


def asg(templates: TemplateSet, region: str) -> Resource | None:
    return templates.first("AWS::AutoScaling::AutoScalingGroup", region=region)


def primary_db(templates: TemplateSet) -> Resource | None:
    for db in templates.resources("AWS::RDS::DBInstance", region=templates.settings.primary_region):
        if not db.prop("SourceDBInstanceIdentifier"):
            return db
    return None


def replica_db(templates: TemplateSet, region: str) -> Resource | None:
    for db in templates.resources("AWS::RDS::DBInstance", region=region):
        if db.prop("SourceDBInstanceIdentifier"):
            return db
    return None


def mrsc_table(templates: TemplateSet) -> Resource | None:
    """The orders store of `dynamodb-mrsc`: a global table in multi-Region strong consistency."""
    for table in templates.resources("AWS::DynamoDB::GlobalTable"):
        if table.prop("MultiRegionConsistency") == "STRONG":
            return table
    return None


def sessions_table(templates: TemplateSet, region: str) -> Resource | None:
    """The sessions global table (eventually consistent), not an MRSC orders table."""
    for table in templates.resources("AWS::DynamoDB::GlobalTable", region=region):
        if table.prop("MultiRegionConsistency") != "STRONG":
            return table
    return None


def aurora_secondary(templates: TemplateSet, region: str) -> Resource | None:
    """A standby's Aurora cluster joined to the global database by its identifier."""
    for cluster in templates.resources("AWS::RDS::DBCluster", region=region):
        if cluster.prop("GlobalClusterIdentifier"):
            return cluster
    return None


def aurora_primary(templates: TemplateSet) -> Resource | None:
    primary = templates.settings.primary_region
    for cluster in templates.resources("AWS::RDS::DBCluster", region=primary):
        if str(cluster.prop("Engine", "")).startswith("aurora"):
            return cluster
    return None


def cluster_members(templates: TemplateSet, cluster: Resource) -> list[Resource]:
    """DB instances whose DBClusterIdentifier refers to `cluster` (Ref or literal id)."""
    members = []
    for db in templates.resources("AWS::RDS::DBInstance", region=cluster.region):
        ref = db.prop("DBClusterIdentifier")
        if ref == {"Ref": cluster.logical_id} or (
            isinstance(ref, str) and ref == cluster.prop("DBClusterIdentifier")
        ):
            members.append(db)
    return members


def metric_alarm(
    templates: TemplateSet, region: str, namespace: str, metric_name: str
) -> Resource | None:
    for alarm in templates.resources("AWS::CloudWatch::Alarm", region=region):
        if alarm.prop("Namespace") == namespace and alarm.prop("MetricName") == metric_name:
            return alarm
    return None


def replication_alarm(
    templates: TemplateSet, source_region: str, receiving_region: str
) -> Resource | None:
    """The sessions table's ReplicationLatency alarm for one receiving region."""
    for alarm in templates.resources("AWS::CloudWatch::Alarm", region=source_region):
        if alarm.prop("Namespace") != "AWS/DynamoDB":
            continue
        if alarm.prop("MetricName") != "ReplicationLatency":
            continue
        dimensions = {d.get("Name"): d.get("Value") for d in alarm.prop("Dimensions", []) or []}
        if dimensions.get("ReceivingRegion") == receiving_region:
            return alarm
    return None


def is_recovery_control(check: Resource | None) -> bool:
    return check is not None and check.prop("HealthCheckConfig.Type") == "RECOVERY_CONTROL"


def region_loss_detector(templates: TemplateSet, region: str) -> Resource | None:
    """The automatic-failover detector Lambda in `region`, if the config asked for one."""
    for function in templates.resources("AWS::Lambda::Function", region=region):
        if function.prop(f"{DETECTOR_ENV}.{ROLE_VARIABLE}") == DETECTOR_ROLE:
            return function
    return None
