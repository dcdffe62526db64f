"""Properties moto creates a resource without (S3 versioning and replication, DynamoDB
point-in-time recovery): carried out in an extra output, applied through the API after."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

from tradedr.emulator.compat.model import COMPAT_OUTPUT_PREFIX, PreparedStack, PropertyApplication
from tradedr.emulator.compat.template import _resources

# moto creates these resources but ignores these properties; tradedr applies them through
# the service API after the stack (moto resolves the intrinsics in an extra output).
IGNORED_PROPERTIES: dict[str, tuple[str, ...]] = {
    # moto's S3 CloudFormation model reads neither versioning nor replication.
    "AWS::S3::Bucket": ("VersioningConfiguration", "ReplicationConfiguration"),
    # moto's DynamoDB Table model ignores point-in-time recovery.
    "AWS::DynamoDB::Table": ("PointInTimeRecoverySpecification",),
}


def _ignored_properties(stack: PreparedStack) -> None:
    outputs = stack.template.setdefault("Outputs", {})
    for logical_id, resource in _resources(stack.template).items():
        for prop in IGNORED_PROPERTIES.get(resource.get("Type", ""), ()):
            value = resource.get("Properties", {}).get(prop)
            if value is None:
                continue
            key = f"{COMPAT_OUTPUT_PREFIX}{logical_id}{prop}"
            key = "".join(ch for ch in key if ch.isalnum())
            outputs[key] = {"Value": {"Fn::ToJsonString": value}}
            stack.applications.append(PropertyApplication(logical_id, resource["Type"], prop, key))


def apply_ignored_properties(
    stack: PreparedStack, outputs: dict[str, str], physical_ids: dict[str, str], provider: Any
) -> list[str]:
    """Apply the properties moto ignored, from their resolved JSON; returns what was done."""
    done: list[str] = []
    for app in stack.applications:
        raw = outputs.get(app.output_key)
        physical = physical_ids.get(app.logical_id)
        if not raw or not physical:
            continue
        value = json.loads(raw)
        applier = _APPLIERS.get((app.resource_type, app.prop))
        if applier is not None:
            applier(provider.client(_SERVICE[app.resource_type], stack.region), physical, value)
            done.append(f"{app.logical_id}.{app.prop}")
    return done


def _s3_versioning(client: Any, bucket: str, value: dict[str, Any]) -> None:
    client.put_bucket_versioning(
        Bucket=bucket, VersioningConfiguration={"Status": value.get("Status", "Enabled")}
    )


def _s3_replication(client: Any, bucket: str, value: dict[str, Any]) -> None:
    rules = []
    for rule in value.get("Rules", []):
        destination = rule.get("Destination", {})
        converted: dict[str, Any] = {
            "ID": rule.get("Id", ""),
            "Status": rule.get("Status", "Enabled"),
            "Priority": int(rule.get("Priority", 0)),
            "Filter": {"Prefix": rule.get("Filter", {}).get("Prefix", "")},
            "DeleteMarkerReplication": rule.get("DeleteMarkerReplication", {"Status": "Disabled"}),
            "Destination": {"Bucket": destination.get("Bucket", "")},
        }
        if "EncryptionConfiguration" in destination:
            converted["Destination"]["EncryptionConfiguration"] = {
                "ReplicaKmsKeyID": destination["EncryptionConfiguration"].get("ReplicaKmsKeyID", "")
            }
        if "ReplicationTime" in destination:
            rt = destination["ReplicationTime"]
            converted["Destination"]["ReplicationTime"] = {
                "Status": rt.get("Status", "Enabled"),
                "Time": {"Minutes": int(rt.get("Time", {}).get("Minutes", 15))},
            }
        if "Metrics" in destination:
            metrics = destination["Metrics"]
            converted["Destination"]["Metrics"] = {
                "Status": metrics.get("Status", "Enabled"),
                "EventThreshold": {
                    "Minutes": int(metrics.get("EventThreshold", {}).get("Minutes", 15))
                },
            }
        sse = rule.get("SourceSelectionCriteria", {}).get("SseKmsEncryptedObjects")
        if sse:
            converted["SourceSelectionCriteria"] = {
                "SseKmsEncryptedObjects": {"Status": sse.get("Status", "Enabled")}
            }
        rules.append(converted)
    client.put_bucket_replication(
        Bucket=bucket, ReplicationConfiguration={"Role": value.get("Role", ""), "Rules": rules}
    )


def _dynamodb_pitr(client: Any, table: str, value: dict[str, Any]) -> None:
    enabled = bool(value.get("PointInTimeRecoveryEnabled", False))
    client.update_continuous_backups(
        TableName=table,
        PointInTimeRecoverySpecification={"PointInTimeRecoveryEnabled": enabled},
    )


_SERVICE = {"AWS::S3::Bucket": "s3", "AWS::DynamoDB::Table": "dynamodb"}
_APPLIERS: dict[tuple[str, str], Callable[[Any, str, dict[str, Any]], None]] = {
    ("AWS::S3::Bucket", "VersioningConfiguration"): _s3_versioning,
    ("AWS::S3::Bucket", "ReplicationConfiguration"): _s3_replication,
    ("AWS::DynamoDB::Table", "PointInTimeRecoverySpecification"): _dynamodb_pitr,
}
