"""The standby's replica is available and replicating, and its lag is within the RPO.

RDS MySQL: the read replica's status and its `read replication` status info, and the
`ReplicaLag` metric (seconds). Aurora global: the secondary cluster's status, its membership
of the global cluster, and `AuroraGlobalDBReplicationLag` (milliseconds). moto publishes no
lag metric, so the check is not emulated.
https://docs.aws.amazon.com/AmazonRDS/latest/UserGuide/USER_ReadRepl.Monitoring.html
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from tradedr.readiness.model import ReadinessCheck, ReadinessContext, Status, Verdict

WINDOW = dt.timedelta(minutes=10)


def latest_maximum(ctx: ReadinessContext, metric: str, dimension: str, value: str) -> float | None:
    """The newest one-minute Maximum of an AWS/RDS metric in the last ten minutes."""
    now = ctx.now()
    points = (
        ctx.client("cloudwatch", ctx.standby)
        .get_metric_statistics(
            Namespace="AWS/RDS",
            MetricName=metric,
            Dimensions=[{"Name": dimension, "Value": value}],
            StartTime=now - WINDOW,
            EndTime=now,
            Period=60,
            Statistics=["Maximum"],
        )
        .get("Datapoints", [])
    )
    if not points:
        return None
    newest: dict[str, Any] = max(points, key=lambda p: p["Timestamp"])
    return float(newest["Maximum"])


class ReplicaCheck(ReadinessCheck):
    name = "replica"
    summary = "the standby's replica is available and replicating, with its lag"
    emulated = False
    not_emulated_reason = "moto publishes no ReplicaLag metric, so the lag cannot be read"

    def run(self, ctx: ReadinessContext) -> Verdict:
        if not ctx.facts.replicates_data:
            return self.verdict(ctx, Status.NOT_APPLICABLE, "backup-restore keeps no replica")
        if ctx.facts.aurora:
            return self.aurora(ctx)
        return self.mysql(ctx)

    def lag_verdict(self, ctx: ReadinessContext, what: str, lag: float | None) -> Verdict:
        rpo = ctx.facts.rpo_seconds
        if lag is None:
            return self.verdict(ctx, Status.FAIL, f"{what}, but no lag measured in 10 min")
        status = Status.PASS if lag <= rpo else Status.FAIL
        return self.verdict(
            ctx, status, f"{what}, lag {lag:g} s (RPO {rpo} s)", lag_seconds=lag, rpo=rpo
        )

    def mysql(self, ctx: ReadinessContext) -> Verdict:
        identifier = ctx.facts.db_identifiers[ctx.standby]
        rds = ctx.client("rds", ctx.standby)
        found = rds.describe_db_instances(DBInstanceIdentifier=identifier)["DBInstances"]
        instance = found[0]
        status = instance.get("DBInstanceStatus", "?")
        if status != "available":
            return self.verdict(ctx, Status.FAIL, f"{identifier} is {status}, not available")
        if not instance.get("ReadReplicaSourceDBInstanceIdentifier"):
            return self.verdict(ctx, Status.FAIL, f"{identifier} is not a read replica")
        replication: dict[str, Any] = next(
            (
                info
                for info in instance.get("StatusInfos", [])
                if info.get("StatusType") == "read replication"
            ),
            {},
        )
        state = replication.get("Status", "unknown")
        if state != "replicating":
            message = replication.get("Message")
            reason = f" ({message})" if message else ""
            return self.verdict(ctx, Status.FAIL, f"{identifier} replication is {state}{reason}")
        lag = latest_maximum(ctx, "ReplicaLag", "DBInstanceIdentifier", identifier)
        return self.lag_verdict(ctx, f"{identifier} available, replicating", lag)

    def aurora(self, ctx: ReadinessContext) -> Verdict:
        cluster_id = ctx.facts.db_clusters[ctx.standby]
        rds = ctx.client("rds", ctx.standby)
        cluster = rds.describe_db_clusters(DBClusterIdentifier=cluster_id)["DBClusters"][0]
        status = cluster.get("Status", "?")
        if status != "available":
            return self.verdict(ctx, Status.FAIL, f"{cluster_id} is {status}, not available")
        arn = cluster.get("DBClusterArn", "")
        global_id = ctx.facts.global_cluster
        members = rds.describe_global_clusters(GlobalClusterIdentifier=global_id)["GlobalClusters"][
            0
        ].get("GlobalClusterMembers", [])
        member = next((m for m in members if m.get("DBClusterArn") == arn), None)
        if member is None:
            return self.verdict(ctx, Status.FAIL, f"{cluster_id} is not a member of {global_id}")
        if member.get("IsWriter"):
            return self.verdict(ctx, Status.FAIL, f"{cluster_id} is the writer, not a secondary")
        lag_ms = latest_maximum(
            ctx, "AuroraGlobalDBReplicationLag", "DBClusterIdentifier", cluster_id
        )
        lag = None if lag_ms is None else lag_ms / 1000
        return self.lag_verdict(ctx, f"{cluster_id} available, secondary of {global_id}", lag)
