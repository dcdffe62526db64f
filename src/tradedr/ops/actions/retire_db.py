"""Retire a stale writer: rename it out of the way and stop it, keeping its data.

After a failover the old primary is a second writer as soon as its region answers again;
stopping it fences it, and renaming it frees the stable name for the replica that failback
creates in its place. Nothing is deleted. RDS refuses to stop an instance that still has
read replicas, so the step refuses first, naming them: a plan detaches every other
standby's replica (retire-replica) before it retires their writer.
"""

from __future__ import annotations

from typing import Any

from tradedr.errors import TradedrError
from tradedr.ops.actions.base import (
    STALE_TAG,
    Action,
    ExecutionContext,
    Outcome,
    PreconditionFailedError,
    db_instance,
    live_replicas,
    params_of,
    rename_db,
    replication_source,
    wait_stopped,
)
from tradedr.ops.plans import ActionKind, ApiCall, Step, StepParams


class RetireParams(StepParams):
    db_identifier: str
    retired_identifier: str  # the name it is renamed to, freeing the stable one
    # Where its read replicas may live (the deployment's other regions): each one listed is
    # looked up there before the stop.
    replica_regions: list[str] = []


class RetireDb(Action):
    kind = ActionKind.RETIRE_DB
    Params = RetireParams

    def calls(self, step: Step) -> list[ApiCall]:
        return [
            ApiCall("rds", step.region, "DescribeDBInstances"),
            ApiCall("rds", step.region, "ModifyDBInstance"),
            ApiCall("rds", step.region, "AddTagsToResource"),
            ApiCall("rds", step.region, "StopDBInstance"),
            *(
                ApiCall("rds", region, "DescribeDBInstances")
                for region in params_of(step, RetireParams).replica_regions
            ),
        ]

    def run(self, ctx: ExecutionContext, step: Step) -> Outcome:
        region = step.region
        params = params_of(step, RetireParams)
        identifier, retired_as = params.db_identifier, params.retired_identifier
        done: list[str] = []
        instance = db_instance(ctx, region, identifier)
        if instance is not None and replication_source(instance):
            return Outcome("skipped", f"{identifier} is a read replica, not a stale writer")
        retired = db_instance(ctx, region, retired_as)
        if instance is not None and retired is None:
            rename_db(ctx, region, identifier, retired_as)
            done.append(f"renamed {identifier} -> {retired_as}")
            retired = db_instance(ctx, region, retired_as)
        elif instance is not None:
            raise TradedrError(
                f"{step.id}: both {identifier} and {retired_as} exist in {region}; "
                "resolve by hand (one of them is unexpected)"
            )
        if retired is None:
            return Outcome("skipped", f"no stale writer {identifier} in {region}")
        if retired.get("DBInstanceStatus") not in ("stopped", "stopping"):
            replicas = live_replicas(ctx, retired, formerly=identifier)
            if replicas:
                raise PreconditionFailedError(
                    f"{step.id}: {retired_as} still has read replicas ({', '.join(replicas)}); "
                    "RDS refuses to stop it. Detach or re-create them from the current writer "
                    "first (the plan's retire-replica and replicate-to steps)"
                )
            mark_stale(ctx, region, retired, retired_as)
            ctx.call("rds", region, "StopDBInstance", DBInstanceIdentifier=retired_as)
            done.append(f"stopped {retired_as}")
        wait_stopped(ctx, region, retired_as)
        if not done:
            return Outcome("skipped", f"{retired_as} already retired (stopped)")
        return Outcome("executed", "; ".join(done) + " (data kept)")


def mark_stale(ctx: ExecutionContext, region: str, instance: dict[str, Any], stamp: str) -> None:
    """Tag a retired instance stale (once): validate and destroy find it by the tag."""
    tags = {t["Key"]: t["Value"] for t in instance.get("TagList", [])}
    if STALE_TAG in tags:
        return
    ctx.call(
        "rds",
        region,
        "AddTagsToResource",
        ResourceName=instance["DBInstanceArn"],
        Tags=[{"Key": STALE_TAG, "Value": stamp}],
    )
