"""Aurora Global Database: switchover (planned, no data loss) or failover (unplanned)."""

from __future__ import annotations

from typing import Any

from tradedr.errors import PlanBugError, ResourceNotFoundError
from tradedr.ops.actions.base import (
    Action,
    ExecutionContext,
    Outcome,
    PreconditionFailedError,
    db_cluster,
    params_of,
)
from tradedr.ops.backend import Capability
from tradedr.ops.plans import ActionKind, ApiCall, Step, StepParams


class AuroraGlobalParams(StepParams):
    global_cluster_id: str
    target_cluster_id: str | None = None
    # The target cluster's ARN when the plan knows it (no DescribeDBClusters then).
    target_cluster_arn: str | None = None
    planned: bool = False  # switchover; else failover, which needs allow_data_loss
    allow_data_loss: bool = False


def _writer_arn(cluster: dict[str, Any]) -> str | None:
    for member in cluster.get("GlobalClusterMembers", []):
        if member.get("IsWriter"):
            return str(member["DBClusterArn"])
    return None


class AuroraGlobalFailover(Action):
    kind = ActionKind.AURORA_GLOBAL_FAILOVER
    requires = Capability.AURORA_GLOBAL
    Params = AuroraGlobalParams

    def calls(self, step: Step) -> list[ApiCall]:
        params = params_of(step, AuroraGlobalParams)
        operation = "SwitchoverGlobalCluster" if params.planned else "FailoverGlobalCluster"
        resolve = (
            [] if params.target_cluster_arn else [ApiCall("rds", step.region, "DescribeDBClusters")]
        )
        return [
            *resolve,
            ApiCall("rds", step.region, "DescribeGlobalClusters"),
            ApiCall("rds", step.region, operation),
        ]

    def _target_arn(self, ctx: ExecutionContext, step: Step) -> str:
        """The ARN (required across regions), from the plan or the target-region cluster."""
        params = params_of(step, AuroraGlobalParams)
        if params.target_cluster_arn:
            return params.target_cluster_arn
        identifier = params.target_cluster_id
        if identifier is None:
            raise PlanBugError(f"plan bug: step {step.id} names no target cluster")
        cluster = db_cluster(ctx, step.region, identifier)
        if cluster is None:
            raise ResourceNotFoundError(
                f"{step.id}: no Aurora cluster {identifier} in {step.region}"
            )
        return str(cluster["DBClusterArn"])

    def run(self, ctx: ExecutionContext, step: Step) -> Outcome:
        params = params_of(step, AuroraGlobalParams)
        global_id = params.global_cluster_id
        if not params.planned and not params.allow_data_loss:
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
        if params.planned:
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
