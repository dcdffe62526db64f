"""A human says go: the plan waits here until the approver answers."""

from __future__ import annotations

from tradedr.ops.actions.base import (
    Action,
    ExecutionContext,
    Outcome,
    PlanAbortedError,
    always_approve,
)
from tradedr.ops.plans import ActionKind, ApiCall, Step


class ManualApproval(Action):
    kind = ActionKind.MANUAL_APPROVAL

    def calls(self, step: Step) -> list[ApiCall]:
        return []

    def run(self, ctx: ExecutionContext, step: Step) -> Outcome:
        prompt = str(step.params.get("prompt", step.title))
        if not ctx.approver(prompt):
            raise PlanAbortedError(
                f"{step.id}: declined by the operator (not approved); nothing after this "
                "step ran "
                f"(resume with --resume {ctx.run_id} when ready)"
            )
        if ctx.approver is always_approve:
            return Outcome("executed", "approved automatically (--yes, or a drill)")
        return Outcome("executed", "approved by the operator")

    def preview(self, ctx: ExecutionContext, step: Step) -> Outcome:
        return Outcome("dry-run", "would ask for approval")
