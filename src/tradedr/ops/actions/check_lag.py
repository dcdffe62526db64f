"""Precondition: the standby replica is close enough to the primary to meet the RPO."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

from tradedr.ops.actions.base import (
    Action,
    ExecutionContext,
    Outcome,
    PreconditionFailedError,
    db_cluster,
    db_instance,
    global_writer_arn,
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


def global_lag_seconds(ctx: ExecutionContext, region: str, cluster: str) -> float | None:
    """Latest AuroraGlobalDBReplicationLag of a secondary cluster, in seconds (Aurora
    reports milliseconds), or None when no datapoint exists in the last 5 minutes."""
    now = datetime.now(UTC)
    stats = ctx.call(
        "cloudwatch",
        region,
        "GetMetricStatistics",
        Namespace="AWS/RDS",
        MetricName="AuroraGlobalDBReplicationLag",
        Dimensions=[{"Name": "DBClusterIdentifier", "Value": cluster}],
        StartTime=now - timedelta(minutes=5),
        EndTime=now,
        Period=60,
        Statistics=["Maximum"],
    )
    points: list[dict[str, Any]] = sorted(stats.get("Datapoints", []), key=lambda p: p["Timestamp"])
    if not points:
        return None
    value = float(points[-1]["Maximum"])
    return None if value < 0 else value / 1000.0


class CheckReplicaLag(Action):
    kind = ActionKind.CHECK_REPLICA_LAG
    read_only = True

    def calls(self, step: Step) -> list[ApiCall]:
        if "db_cluster_identifier" in step.params:
            return [
                ApiCall("rds", step.region, "DescribeDBClusters"),
                ApiCall("rds", step.region, "DescribeGlobalClusters"),
                ApiCall("cloudwatch", step.region, "GetMetricStatistics"),
            ]
        return [
            ApiCall("rds", step.region, "DescribeDBInstances"),
            ApiCall("cloudwatch", step.region, "GetMetricStatistics"),
        ]

    def run(self, ctx: ExecutionContext, step: Step) -> Outcome:
        if "db_cluster_identifier" in step.params:
            return self._run_aurora(ctx, step)
        identifier = param(step, "db_identifier")
        instance = db_instance(ctx, step.region, identifier)
        if instance is None:
            raise PreconditionFailedError(
                f"{step.id}: no orders DB instance {identifier} in {step.region}; "
                "there is nothing to fail over to"
            )
        if not replication_source(instance):
            return Outcome("skipped", f"{identifier} is already a standalone writer (promoted)")
        lag = replica_lag_seconds(ctx, step.region, identifier)
        return self._judge(ctx, step, identifier, lag, "ReplicaLag")

    def _run_aurora(self, ctx: ExecutionContext, step: Step) -> Outcome:
        identifier = param(step, "db_cluster_identifier")
        global_id = param(step, "global_cluster_id")
        cluster = db_cluster(ctx, step.region, identifier)
        if cluster is None and ctx.emulated:
            return Outcome(
                "not-emulated",
                f"the emulator deploys no Aurora cluster ({identifier}); the RPO check over "
                "AuroraGlobalDBReplicationLag is not emulated",
            )
        if cluster is None:
            raise PreconditionFailedError(
                f"{step.id}: no Aurora cluster {identifier} in {step.region}; there is nothing "
                "to fail over to"
            )
        found, writer = global_writer_arn(ctx, step.region, global_id)
        if found and writer and writer == cluster.get("DBClusterArn"):
            return Outcome("skipped", f"{identifier} is already the writer of {global_id}")
        if not found:
            if ctx.emulated:
                return Outcome(
                    "not-emulated",
                    f"global cluster {global_id} not in the emulator; the RPO check over "
                    "AuroraGlobalDBReplicationLag is not emulated",
                )
            raise PreconditionFailedError(
                f"{step.id}: {identifier} is not a member of the global cluster {global_id} "
                f"as {step.region} sees it"
            )
        lag = global_lag_seconds(ctx, step.region, identifier)
        return self._judge(ctx, step, identifier, lag, "AuroraGlobalDBReplicationLag")

    def _judge(
        self,
        ctx: ExecutionContext,
        step: Step,
        identifier: str,
        lag: float | None,
        metric: str,
    ) -> Outcome:
        limit = float(param(step, "max_lag_seconds"))
        allow_loss = bool(step.params.get("allow_data_loss", False))
        if lag is None:
            if ctx.emulated:
                return Outcome(
                    "not-emulated",
                    f"{metric} unknown: the emulator publishes no RDS metrics, so the RPO "
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
                f"{metric} datapoint in 5 minutes, or replication broken); an unknown lag is "
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
