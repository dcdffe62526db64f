"""A human says go: the plan waits here until the approver answers."""

from __future__ import annotations

from datetime import UTC, datetime

from tradedr.ops.actions.base import (
    Action,
    ExecutionContext,
    Outcome,
    PlanAbortedError,
    always_approve,
    params_of,
)
from tradedr.ops.plans import ActionKind, ApiCall, Step, StepParams


class ApprovalParams(StepParams):
    prompt: str | None = None  # default: the step's title


class ManualApproval(Action):
    kind = ActionKind.MANUAL_APPROVAL
    Params = ApprovalParams

    def calls(self, step: Step) -> list[ApiCall]:
        return []

    def run(self, ctx: ExecutionContext, step: Step) -> Outcome:
        prompt = params_of(step, ApprovalParams).prompt or step.title
        if not ctx.approver(prompt):
            raise PlanAbortedError(
                f"{step.id}: declined by the operator (not approved); nothing after this "
                "step ran "
                f"(resume with --resume {ctx.run_id} when ready)"
            )
        at = datetime.now(UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z")
        if ctx.approver is always_approve:
            automatic = {"approval": {"at": at, "mode": "non-interactive (--yes, or a drill)"}}
            return Outcome("executed", "approved automatically (--yes, or a drill)", automatic)
        asked = {"approval": {"at": at, "mode": "interactive (answered at the prompt)"}}
        return Outcome("executed", "approved by the operator", asked)

    def preview(self, ctx: ExecutionContext, step: Step) -> Outcome:
        return Outcome("dry-run", "would ask for approval")
