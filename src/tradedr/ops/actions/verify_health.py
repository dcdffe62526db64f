"""Verify a region serves: one available writer, the app pointed at it, healthy targets,
and (where the backend has real health: AWS, or a local data plane) the ALB's deep health
endpoint answering 200."""

from __future__ import annotations

from typing import Literal

from pydantic import Field, model_validator

from tradedr.errors import TradedrError
from tradedr.ops.actions.base import (
    Action,
    ExecutionContext,
    Outcome,
    db_cluster,
    db_instance,
    global_writer_arn,
    is_writer,
    params_of,
)
from tradedr.ops.actions.scale_asg import describe_asg, healthy_targets, in_service
from tradedr.ops.backend import Capability
from tradedr.ops.plans import ActionKind, ApiCall, Step, StepParams


class HealthCheckFailedError(TradedrError):
    exit_code = 1


class VerifyHealthParams(StepParams):
    """The writer (an RDS instance, an Aurora cluster of `global_cluster_id`, in
    `db_region`, or the region's own orders MRSC replica), the app's endpoint parameter,
    its ASG and targets, and the ALB to probe."""

    db_identifier: str | None = None
    db_cluster_identifier: str | None = None
    global_cluster_id: str | None = None
    orders_table: str | None = None  # dynamodb-mrsc: the orders table, no DB instance
    db_region: str | None = None  # default: the step's region
    parameter_name: str
    asg_name: str
    target_group_name: str
    min_healthy: int = Field(default=1, ge=0)
    alb_name: str | None = None  # none: the deep health endpoint is not probed
    health_path: str = "/health"
    health_scheme: Literal["http", "https"] = "http"

    @model_validator(mode="after")
    def _one_database(self) -> VerifyHealthParams:
        named = [self.db_identifier, self.db_cluster_identifier, self.orders_table]
        if sum(n is not None for n in named) != 1:
            raise ValueError(
                "name exactly one of db_identifier, db_cluster_identifier and orders_table"
            )
        if self.db_cluster_identifier is not None and self.global_cluster_id is None:
            raise ValueError("an Aurora cluster needs its global_cluster_id")
        return self


class VerifyHealth(Action):
    kind = ActionKind.VERIFY_HEALTH
    Params = VerifyHealthParams

    def calls(self, step: Step) -> list[ApiCall]:
        params = params_of(step, VerifyHealthParams)
        db_region = params.db_region or step.region
        if params.orders_table:
            database = [ApiCall("dynamodb", step.region, "DescribeTable")]
        elif params.db_cluster_identifier:
            database = [
                ApiCall("rds", db_region, "DescribeDBClusters"),
                ApiCall("rds", db_region, "DescribeGlobalClusters"),
            ]
        else:
            database = [ApiCall("rds", db_region, "DescribeDBInstances")]
        return [
            *database,
            ApiCall("ssm", step.region, "GetParameter"),
            ApiCall("autoscaling", step.region, "DescribeAutoScalingGroups"),
            ApiCall("elbv2", step.region, "DescribeTargetGroups"),
            ApiCall("elbv2", step.region, "DescribeTargetHealth"),
            ApiCall("elbv2", step.region, "DescribeLoadBalancers"),
        ]

    def run(self, ctx: ExecutionContext, step: Step) -> Outcome:
        region = step.region
        params = params_of(step, VerifyHealthParams)
        db_region = params.db_region or region
        minimum = params.min_healthy
        notes: list[str] = []
        not_emulated = False
        address: str | None
        if params.orders_table is not None:
            # dynamodb-mrsc: the region's own orders replica takes writes; the app's endpoint
            # parameter names the table (nothing repoints it).
            db_id = address = self._orders_replica(ctx, step, region, params.orders_table)
        elif params.db_identifier is None:
            db_id, address, not_emulated = self._aurora_writer(ctx, step, db_region, notes)
        else:
            db_id = params.db_identifier
            writer = db_instance(ctx, db_region, db_id)
            if (
                writer is None
                or not is_writer(writer)
                or writer.get("DBInstanceStatus") != "available"
            ):
                state = "missing" if writer is None else writer.get("DBInstanceStatus")
                raise HealthCheckFailedError(
                    f"{step.id}: {db_id} in {db_region} is not an available writer ({state})"
                )
            address = writer["Endpoint"]["Address"]
        value = ctx.call("ssm", region, "GetParameter", Name=params.parameter_name)["Parameter"][
            "Value"
        ]
        if address is not None and value != address:
            raise HealthCheckFailedError(
                f"{step.id}: the app in {region} reads {value}, not the writer {address}"
            )
        if not not_emulated:
            notes.append(f"writer {db_id} available, app points at it")
        elif address is not None:
            notes.append(f"app points at {db_id}")
        group = describe_asg(ctx, region, params.asg_name)
        running = in_service(group)
        if running < minimum:
            raise HealthCheckFailedError(
                f"{step.id}: {group['AutoScalingGroupName']} has {running} in-service "
                f"instances, fewer than {minimum}"
            )
        healthy = healthy_targets(ctx, region, params.target_group_name)
        if healthy < minimum:
            raise HealthCheckFailedError(
                f"{step.id}: {healthy} healthy targets, fewer than {minimum}"
            )
        caveat = ctx.backend.gap(Capability.HEALTH, "as reported, not probed")
        notes.append(
            f"{running} instances in service, {healthy} healthy targets"
            + (f" ({caveat})" if caveat else "")
        )
        if caveat:
            notes.append("ALB deep health endpoint not probed")
        elif params.alb_name:
            alb = ctx.call("elbv2", region, "DescribeLoadBalancers", Names=[params.alb_name])[
                "LoadBalancers"
            ][0]
            scheme = params.health_scheme
            url = f"{scheme}://{alb['DNSName']}{params.health_path}"
            # TLS without certificate or hostname checks for this probe only: it addresses the
            # ALB by its own DNS name, which is not on the certificate (that names the public
            # record), and it only asks whether the region answers 200; it sends nothing secret.
            insecure = scheme == "https"
            try:
                status = ctx.backend.http_status(url, verify_tls=not insecure, timeout=10)
            except OSError as exc:
                raise HealthCheckFailedError(f"{step.id}: GET {url} failed: {exc}") from None
            if status != 200:
                raise HealthCheckFailedError(f"{step.id}: GET {url} answered {status}")
            notes.append(
                f"GET {url} -> 200"
                + (" (certificate not verified: the ALB name is not on it)" if insecure else "")
            )
        return Outcome("not-emulated" if not_emulated else "executed", "; ".join(notes))

    def _orders_replica(
        self, ctx: ExecutionContext, step: Step, region: str, table_name: str
    ) -> str:
        table = ctx.call("dynamodb", region, "DescribeTable", TableName=table_name)["Table"]
        if table.get("TableStatus") != "ACTIVE":
            raise HealthCheckFailedError(
                f"{step.id}: orders table {table_name} in {region} is {table.get('TableStatus')}"
            )
        return table_name

    def _aurora_writer(
        self, ctx: ExecutionContext, step: Step, db_region: str, notes: list[str]
    ) -> tuple[str, str | None, bool]:
        """(cluster id, its endpoint, whether the writer role could not be checked)."""
        params = params_of(step, VerifyHealthParams)
        db_id = str(params.db_cluster_identifier)
        cluster = db_cluster(ctx, db_region, db_id)
        if cluster is None and (
            gap := ctx.backend.gap(
                Capability.AURORA_GLOBAL, f"no Aurora cluster {db_id}: writer not checked"
            )
        ):
            notes.append(gap)
            return db_id, None, True
        if cluster is None or cluster.get("Status") != "available" or not cluster.get("Endpoint"):
            state = "missing" if cluster is None else cluster.get("Status")
            raise HealthCheckFailedError(
                f"{step.id}: cluster {db_id} in {db_region} is not available ({state})"
            )
        global_id = str(params.global_cluster_id)
        found, writer = global_writer_arn(ctx, db_region, global_id)
        if writer == cluster.get("DBClusterArn"):
            return db_id, str(cluster["Endpoint"]), False
        # Without global failover/switchover the writer cannot have moved: not a failure.
        gap = ctx.backend.gap(
            Capability.AURORA_GLOBAL,
            f"writer role of {db_id} in {global_id} not checked "
            f"({'no writer listed' if found else 'no global cluster'})",
        )
        if gap:
            notes.append(gap)
            return db_id, str(cluster["Endpoint"]), True
        raise HealthCheckFailedError(
            f"{step.id}: {db_id} is not the writer of {global_id} (writer: {writer or 'none'})"
        )
