"""DynamoDB global table: add or remove replica regions (e.g. re-add a rebuilt region)."""

from __future__ import annotations

from typing import Any

from tradedr.ops.actions.base import Action, ExecutionContext, Outcome, params_of
from tradedr.ops.backend import Capability
from tradedr.ops.plans import ActionKind, ApiCall, Step, StepParams


class TableReplicasParams(StepParams):
    table_name: str
    create: list[str] = []
    delete: list[str] = []
    kms_keys: dict[str, str] = {}  # region -> the KMS key of its new replica


class UpdateTableReplicas(Action):
    kind = ActionKind.UPDATE_TABLE_REPLICAS
    requires = Capability.TABLE_REPLICAS
    Params = TableReplicasParams

    def calls(self, step: Step) -> list[ApiCall]:
        return [
            ApiCall("dynamodb", step.region, "DescribeTable"),
            ApiCall("dynamodb", step.region, "UpdateTable"),
        ]

    def run(self, ctx: ExecutionContext, step: Step) -> Outcome:
        params = params_of(step, TableReplicasParams)
        table = params.table_name
        create, delete = params.create, params.delete
        described = ctx.call("dynamodb", step.region, "DescribeTable", TableName=table)["Table"]
        present = {r["RegionName"] for r in described.get("Replicas", [])}
        updates: list[dict[str, Any]] = []
        for region in create:
            if region not in present:
                replica: dict[str, Any] = {"RegionName": region}
                kms = params.kms_keys.get(region)
                if kms:
                    replica["KMSMasterKeyId"] = kms
                updates.append({"Create": replica})
        updates += [{"Delete": {"RegionName": r}} for r in delete if r in present]
        if not updates:
            return Outcome("skipped", f"{table} replicas already as wanted")
        # DynamoDB accepts one replica change per UpdateTable call.
        for update in updates:
            ctx.call(
                "dynamodb", step.region, "UpdateTable", TableName=table, ReplicaUpdates=[update]
            )
        changes = ", ".join(
            f"{next(iter(u))} {next(iter(u.values()))['RegionName']}" for u in updates
        )
        return Outcome("executed", f"{table}: {changes}")
