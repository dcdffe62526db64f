"""Aurora Global Database: switchover (planned, no data loss) or failover (unplanned)."""

from __future__ import annotations

from typing import Any

from tradedr.errors import ResourceNotFoundError
from tradedr.ops.actions.base import (
    Action,
    ExecutionContext,
    Outcome,
    PreconditionFailedError,
    db_cluster,
    param,
)
from tradedr.ops.backend import Capability
from tradedr.ops.plans import ActionKind, ApiCall, Step


def _writer_arn(cluster: dict[str, Any]) -> str | None:
    for member in cluster.get("GlobalClusterMembers", []):
        if member.get("IsWriter"):
            return str(member["DBClusterArn"])
    return None


class AuroraGlobalFailover(Action):
    kind = ActionKind.AURORA_GLOBAL_FAILOVER
    requires = Capability.AURORA_GLOBAL

    def calls(self, step: Step) -> list[ApiCall]:
        operation = (
            "SwitchoverGlobalCluster" if step.params.get("planned") else "FailoverGlobalCluster"
        )
        resolve = (
            []
            if "target_cluster_arn" in step.params
            else [ApiCall("rds", step.region, "DescribeDBClusters")]
        )
        return [
            *resolve,
            ApiCall("rds", step.region, "DescribeGlobalClusters"),
            ApiCall("rds", step.region, operation),
        ]

    def _target_arn(self, ctx: ExecutionContext, step: Step) -> str:
        """The ARN (required across regions), from the plan or the target-region cluster."""
        if "target_cluster_arn" in step.params:
            return str(step.params["target_cluster_arn"])
        identifier = param(step, "target_cluster_id")
        cluster = db_cluster(ctx, step.region, identifier)
        if cluster is None:
            raise ResourceNotFoundError(
                f"{step.id}: no Aurora cluster {identifier} in {step.region}"
            )
        return str(cluster["DBClusterArn"])

    def run(self, ctx: ExecutionContext, step: Step) -> Outcome:
        global_id = param(step, "global_cluster_id")
        if not step.params.get("planned") and not step.params.get("allow_data_loss"):
            raise PreconditionFailedError(
                f"{step.id}: FailoverGlobalCluster with AllowDataLoss may lose the writes not "
                "yet replicated; it runs only when chosen with --allow-data-loss"
            )
        target_arn = self._target_arn(ctx, step)
        clusters = ctx.call(
            "rds", step.region, "DescribeGlobalClusters", GlobalClusterIdentifier=global_id
        ).get("GlobalClusters", [])
        if not clusters:
            raise ResourceNotFoundError(f"{step.id}: global cluster {global_id} not found")
        if _writer_arn(clusters[0]) == target_arn:
            return Outcome("skipped", f"{target_arn} is already the writer of {global_id}")
        if step.params.get("planned"):
            ctx.call(
                "rds",
                step.region,
                "SwitchoverGlobalCluster",
                GlobalClusterIdentifier=global_id,
                TargetDbClusterIdentifier=target_arn,
            )
            how = "switchover (no data loss)"
        else:
            ctx.call(
                "rds",
                step.region,
                "FailoverGlobalCluster",
                GlobalClusterIdentifier=global_id,
                TargetDbClusterIdentifier=target_arn,
                AllowDataLoss=True,
            )
            how = "failover (may lose the last writes not yet replicated)"

        def switched() -> bool:
            found = ctx.call(
                "rds", step.region, "DescribeGlobalClusters", GlobalClusterIdentifier=global_id
            ).get("GlobalClusters", [])
            return bool(found) and _writer_arn(found[0]) == target_arn

        ctx.wait_for(f"{target_arn} to become the writer of {global_id}", switched)
        return Outcome("executed", f"{global_id}: {how} to {target_arn}")
