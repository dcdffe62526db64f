"""Wait until a replica is available and caught up (lag within the limit)."""

from __future__ import annotations

from tradedr.errors import TradedrError
from tradedr.ops.actions.base import (
    Action,
    ExecutionContext,
    Outcome,
    db_instance,
    param,
    replication_source,
)
from tradedr.ops.actions.check_lag import replica_lag_seconds
from tradedr.ops.plans import ActionKind, ApiCall, Step


class WaitReplica(Action):
    kind = ActionKind.WAIT_REPLICA

    def calls(self, step: Step) -> list[ApiCall]:
        return [
            ApiCall("rds", step.region, "DescribeDBInstances"),
            ApiCall("cloudwatch", step.region, "GetMetricStatistics"),
        ]

    def run(self, ctx: ExecutionContext, step: Step) -> Outcome:
        identifier = param(step, "db_identifier")
        limit = float(param(step, "max_lag_seconds"))
        instance = db_instance(ctx, step.region, identifier)
        if instance is None:
            raise TradedrError(f"{step.id}: replica {identifier} not found in {step.region}")
        if not replication_source(instance):
            return Outcome("skipped", f"{identifier} is already a writer; nothing to catch up")
        ctx.wait_for(
            f"{identifier} to be available",
            lambda: (
                (db_instance(ctx, step.region, identifier) or {}).get("DBInstanceStatus")
                == "available"
            ),
        )
        if ctx.emulated and replica_lag_seconds(ctx, step.region, identifier) is None:
            return Outcome(
                "not-emulated",
                f"{identifier} is available; its lag is not emulated (no RDS metrics), so "
                "catching up cannot be verified here",
            )
        lags: list[float | None] = []

        def caught_up() -> bool:
            lag = replica_lag_seconds(ctx, step.region, identifier)
            lags.append(lag)
            return lag is not None and lag <= limit

        ctx.wait_for(f"{identifier} lag to fall to {limit:.0f} s", caught_up)
        return Outcome("executed", f"{identifier} caught up (lag {lags[-1]:.0f} s)")
