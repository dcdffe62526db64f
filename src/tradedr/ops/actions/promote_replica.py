"""Promote the standby's cross-region read replica to a standalone writer.

Called in the standby region only: promotion needs nothing from the failed primary. The
promoted instance is tagged with what it was promoted from (PROMOTED_TAG), when
(PROMOTED_AT_TAG, ISO 8601 UTC, the time of the PromoteReadReplica request) and by which
run: `tradedr fence` reads the first two to tell the authoritative writer from a stale one.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from tradedr.errors import ResourceNotFoundError
from tradedr.ops.actions.base import (
    PROMOTED_TAG,
    Action,
    ExecutionContext,
    Outcome,
    db_instance,
    params_of,
    replication_source,
)
from tradedr.ops.plans import ActionKind, ApiCall, Step, StepParams

# When the instance was promoted: the most recently promoted writer is the authoritative one.
PROMOTED_AT_TAG = "tradedr:promoted-at"


class PromoteParams(StepParams):
    db_identifier: str
    backup_retention_days: int | None = None  # set on the new writer when given


class PromoteReplica(Action):
    kind = ActionKind.PROMOTE_REPLICA
    Params = PromoteParams

    def calls(self, step: Step) -> list[ApiCall]:
        return [
            ApiCall("rds", step.region, "DescribeDBInstances"),
            ApiCall("rds", step.region, "PromoteReadReplica"),
            ApiCall("rds", step.region, "AddTagsToResource"),
        ]

    def run(self, ctx: ExecutionContext, step: Step) -> Outcome:
        params = params_of(step, PromoteParams)
        identifier = params.db_identifier
        instance = db_instance(ctx, step.region, identifier)
        if instance is None:
            raise ResourceNotFoundError(f"{step.id}: no DB instance {identifier} in {step.region}")
        source = replication_source(instance)
        if source is None:
            return Outcome("skipped", f"{identifier} was already a standalone writer")
        kwargs: dict[str, Any] = {}
        if params.backup_retention_days is not None:
            kwargs["BackupRetentionPeriod"] = params.backup_retention_days
        promoted_at = datetime.now(UTC).isoformat(timespec="seconds")
        ctx.call(
            "rds", step.region, "PromoteReadReplica", DBInstanceIdentifier=identifier, **kwargs
        )
        ctx.call(
            "rds",
            step.region,
            "AddTagsToResource",
            ResourceName=instance["DBInstanceArn"],
            Tags=[
                {"Key": PROMOTED_TAG, "Value": source},
                {"Key": PROMOTED_AT_TAG, "Value": promoted_at},
                {"Key": "tradedr:promoted-by-run", "Value": ctx.run_id or "manual"},
            ],
        )

        def promoted() -> bool:
            live = db_instance(ctx, step.region, identifier)
            return bool(
                live
                and replication_source(live) is None
                and live.get("DBInstanceStatus") == "available"
            )

        ctx.wait_for(f"{identifier} to be an available standalone writer", promoted)
        return Outcome(
            "executed",
            f"{identifier} promoted to writer in {step.region} (was a replica of {source})",
        )
