"""The failover principal may make every call the failover plan declares in the standby.

The plans are built exactly as `tradedr failover` builds them (planned and unplanned, to
this standby); every call each step declares (`Action.calls`) in the standby region becomes
an IAM action (`readiness.plan_calls`), simulated for the principal with
`aws:RequestedRegion` set to the standby. Calls into the primary are left out: on the day it
may be gone. The principal is `--role-arn`, else the caller (an assumed-role session is
simulated as its role). moto has no policy simulator, so the check is not emulated; the
scheduled function carries no plan model, so there it is not applicable.
https://docs.aws.amazon.com/IAM/latest/APIReference/API_SimulatePrincipalPolicy.html
"""

from __future__ import annotations

import re
from typing import Any

from tradedr.readiness.model import ReadinessCheck, ReadinessContext, Status, Verdict

_ASSUMED = re.compile(r"arn:(aws[\w-]*):sts::(\d{12}):assumed-role/([\w+=,.@-]+)/.+")


def principal_arn(ctx: ReadinessContext) -> str:
    if ctx.facts.role_arn:
        return ctx.facts.role_arn
    arn: str = ctx.client("sts", ctx.standby).get_caller_identity()["Arn"]
    match = _ASSUMED.fullmatch(arn)
    if match:
        partition, account, role = match.groups()
        return f"arn:{partition}:iam::{account}:role/{role}"
    return arn


class PermissionsCheck(ReadinessCheck):
    name = "failover-permissions"
    summary = "the failover role may make every call the plan declares, in the standby region"
    emulated = False
    not_emulated_reason = "moto has no IAM policy simulator"

    def run(self, ctx: ReadinessContext) -> Verdict:
        actions = ctx.facts.standby_actions
        if actions is None:
            return self.verdict(
                ctx,
                Status.NOT_APPLICABLE,
                "the plan's calls come from tradedr's plan model, which this runner does not "
                "carry: `tradedr readiness --target aws` checks them",
            )
        principal = principal_arn(ctx)
        iam = ctx.client("iam", ctx.standby)
        denied: list[str] = []
        kwargs: dict[str, Any] = {
            "PolicySourceArn": principal,
            "ActionNames": actions,
            "ContextEntries": [
                {
                    "ContextKeyName": "aws:RequestedRegion",
                    "ContextKeyValues": [ctx.standby],
                    "ContextKeyType": "string",
                }
            ],
        }
        while True:
            page = iam.simulate_principal_policy(**kwargs)
            denied += [
                f"{r['EvalActionName']} ({r['EvalDecision']})"
                for r in page.get("EvaluationResults", [])
                if r.get("EvalDecision") != "allowed"
            ]
            if not page.get("IsTruncated"):
                break
            kwargs["Marker"] = page["Marker"]
        if denied:
            return self.verdict(
                ctx,
                Status.FAIL,
                f"{principal} is denied {len(denied)} of {len(actions)}: {', '.join(denied)}",
                denied=denied,
            )
        return self.verdict(
            ctx, Status.PASS, f"{principal} may make all {len(actions)} calls", actions=actions
        )
