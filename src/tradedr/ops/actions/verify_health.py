"""Verify a region serves: one available writer, the app pointed at it, healthy targets,
and (where the backend has real health: AWS, or a local data plane) the ALB's deep health
endpoint answering 200."""

from __future__ import annotations

from tradedr.errors import TradedrError
from tradedr.ops.actions.base import (
    Action,
    ExecutionContext,
    Outcome,
    db_cluster,
    db_instance,
    global_writer_arn,
    is_writer,
    param,
)
from tradedr.ops.actions.scale_asg import describe_asg, healthy_targets, in_service
from tradedr.ops.backend import Capability
from tradedr.ops.plans import ActionKind, ApiCall, Step


class HealthCheckFailedError(TradedrError):
    exit_code = 1


class VerifyHealth(Action):
    kind = ActionKind.VERIFY_HEALTH

    def calls(self, step: Step) -> list[ApiCall]:
        db_region = step.params.get("db_region", step.region)
        database = (
            [
                ApiCall("rds", db_region, "DescribeDBClusters"),
                ApiCall("rds", db_region, "DescribeGlobalClusters"),
            ]
            if "db_cluster_identifier" in step.params
            else [ApiCall("rds", db_region, "DescribeDBInstances")]
        )
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
        db_region = step.params.get("db_region", region)
        minimum = int(step.params.get("min_healthy", 1))
        notes: list[str] = []
        not_emulated = False
        address: str | None
        if "db_cluster_identifier" in step.params:
            db_id, address, not_emulated = self._aurora_writer(ctx, step, db_region, notes)
        else:
            db_id = param(step, "db_identifier")
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
        value = ctx.call("ssm", region, "GetParameter", Name=param(step, "parameter_name"))[
            "Parameter"
        ]["Value"]
        if address is not None and value != address:
            raise HealthCheckFailedError(
                f"{step.id}: the app in {region} reads {value}, not the writer {address}"
            )
        if not not_emulated:
            notes.append(f"writer {db_id} available, app points at it")
        elif address is not None:
            notes.append(f"app points at {db_id}")
        group = describe_asg(ctx, region, param(step, "asg_name"))
        running = in_service(group)
        if running < minimum:
            raise HealthCheckFailedError(
                f"{step.id}: {group['AutoScalingGroupName']} has {running} in-service "
                f"instances, fewer than {minimum}"
            )
        healthy = healthy_targets(ctx, region, param(step, "target_group_name"))
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
        elif step.params.get("alb_name"):
            alb = ctx.call(
                "elbv2", region, "DescribeLoadBalancers", Names=[step.params["alb_name"]]
            )["LoadBalancers"][0]
            scheme = step.params.get("health_scheme", "http")
            url = f"{scheme}://{alb['DNSName']}{step.params.get('health_path', '/health')}"
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

    def _aurora_writer(
        self, ctx: ExecutionContext, step: Step, db_region: str, notes: list[str]
    ) -> tuple[str, str | None, bool]:
        """(cluster id, its endpoint, whether the writer role could not be checked)."""
        db_id = param(step, "db_cluster_identifier")
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
        global_id = param(step, "global_cluster_id")
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
