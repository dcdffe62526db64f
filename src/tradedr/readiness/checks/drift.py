"""No CloudFormation drift on the stacks that hold data (DetectStackDrift).

Each region's data stack, and each standby's replica stack: a detection is started, waited
for, and any drifted resource (modified or deleted outside CloudFormation) is named. A
drifted data stack is where a failover or a rebuild meets a resource that is not what the
template says. Detection changes no resource.
https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/detect-drift-stack.html
moto does not detect drift, so the check is not emulated.
"""

from __future__ import annotations

from tradedr.readiness.model import (
    CheckTimeoutError,
    ReadinessCheck,
    ReadinessContext,
    Status,
    Verdict,
)


class DriftCheck(ReadinessCheck):
    name = "stack-drift"
    summary = "no CloudFormation drift on the data stacks (DetectStackDrift)"
    emulated = False
    not_emulated_reason = "moto does not detect drift"

    def stacks(self, ctx: ReadinessContext) -> list[tuple[str, str]]:
        return [(stack, region) for stack, region in ctx.facts.data_stacks]

    def drifted(self, ctx: ReadinessContext, stack: str, region: str) -> list[str]:
        cf = ctx.client("cloudformation", region)
        detection = cf.detect_stack_drift(StackName=stack)["StackDriftDetectionId"]
        waited = 0.0
        while True:
            status = cf.describe_stack_drift_detection_status(StackDriftDetectionId=detection)
            if status["DetectionStatus"] != "DETECTION_IN_PROGRESS":
                break
            if waited >= ctx.drift_timeout_seconds:
                raise CheckTimeoutError(f"drift detection of {stack} still running")
            ctx.sleep(ctx.poll_seconds)
            waited += ctx.poll_seconds
        if status["DetectionStatus"] == "DETECTION_FAILED":
            reason = status.get("DetectionStatusReason", "")
            return [f"{stack}: detection failed ({reason})"]
        if status.get("StackDriftStatus") != "DRIFTED":
            return []
        drifts = cf.describe_stack_resource_drifts(
            StackName=stack, StackResourceDriftStatusFilters=["MODIFIED", "DELETED"]
        ).get("StackResourceDrifts", [])
        return [
            f"{stack}: {d['LogicalResourceId']} {d['StackResourceDriftStatus'].lower()}"
            for d in drifts
        ] or [f"{stack}: drifted"]

    def run(self, ctx: ReadinessContext) -> Verdict:
        stacks = self.stacks(ctx)
        problems = [p for stack, region in stacks for p in self.drifted(ctx, stack, region)]
        if problems:
            return self.verdict(ctx, Status.FAIL, "; ".join(problems), problems=problems)
        return self.verdict(ctx, Status.PASS, f"{len(stacks)} data stacks in sync")
