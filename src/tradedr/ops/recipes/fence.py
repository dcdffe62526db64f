"""Fence recipes: approve, then the stale-primary steps failback starts with (app to 0,
stale writer retired). An Aurora cluster rejoins the global database as a secondary and
takes no writes, so only its app needs stopping."""

from __future__ import annotations

from tradedr.ops import steps
from tradedr.ops.plans import ActionKind, Step, StepGroup
from tradedr.ops.recipes.base import PlanRequest
from tradedr.ops.steps import group

Groups = tuple[list[StepGroup], list[str]]


def _plan(request: PlanRequest, fence_steps: list[Step]) -> Groups:
    region = request.target
    groups: list[StepGroup] = []
    if request.approval:
        groups.append(
            group(
                "approval",
                steps.approval(
                    region,
                    title=f"Approve fencing {region}: its app stops serving",
                    prompt=f"Fence {request.settings.prefix} in {region}?",
                ),
            )
        )
    groups.append(group("fence the stale primary", *fence_steps))
    return groups, [f"fences {region} only; clients stay where they are"]


def mysql(request: PlanRequest) -> Groups:
    return _plan(
        request, steps.stale_primary_steps(request.settings, request.target, request.stamp)
    )


def aurora(request: PlanRequest) -> Groups:
    fence_steps = steps.stale_primary_steps(request.settings, request.target, request.stamp)
    return _plan(request, [s for s in fence_steps if s.action is not ActionKind.RETIRE_DB])
