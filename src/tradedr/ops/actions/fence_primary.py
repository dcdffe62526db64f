"""Fence the old primary's app tier: scale it to zero so it stops writing and its deep
health check fails, which is what moves Route 53 failover records (data plane only)."""

from __future__ import annotations

from tradedr.ops.actions.base import Action, ExecutionContext, Outcome, params_of
from tradedr.ops.actions.scale_asg import _calls, describe_asg, set_capacity
from tradedr.ops.plans import ActionKind, ApiCall, Step, StepParams


class FenceParams(StepParams):
    asg_name: str


class FencePrimary(Action):
    kind = ActionKind.FENCE_PRIMARY
    Params = FenceParams

    def calls(self, step: Step) -> list[ApiCall]:
        return _calls(step)

    def run(self, ctx: ExecutionContext, step: Step) -> Outcome:
        name = params_of(step, FenceParams).asg_name
        group = describe_asg(ctx, step.region, name)
        return set_capacity(
            ctx,
            step,
            asg_name=name,
            minimum=0,
            desired=0,
            maximum=max(int(group["MaxSize"]), 1),
            target_group=None,
        )
