"""Detach a standby's read replica from a writer that is being replaced, keeping its data.

With three or more regions, a failover (or failback) moves the writer while the other
standbys' replicas still follow the old one. RDS MySQL cannot change a replica's source, so
each is re-created from the new writer under its stable name (create-read-replica); this
step clears the way first: rename the old replica out of the way, promote it (detached from
the old writer, which RDS must not stop while it has replicas) and stop it. Nothing is
deleted: in an unplanned failover this copy may hold writes the promoted standby never got.

The detached instance is tagged `tradedr:detached-from` (not `tradedr:promoted-from`: it
makes no claim to be the authoritative writer) and `tradedr:stale`.
"""

from __future__ import annotations

from tradedr.errors import TradedrError
from tradedr.ops.actions.base import (
    DETACHED_TAG,
    STALE_TAG,
    Action,
    ExecutionContext,
    Outcome,
    db_instance,
    follows,
    params_of,
    rename_db,
    replication_source,
    wait_stopped,
)
from tradedr.ops.plans import ActionKind, ApiCall, Step, StepParams


class RetireReplicaParams(StepParams):
    db_identifier: str  # the standby's replica, under its stable name
    retired_identifier: str  # the name it is renamed to, freeing the stable one
    writer_identifier: str  # the new writer: a replica of it is left alone
    writer_region: str


class RetireReplica(Action):
    kind = ActionKind.RETIRE_REPLICA
    Params = RetireReplicaParams

    def calls(self, step: Step) -> list[ApiCall]:
        return [
            ApiCall("rds", step.region, "DescribeDBInstances"),
            ApiCall("rds", step.region, "ModifyDBInstance"),
            ApiCall("rds", step.region, "AddTagsToResource"),
            ApiCall("rds", step.region, "PromoteReadReplica"),
            ApiCall("rds", step.region, "StopDBInstance"),
        ]

    def run(self, ctx: ExecutionContext, step: Step) -> Outcome:
        region = step.region
        params = params_of(step, RetireReplicaParams)
        identifier, retired_as = params.db_identifier, params.retired_identifier
        writer = params.writer_identifier
        done: list[str] = []
        instance = db_instance(ctx, region, identifier)
        if instance is not None and follows(instance, writer):
            return Outcome("skipped", f"{identifier} already replicates {writer}")
        retired = db_instance(ctx, region, retired_as)
        if instance is not None:
            source = replication_source(instance)
            if source is None:
                raise TradedrError(
                    f"{step.id}: {identifier} in {region} is a writer, not a standby replica; "
                    "resolve by hand (two writers must never take orders)"
                )
            if retired is not None:
                raise TradedrError(
                    f"{step.id}: both {identifier} and {retired_as} exist in {region}; "
                    "resolve by hand (one of them is unexpected)"
                )
            rename_db(ctx, region, identifier, retired_as)
            done.append(f"renamed {identifier} -> {retired_as} (it followed {source})")
            retired = db_instance(ctx, region, retired_as)
        if retired is None:
            return Outcome("skipped", f"no replica {identifier} in {region} to detach")
        source = replication_source(retired)
        if source is not None:
            ctx.call(
                "rds",
                region,
                "AddTagsToResource",
                ResourceName=retired["DBInstanceArn"],
                Tags=[
                    {"Key": DETACHED_TAG, "Value": source},
                    {"Key": STALE_TAG, "Value": retired_as},
                ],
            )
            ctx.call("rds", region, "PromoteReadReplica", DBInstanceIdentifier=retired_as)
            done.append(f"detached {retired_as} from {source} (promoted, data kept)")

            def standalone() -> bool:
                live = db_instance(ctx, region, retired_as)
                return bool(
                    live
                    and replication_source(live) is None
                    and live.get("DBInstanceStatus") == "available"
                )

            ctx.wait_for(f"{retired_as} to be detached", standalone)
            retired = db_instance(ctx, region, retired_as) or retired
        if retired.get("DBInstanceStatus") not in ("stopped", "stopping"):
            ctx.call("rds", region, "StopDBInstance", DBInstanceIdentifier=retired_as)
            done.append(f"stopped {retired_as}")
        wait_stopped(ctx, region, retired_as)
        if not done:
            return Outcome("skipped", f"{retired_as} already detached and stopped")
        return Outcome("executed", "; ".join(done))
