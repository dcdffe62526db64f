"""Route 53 health-check failover: traffic moves by data plane alone.

Once the old primary is fenced (or its region is gone) its deep health check fails and
Route 53 answers with the SECONDARY record; nothing edits records or health checks, so
the step needs no Route 53 control plane (which lives in us-east-1). The step verifies
by resolving the public name (through the backend: DNS on AWS, a local data plane's proxy
on the emulator) until it answers with the target region's ALB.
"""

from __future__ import annotations

from pydantic import Field

from tradedr.errors import ResourceNotFoundError
from tradedr.ops.actions.base import Action, ExecutionContext, Outcome, params_of
from tradedr.ops.backend import Capability
from tradedr.ops.plans import ActionKind, ApiCall, Step, StepParams


class ShiftTrafficParams(StepParams):
    record_name: str  # the public name clients resolve
    alb_name: str  # the target region's ALB it must answer with
    timeout_seconds: float = Field(default=600, gt=0)


class ShiftTraffic(Action):
    kind = ActionKind.SHIFT_TRAFFIC
    Params = ShiftTrafficParams

    def calls(self, step: Step) -> list[ApiCall]:
        return [ApiCall("elbv2", step.region, "DescribeLoadBalancers")]

    def run(self, ctx: ExecutionContext, step: Step) -> Outcome:
        params = params_of(step, ShiftTrafficParams)
        fqdn = params.record_name
        gap = ctx.backend.gap(
            Capability.TRAFFIC, f"Route 53 health-check failover of {fqdn} is not emulated"
        )
        if gap:
            return Outcome("not-emulated", gap)
        found = ctx.call(
            "elbv2", step.region, "DescribeLoadBalancers", Names=[params.alb_name]
        ).get("LoadBalancers", [])
        if not found:
            raise ResourceNotFoundError(f"{step.id}: ALB {params.alb_name} not in {step.region}")
        alb_dns = found[0]["DNSName"]
        answers: list[set[str]] = []

        def moved() -> bool:
            expected = ctx.backend.resolve(alb_dns)
            got = ctx.backend.resolve(fqdn)
            answers.append(got)
            return bool(got) and got <= expected

        ctx.wait_for(
            f"{fqdn} to resolve to the {step.region} ALB",
            moved,
            timeout=params.timeout_seconds,
        )
        return Outcome(
            "executed", f"{fqdn} resolves to {alb_dns} ({', '.join(sorted(answers[-1]))})"
        )
