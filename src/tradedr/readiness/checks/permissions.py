"""The failover principal may make every call the failover plan declares in the standby.

The plans are built exactly as `tradedr failover` builds them (planned and unplanned, to
this standby); every call each step declares (`Action.calls`) in the standby region becomes
an IAM action, simulated for the principal with `aws:RequestedRegion` set to the standby.
Calls into the primary are left out: on the day it may be gone. The principal is
`--role-arn`, else the caller (an assumed-role session is simulated as its role). moto has
no policy simulator, so the check is not emulated.
https://docs.aws.amazon.com/IAM/latest/APIReference/API_SimulatePrincipalPolicy.html
"""

from __future__ import annotations

import re

from tradedr.ops.failover import failover_plan
from tradedr.ops.plans import ApiCall
from tradedr.ops.traffic import resolve_traffic
from tradedr.readiness.model import ReadinessCheck, ReadinessContext, Status, Verdict

# boto3 service name -> IAM action prefix, where they differ.
IAM_PREFIX: dict[str, str] = {"elbv2": "elasticloadbalancing"}
_ASSUMED = re.compile(r"arn:(aws[\w-]*):sts::(\d{12}):assumed-role/([\w+=,.@-]+)/.+")


def iam_action(call: ApiCall) -> str:
    return f"{IAM_PREFIX.get(call.service, call.service)}:{call.operation}"


def principal_arn(ctx: ReadinessContext) -> str:
    if ctx.role_arn:
        return ctx.role_arn
    arn: str = ctx.client("sts", ctx.standby).get_caller_identity()["Arn"]
    match = _ASSUMED.fullmatch(arn)
    if match:
        partition, account, role = match.groups()
        return f"arn:{partition}:iam::{account}:role/{role}"
    return arn


def standby_actions(ctx: ReadinessContext) -> list[str]:
    """The IAM actions of every call the failover plans make in the standby region."""
    controls = resolve_traffic(
        ctx.settings, ctx.provider, read_region=ctx.standby, failed_region=ctx.primary
    )
    actions: set[str] = set()
    for mode in ("planned", "unplanned"):
        plan = failover_plan(
            ctx.settings,
            to_region=ctx.standby,
            mode=mode,
            traffic_mode=controls.mode,
            traffic=controls.params_for(ctx.standby),
        )
        actions.update(iam_action(c) for _, c in plan.api_calls() if c.region == ctx.standby)
    return sorted(actions)


class PermissionsCheck(ReadinessCheck):
    name = "failover-permissions"
    summary = "the failover role may make every call the plan declares, in the standby region"
    emulated = False
    not_emulated_reason = "moto has no IAM policy simulator"

    def run(self, ctx: ReadinessContext) -> Verdict:
        principal = principal_arn(ctx)
        actions = standby_actions(ctx)
        iam = ctx.client("iam", ctx.standby)
        denied: list[str] = []
        kwargs: dict[str, object] = {
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
