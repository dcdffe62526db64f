"""Route 53 health-check failover: traffic moves by data plane alone.

Once the old primary is fenced (or its region is gone) its deep health check fails and
Route 53 answers with the SECONDARY record; nothing edits records or health checks, so
the step needs no Route 53 control plane (which lives in us-east-1). The step verifies
by resolving the public name until it answers with the target region's ALB.
"""

from __future__ import annotations

import socket

from tradedr.errors import ResourceNotFoundError
from tradedr.ops.actions.base import Action, ExecutionContext, Outcome, param
from tradedr.ops.plans import ActionKind, ApiCall, Step


def resolve(name: str) -> set[str]:
    try:
        found = socket.getaddrinfo(name, 80, proto=socket.IPPROTO_TCP)
        return {str(info[4][0]) for info in found}
    except socket.gaierror:
        return set()


class ShiftTraffic(Action):
    kind = ActionKind.SHIFT_TRAFFIC

    def calls(self, step: Step) -> list[ApiCall]:
        return [ApiCall("elbv2", step.region, "DescribeLoadBalancers")]

    def run(self, ctx: ExecutionContext, step: Step) -> Outcome:
        fqdn = param(step, "record_name")
        if ctx.emulated:
            return Outcome(
                "not-emulated",
                f"Route 53 health-check failover of {fqdn} is not emulated: the emulator "
                "reports every health check healthy and serves no DNS",
            )
        found = ctx.call(
            "elbv2", step.region, "DescribeLoadBalancers", Names=[param(step, "alb_name")]
        ).get("LoadBalancers", [])
        if not found:
            raise ResourceNotFoundError(
                f"{step.id}: ALB {step.params['alb_name']} not in {step.region}"
            )
        alb_dns = found[0]["DNSName"]
        answers: list[set[str]] = []

        def moved() -> bool:
            expected = resolve(alb_dns)
            got = resolve(fqdn)
            answers.append(got)
            return bool(got) and got <= expected

        ctx.wait_for(
            f"{fqdn} to resolve to the {step.region} ALB",
            moved,
            timeout=float(step.params.get("timeout_seconds", 600)),
        )
        return Outcome(
            "executed", f"{fqdn} resolves to {alb_dns} ({', '.join(sorted(answers[-1]))})"
        )
