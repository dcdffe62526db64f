"""Create a cross-region read replica of the current writer (failback's first half)."""

from __future__ import annotations

from typing import Any

from tradedr.errors import ResourceNotFoundError, TradedrError
from tradedr.ops.actions.base import (
    Action,
    ExecutionContext,
    Outcome,
    db_instance,
    params_of,
    replication_source,
)
from tradedr.ops.backend import Capability
from tradedr.ops.plans import ActionKind, ApiCall, Step, StepParams


class CreateReplicaParams(StepParams):
    db_identifier: str
    source_identifier: str
    source_region: str
    like_identifier: str | None = None  # copy its subnet group, security groups and key
    instance_class: str | None = None  # default: the source's
    multi_az: bool | None = None
    kms_key_id: str | None = None


def _subnet_group_name(ctx: ExecutionContext, region: str, name: str) -> str:
    """The subnet group's stored name: RDS reports it lowercased on the instance, and
    the emulator matches names case-sensitively, so look the exact name up."""
    groups = ctx.call("rds", region, "DescribeDBSubnetGroups").get("DBSubnetGroups", [])
    for group in groups:
        if str(group["DBSubnetGroupName"]).lower() == name.lower():
            return str(group["DBSubnetGroupName"])
    return name


class CreateReadReplica(Action):
    kind = ActionKind.CREATE_REPLICA
    Params = CreateReplicaParams

    def calls(self, step: Step) -> list[ApiCall]:
        return [
            ApiCall(
                "rds", params_of(step, CreateReplicaParams).source_region, "DescribeDBInstances"
            ),
            ApiCall("rds", step.region, "DescribeDBInstances"),
            ApiCall("rds", step.region, "DescribeDBSubnetGroups"),
            ApiCall("rds", step.region, "CreateDBInstanceReadReplica"),
        ]

    def run(self, ctx: ExecutionContext, step: Step) -> Outcome:
        region = step.region
        params = params_of(step, CreateReplicaParams)
        identifier = params.db_identifier
        source_id, source_region = params.source_identifier, params.source_region
        source = db_instance(ctx, source_region, source_id)
        if source is None:
            raise ResourceNotFoundError(
                f"{step.id}: source writer {source_id} not in {source_region}"
            )
        existing = db_instance(ctx, region, identifier)
        if existing is not None:
            upstream = replication_source(existing) or ""
            if upstream not in (source_id, source["DBInstanceArn"]):
                raise TradedrError(
                    f"{step.id}: {identifier} already exists in {region} but is not a replica "
                    f"of {source_id} (source: {upstream or 'none, it is a writer'})"
                )
            changed = False
        else:
            kwargs: dict[str, Any] = {
                "DBInstanceIdentifier": identifier,
                "SourceDBInstanceIdentifier": source["DBInstanceArn"],
                "DBInstanceClass": params.instance_class or source["DBInstanceClass"],
                "SourceRegion": source_region,
                "CopyTagsToSnapshot": True,
                "DeletionProtection": True,
            }
            if params.multi_az is not None:
                kwargs["MultiAZ"] = params.multi_az
            like_id = params.like_identifier
            like = db_instance(ctx, region, like_id) if like_id else None
            if like is not None:
                subnet_group = (like.get("DBSubnetGroup") or {}).get("DBSubnetGroupName")
                # Where the backend cannot (moto 5.2 looks the group up in the *source*
                # region and fails), the replica keeps the default group.
                if subnet_group and ctx.backend.has(Capability.REPLICA_SUBNET_GROUP):
                    kwargs["DBSubnetGroupName"] = _subnet_group_name(ctx, region, subnet_group)
                groups = [g["VpcSecurityGroupId"] for g in like.get("VpcSecurityGroups", [])]
                if groups:
                    kwargs["VpcSecurityGroupIds"] = groups
                if like.get("KmsKeyId"):
                    kwargs["KmsKeyId"] = like["KmsKeyId"]
            if params.kms_key_id:
                kwargs["KmsKeyId"] = params.kms_key_id
            ctx.call("rds", region, "CreateDBInstanceReadReplica", **kwargs)
            changed = True
        ctx.wait_for(
            f"replica {identifier} to be available",
            lambda: (
                (db_instance(ctx, region, identifier) or {}).get("DBInstanceStatus") == "available"
            ),
        )
        if changed:
            return Outcome("executed", f"{identifier} created in {region} from {source_id}")
        return Outcome("skipped", f"{identifier} already replicates {source_id}")
