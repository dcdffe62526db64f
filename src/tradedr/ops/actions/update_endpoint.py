"""Point the app at the orders DB writer: the SSM parameter each app region reads.

The value is read from RDS (the writer's endpoint), never typed into the plan, so a
resumed or repeated step writes the same thing.
"""

from __future__ import annotations

from botocore.exceptions import ClientError
from pydantic import model_validator

from tradedr.errors import TradedrError
from tradedr.ops.actions.base import (
    Action,
    ExecutionContext,
    Outcome,
    db_cluster,
    db_instance,
    params_of,
)
from tradedr.ops.backend import Capability
from tradedr.ops.plans import ActionKind, ApiCall, Step, StepParams


class UpdateEndpointParams(StepParams):
    """The SSM parameter to write, and the writer whose endpoint it gets: an RDS instance
    or an Aurora cluster (whose endpoint follows its writer role) in `db_region`."""

    parameter_name: str
    db_identifier: str | None = None
    db_cluster_identifier: str | None = None
    global_cluster_id: str | None = None
    db_region: str | None = None  # default: the step's region

    @model_validator(mode="after")
    def _one_database(self) -> UpdateEndpointParams:
        if (self.db_identifier is None) == (self.db_cluster_identifier is None):
            raise ValueError("name exactly one of db_identifier and db_cluster_identifier")
        return self


class UpdateDbEndpoint(Action):
    kind = ActionKind.UPDATE_DB_ENDPOINT
    Params = UpdateEndpointParams

    def calls(self, step: Step) -> list[ApiCall]:
        params = params_of(step, UpdateEndpointParams)
        db_region = params.db_region or step.region
        describe = "DescribeDBClusters" if params.db_cluster_identifier else "DescribeDBInstances"
        return [
            ApiCall("rds", db_region, describe),
            ApiCall("ssm", step.region, "GetParameter"),
            ApiCall("ssm", step.region, "PutParameter"),
        ]

    def run(self, ctx: ExecutionContext, step: Step) -> Outcome:
        params = params_of(step, UpdateEndpointParams)
        name = params.parameter_name
        db_region = params.db_region or step.region
        if params.db_cluster_identifier is not None:
            # Aurora: the cluster endpoint, which follows the writer role of the cluster.
            identifier = params.db_cluster_identifier
            cluster = db_cluster(ctx, db_region, identifier)
            if cluster is None and (
                gap := ctx.backend.gap(
                    Capability.AURORA_GLOBAL,
                    f"no Aurora cluster {identifier}: {name} in {step.region} left as it is",
                )
            ):
                return Outcome("not-emulated", gap)
            address = (cluster or {}).get("Endpoint")
        else:
            identifier = str(params.db_identifier)
            instance = db_instance(ctx, db_region, identifier)
            address = ((instance or {}).get("Endpoint") or {}).get("Address")
        if not address:
            raise TradedrError(
                f"{step.id}: {identifier} in {db_region} has no endpoint yet; cannot point "
                f"{name} at it"
            )
        try:
            current = ctx.call("ssm", step.region, "GetParameter", Name=name)["Parameter"]["Value"]
        except ClientError as exc:
            if exc.response.get("Error", {}).get("Code") != "ParameterNotFound":
                raise
            current = None
        if current == address:
            return Outcome("skipped", f"{name} in {step.region} already points at {address}")
        ctx.call(
            "ssm",
            step.region,
            "PutParameter",
            Name=name,
            Value=address,
            Type="String",
            Overwrite=True,
        )
        return Outcome(
            "executed",
            f"{name} in {step.region}: {current} -> {address}",
            {"previous": current, "value": address},
        )
