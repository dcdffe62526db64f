"""One module per kind of plan step; `action_for(step)` finds the implementation."""

from __future__ import annotations

from pydantic import ValidationError

from tradedr.ops.actions.approval import ManualApproval
from tradedr.ops.actions.aurora_global import AuroraGlobalFailover
from tradedr.ops.actions.backup_job import BackupJob
from tradedr.ops.actions.base import Action
from tradedr.ops.actions.check_lag import CheckReplicaLag
from tradedr.ops.actions.check_mrsc import CheckMrscReplicas
from tradedr.ops.actions.create_replica import CreateReadReplica
from tradedr.ops.actions.fence_primary import FencePrimary
from tradedr.ops.actions.promote_replica import PromoteReplica
from tradedr.ops.actions.retire_db import RetireDb
from tradedr.ops.actions.retire_replica import RetireReplica
from tradedr.ops.actions.routing_control import SetRoutingControl
from tradedr.ops.actions.scale_asg import ScaleAsg
from tradedr.ops.actions.shift_traffic import ShiftTraffic
from tradedr.ops.actions.table_replicas import UpdateTableReplicas
from tradedr.ops.actions.traffic_dial import SetTrafficDial
from tradedr.ops.actions.update_endpoint import UpdateDbEndpoint
from tradedr.ops.actions.verify_health import VerifyHealth
from tradedr.ops.actions.wait_replica import WaitReplica
from tradedr.ops.plans import ActionKind, Step, params_error

ACTIONS: dict[ActionKind, Action] = {
    action.kind: action
    for action in (
        CheckReplicaLag(),
        ManualApproval(),
        ScaleAsg(),
        FencePrimary(),
        PromoteReplica(),
        UpdateDbEndpoint(),
        RetireDb(),
        RetireReplica(),
        CreateReadReplica(),
        WaitReplica(),
        ShiftTraffic(),
        SetRoutingControl(),
        SetTrafficDial(),
        AuroraGlobalFailover(),
        UpdateTableReplicas(),
        CheckMrscReplicas(),
        BackupJob(),
        VerifyHealth(),
    )
}


def action_for(step: Step) -> Action:
    return ACTIONS[step.action]


def params_problem(step: Step) -> str | None:
    """Why the step's parameters do not fit its action's model (`params.<field>: ...`)."""
    try:
        action_for(step).Params.model_validate(step.params)
    except ValidationError as exc:
        return params_error(exc)
    return None


__all__ = ["ACTIONS", "Action", "action_for", "params_problem"]
