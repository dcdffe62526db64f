"""DynamoDB MRSC: the orders table, as one region sees it, is strongly consistent and its
replicas (and witness) in the regions that must serve are ACTIVE.

The precondition of an MRSC failover (the survivors' replicas can take writes) and of a
failback (the returning region's replica has rejoined). Read-only; DescribeTable in the
step's region only, so it never needs a lost region's control plane.
Source: https://docs.aws.amazon.com/amazondynamodb/latest/APIReference/API_TableDescription.html
"""

from __future__ import annotations

from typing import Any

from pydantic import Field

from tradedr.ops.actions.base import (
    Action,
    ExecutionContext,
    Outcome,
    PreconditionFailedError,
    params_of,
)
from tradedr.ops.backend import Capability
from tradedr.ops.plans import ActionKind, ApiCall, Step, StepParams


class CheckMrscParams(StepParams):
    """The orders table, and the regions (replicas and witness) that must be ACTIVE."""

    table_name: str
    active_regions: list[str] = Field(min_length=1)


class CheckMrscReplicas(Action):
    kind = ActionKind.CHECK_MRSC_REPLICAS
    read_only = True
    Params = CheckMrscParams

    def calls(self, step: Step) -> list[ApiCall]:
        return [ApiCall("dynamodb", step.region, "DescribeTable")]

    def run(self, ctx: ExecutionContext, step: Step) -> Outcome:
        params = params_of(step, CheckMrscParams)
        table_name, wanted = params.table_name, params.active_regions
        table: dict[str, Any] = ctx.call(
            "dynamodb", step.region, "DescribeTable", TableName=table_name
        )["Table"]
        if table.get("TableStatus") != "ACTIVE":
            raise PreconditionFailedError(
                f"{step.id}: {table_name} in {step.region} is "
                f"{table.get('TableStatus')}, not ACTIVE"
            )
        local = f"{table_name} ACTIVE in {step.region}"
        if gap := ctx.backend.gap(
            Capability.MRSC, f"{local}; consistency mode and replica status not checked"
        ):
            return Outcome("not-emulated", gap)
        if table.get("MultiRegionConsistency") != "STRONG":
            raise PreconditionFailedError(
                f"{step.id}: {table_name} is {table.get('MultiRegionConsistency', 'EVENTUAL')}, "
                "not STRONG: without MRSC a region's unreplicated writes would be lost"
            )
        status = {r["RegionName"]: r.get("ReplicaStatus", "?") for r in table.get("Replicas", [])}
        status[step.region] = "ACTIVE"  # the table we just described
        for witness in table.get("GlobalTableWitnesses", []):
            status[witness["RegionName"]] = witness.get("WitnessStatus", "?")
        bad = [f"{r} {status.get(r, 'missing')}" for r in wanted if status.get(r) != "ACTIVE"]
        if bad:
            raise PreconditionFailedError(
                f"{step.id}: {table_name} replicas not ACTIVE: {', '.join(bad)}"
            )
        shown = ", ".join(f"{r} {s}" for r, s in sorted(status.items()))
        return Outcome("executed", f"{table_name} STRONG; {shown}")
