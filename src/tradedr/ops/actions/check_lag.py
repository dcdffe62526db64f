"""Precondition: the standby replica is close enough to the primary to meet the RPO."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

from tradedr.ops.actions.base import (
    Action,
    ExecutionContext,
    Outcome,
    PreconditionFailedError,
    db_instance,
    param,
    replication_source,
)
from tradedr.ops.plans import ActionKind, ApiCall, Step


def replica_lag_seconds(ctx: ExecutionContext, region: str, identifier: str) -> float | None:
    """Latest ReplicaLag (CloudWatch, last 5 minutes) or None when no datapoint exists."""
    now = datetime.now(UTC)
    stats = ctx.call(
        "cloudwatch",
        region,
        "GetMetricStatistics",
        Namespace="AWS/RDS",
        MetricName="ReplicaLag",
        Dimensions=[{"Name": "DBInstanceIdentifier", "Value": identifier}],
        StartTime=now - timedelta(minutes=5),
        EndTime=now,
        Period=60,
        Statistics=["Maximum"],
    )
    points: list[dict[str, Any]] = sorted(stats.get("Datapoints", []), key=lambda p: p["Timestamp"])
    if not points:
        return None
    value = float(points[-1]["Maximum"])
    # RDS reports -1 when replication is broken: that is "unknown", not "no lag".
    return None if value < 0 else value


class CheckReplicaLag(Action):
    kind = ActionKind.CHECK_REPLICA_LAG
    read_only = True

    def calls(self, step: Step) -> list[ApiCall]:
        return [
            ApiCall("rds", step.region, "DescribeDBInstances"),
            ApiCall("cloudwatch", step.region, "GetMetricStatistics"),
        ]

    def run(self, ctx: ExecutionContext, step: Step) -> Outcome:
        identifier = param(step, "db_identifier")
        limit = float(param(step, "max_lag_seconds"))
        allow_loss = bool(step.params.get("allow_data_loss", False))
        instance = db_instance(ctx, step.region, identifier)
        if instance is None:
            raise PreconditionFailedError(
                f"{step.id}: no orders DB instance {identifier} in {step.region}; "
                "there is nothing to fail over to"
            )
        if not replication_source(instance):
            return Outcome("skipped", f"{identifier} is already a standalone writer (promoted)")
        lag = replica_lag_seconds(ctx, step.region, identifier)
        if lag is None:
            if ctx.emulated:
                return Outcome(
                    "not-emulated",
                    "replica lag unknown: the emulator publishes no RDS metrics, so the RPO "
                    "check is not emulated",
                )
            if allow_loss:
                return Outcome(
                    "executed",
                    "replica lag unknown; continuing because of --allow-data-loss",
                    {"lag_seconds": None},
                )
            raise PreconditionFailedError(
                f"{step.id}: the replica lag of {identifier} in {step.region} is unknown (no "
                "ReplicaLag datapoint in 5 minutes, or replication broken); an unknown lag is "
                "never treated as within the RPO. Re-run with --allow-data-loss to accept "
                "losing recent writes."
            )
        if lag > limit and not allow_loss:
            raise PreconditionFailedError(
                f"{step.id}: replica lag of {identifier} is {lag:.0f} s, above the RPO target "
                f"of {limit:.0f} s; failing over now would lose those writes. Wait for the "
                "replica to catch up, or re-run with --allow-data-loss."
            )
        verdict = "within" if lag <= limit else "ABOVE (accepted by --allow-data-loss)"
        return Outcome(
            "executed",
            f"replica lag {lag:.0f} s, {verdict} the RPO of {limit:.0f} s",
            {"lag_seconds": lag},
        )
