"""DynamoDB: global tables deployed as one plain table per region."""

from __future__ import annotations

import copy
from typing import Any

from tradedr.emulator.compat.model import SUBSTITUTED, CompatNote, PreparedStack
from tradedr.emulator.compat.template import _resources


def _global_tables_to_tables(stacks: dict[str, PreparedStack], kinds: dict[str, str]) -> None:
    """moto has no AWS::DynamoDB::GlobalTable model (skipped with a warning) and no
    global-table replication. The operations need the sessions table in every region, so
    each replica becomes a plain AWS::DynamoDB::Table: the one in the owning region replaces
    the global table in place (same logical id, so GetAtt Arn/StreamArn keep working), the
    others are added to the data stack of their region. No replication between them."""
    data_stack_of = {
        stack.region: stack for name, stack in stacks.items() if kinds.get(name) == "data"
    }
    for stack in stacks.values():
        for logical_id, resource in list(_resources(stack.template).items()):
            if resource.get("Type") != "AWS::DynamoDB::GlobalTable":
                continue
            props = resource.get("Properties", {})
            for replica in props.get("Replicas", []):
                region = replica.get("Region")
                table = _table_from_global(props, replica)
                target = stack if region == stack.region else data_stack_of.get(region)
                if target is None:
                    continue
                table_resource = {
                    "Type": "AWS::DynamoDB::Table",
                    "Properties": table,
                    "DeletionPolicy": resource.get("DeletionPolicy", "Retain"),
                    "UpdateReplacePolicy": resource.get("UpdateReplacePolicy", "Retain"),
                }
                replica_id = logical_id if target is stack else f"{logical_id}Replica"
                _resources(target.template)[replica_id] = table_resource
                target.notes.append(
                    CompatNote(
                        target.name,
                        target.region,
                        replica_id,
                        "AWS::DynamoDB::GlobalTable",
                        SUBSTITUTED,
                        f"replica in {region} deployed as a plain AWS::DynamoDB::Table "
                        "(moto has no global tables); items are not replicated"
                        + (
                            "; multi-Region strong consistency (MRSC) is not emulated"
                            if props.get("MultiRegionConsistency") == "STRONG"
                            else ""
                        ),
                    )
                )


def _table_from_global(props: dict[str, Any], replica: dict[str, Any]) -> dict[str, Any]:
    table: dict[str, Any] = {
        key: copy.deepcopy(props[key])
        for key in (
            "TableName",
            "AttributeDefinitions",
            "KeySchema",
            "BillingMode",
            "StreamSpecification",
            "TimeToLiveSpecification",
            "GlobalSecondaryIndexes",
            "LocalSecondaryIndexes",
        )
        if key in props
    }
    for key in ("PointInTimeRecoverySpecification", "DeletionProtectionEnabled", "Tags"):
        if key in replica:
            table[key] = copy.deepcopy(replica[key])
    sse = props.get("SSESpecification")
    if sse:
        table["SSESpecification"] = {
            "SSEEnabled": sse.get("SSEEnabled", True),
            "SSEType": sse.get("SSEType", "KMS"),
            **(
                {"KMSMasterKeyId": replica["SSESpecification"]["KMSMasterKeyId"]}
                if "KMSMasterKeyId" in replica.get("SSESpecification", {})
                else {}
            ),
        }
    if "WriteProvisionedThroughputSettings" in props:
        # Global tables take autoscaled write capacity; a table needs fixed numbers.
        table["ProvisionedThroughput"] = {"ReadCapacityUnits": 5, "WriteCapacityUnits": 5}
    return table
