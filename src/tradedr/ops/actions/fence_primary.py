"""Fence the old primary's app tier: scale it to zero so it stops writing and its deep
health check fails, which is what moves Route 53 failover records (data plane only)."""

from __future__ import annotations

from tradedr.ops.actions.base import Action, ExecutionContext, Outcome, param
from tradedr.ops.actions.scale_asg import _calls, describe_asg, set_capacity
from tradedr.ops.plans import ActionKind, ApiCall, Step


class FencePrimary(Action):
    kind = ActionKind.FENCE_PRIMARY

    def calls(self, step: Step) -> list[ApiCall]:
        return _calls(step)

    def run(self, ctx: ExecutionContext, step: Step) -> Outcome:
        group = describe_asg(ctx, step.region, param(step, "asg_name"))
        return set_capacity(
            ctx,
            step,
            minimum=0,
            desired=0,
            maximum=max(int(group["MaxSize"]), 1),
            target_group=None,
        )
