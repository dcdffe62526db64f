"""What a resume must re-establish before it runs the rest of a stopped plan.

A journal says which steps succeeded, not that their effect still holds: between a stop and
its resume another run may have failed over and back, or the lag may have risen. So a
resume (1) re-checks the effect of every completed step that changed a role or a fence,
unless a later completed step of the same plan acted on the same resource, (2) re-checks
that a pending promotion still has a replica to promote, and (3) runs again every data
guard (lag check, drain) and every approval that stands before pending work: only their
results from this resumption count, and an approval expires when the run is resumed.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from tradedr.ops.actions.base import (
    ExecutionContext,
    db_instance,
    global_writer_arn,
    is_writer,
    replication_source,
)
from tradedr.ops.actions.scale_asg import describe_asg
from tradedr.ops.backend import Capability
from tradedr.ops.plans import ActionKind, Plan, Step

# Preconditions that guard data: they must hold at the moment the promotion runs.
DATA_GUARDS = frozenset({ActionKind.CHECK_REPLICA_LAG, ActionKind.WAIT_REPLICA})
# Steps after which a lost write cannot be taken back.
GUARDED = frozenset({ActionKind.PROMOTE_REPLICA, ActionKind.AURORA_GLOBAL_FAILOVER})
PROMOTED_BY_RUN_TAG = "tradedr:promoted-by-run"


def steps_to_rerun(plan: Plan, done: dict[str, Any]) -> frozenset[str]:
    """Completed guards before a pending promotion, and approvals before pending work."""
    ordered = list(plan.steps())
    rerun: set[str] = set()
    for index, step in enumerate(ordered):
        if step.id not in done:
            continue
        later = [s for s in ordered[index + 1 :] if s.id not in done]
        guards_pending = step.action in DATA_GUARDS and any(s.action in GUARDED for s in later)
        approval_expired = step.action is ActionKind.MANUAL_APPROVAL and bool(later)
        if guards_pending or approval_expired:
            rerun.add(step.id)
    return frozenset(rerun)


def resource_of(step: Step) -> tuple[str, str] | None:
    """The one resource a role- or capacity-changing step acts on, as (region, name)."""
    if step.action in (ActionKind.SCALE_ASG, ActionKind.FENCE_PRIMARY):
        return step.region, f"asg:{step.params.get('asg_name')}"
    if step.action in (
        ActionKind.PROMOTE_REPLICA,
        ActionKind.RETIRE_DB,
        ActionKind.CREATE_REPLICA,
    ):
        return step.region, f"db:{step.params.get('db_identifier')}"
    if step.action is ActionKind.AURORA_GLOBAL_FAILOVER:
        return "global", f"global:{step.params.get('global_cluster_id')}"
    return None


def check_resumable(ctx: ExecutionContext, plan: Plan, done: dict[str, Any]) -> list[str]:
    """Why resuming `plan` now would act on a world it was not made for (empty: safe)."""
    ordered = list(plan.steps())
    problems: list[str] = []
    for index, step in enumerate(ordered):
        if plan.mode == "unplanned" and step.region == plan.source_region:
            continue  # the failed region is not called, not even to check
        if step.id in done:
            resource = resource_of(step)
            superseded = any(
                later.id in done and resource_of(later) == resource
                for later in ordered[index + 1 :]
            )
            check = _EFFECT_CHECKS.get(step.action)
            if check is not None and resource is not None and not superseded:
                problem = check(ctx, step)
                if problem:
                    problems.append(f"{step.id}: {problem}")
        elif step.action is ActionKind.PROMOTE_REPLICA and not any(
            earlier.action is ActionKind.CREATE_REPLICA
            and earlier.id not in done
            and resource_of(earlier) == resource_of(step)
            for earlier in ordered[:index]
        ):
            problem = _promotable(ctx, step)
            if problem:
                problems.append(f"{step.id}: {problem}")
    return problems


def _still_writer(ctx: ExecutionContext, step: Step) -> str | None:
    identifier = str(step.params["db_identifier"])
    instance = db_instance(ctx, step.region, identifier)
    if instance is None:
        return f"{identifier} no longer exists in {step.region}"
    if not is_writer(instance):
        source = replication_source(instance)
        state = f"replicates from {source}" if source else instance.get("DBInstanceStatus")
        return f"{identifier} in {step.region} is no longer a writer ({state})"
    return None


def _still_fenced(ctx: ExecutionContext, step: Step) -> str | None:
    name = str(step.params["asg_name"])
    group = describe_asg(ctx, step.region, name)
    desired = int(group.get("DesiredCapacity", 0))
    if desired > 0:
        return f"{name} in {step.region} runs {desired} instance(s) again (it was fenced to 0)"
    return None


def _still_retired(ctx: ExecutionContext, step: Step) -> str | None:
    identifier = str(step.params["db_identifier"])
    instance = db_instance(ctx, step.region, identifier)
    if instance is not None and is_writer(instance):
        return f"{identifier} in {step.region} accepts writes again (it was retired)"
    return None


def _still_global_writer(ctx: ExecutionContext, step: Step) -> str | None:
    global_id = str(step.params["global_cluster_id"])
    cluster_id = str(step.params["target_cluster_id"])
    found, writer = global_writer_arn(ctx, step.region, global_id)
    if not found:
        # Where the backend has no global clusters (the emulator) there is nothing to recheck.
        if ctx.backend.has(Capability.AURORA_GLOBAL):
            return f"global cluster {global_id} not found"
        return None
    if writer is None or not writer.endswith(f":cluster:{cluster_id}"):
        return f"{cluster_id} is no longer the writer of {global_id} (writer: {writer})"
    return None


_EFFECT_CHECKS: dict[ActionKind, Callable[[ExecutionContext, Step], str | None]] = {
    ActionKind.PROMOTE_REPLICA: _still_writer,
    ActionKind.FENCE_PRIMARY: _still_fenced,
    ActionKind.RETIRE_DB: _still_retired,
    ActionKind.AURORA_GLOBAL_FAILOVER: _still_global_writer,
}


def _promotable(ctx: ExecutionContext, step: Step) -> str | None:
    """A pending promotion needs its replica, or a writer this very run promoted."""
    identifier = str(step.params["db_identifier"])
    instance = db_instance(ctx, step.region, identifier)
    if instance is None:
        return f"{identifier} no longer exists in {step.region}"
    if replication_source(instance) is not None:
        return None
    tags = {t["Key"]: t["Value"] for t in instance.get("TagList", [])}
    by = tags.get(PROMOTED_BY_RUN_TAG)
    if by is not None and by != ctx.run_id:
        return f"{identifier} is already a writer, promoted by run {by}, not by this run"
    return None
