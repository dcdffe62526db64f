"""Scale a region's Auto Scaling group and wait until its targets are healthy."""

from __future__ import annotations

from typing import Any

from pydantic import Field

from tradedr.errors import ResourceNotFoundError
from tradedr.ops.actions.base import Action, ExecutionContext, Outcome, params_of
from tradedr.ops.backend import Capability
from tradedr.ops.plans import ActionKind, ApiCall, Step, StepParams


class ScaleAsgParams(StepParams):
    asg_name: str
    min: int = Field(ge=0)
    desired: int = Field(ge=0)
    max: int = Field(ge=0)
    # Wait for this many healthy targets in it (none named: do not wait for targets).
    target_group_name: str | None = None


def describe_asg(ctx: ExecutionContext, region: str, name: str) -> dict[str, Any]:
    found = ctx.call(
        "autoscaling", region, "DescribeAutoScalingGroups", AutoScalingGroupNames=[name]
    )
    groups: list[dict[str, Any]] = found.get("AutoScalingGroups", [])
    if not groups:
        raise ResourceNotFoundError(
            f"Auto Scaling group {name} not found in {region}; is it deployed?"
        )
    return groups[0]


def in_service(group: dict[str, Any]) -> int:
    return sum(1 for i in group.get("Instances", []) if i.get("LifecycleState") == "InService")


def healthy_targets(ctx: ExecutionContext, region: str, target_group_name: str) -> int:
    groups = ctx.call("elbv2", region, "DescribeTargetGroups", Names=[target_group_name]).get(
        "TargetGroups", []
    )
    if not groups:
        raise ResourceNotFoundError(f"target group {target_group_name} not found in {region}")
    health = ctx.call(
        "elbv2", region, "DescribeTargetHealth", TargetGroupArn=groups[0]["TargetGroupArn"]
    )
    return sum(
        1
        for d in health.get("TargetHealthDescriptions", [])
        if d.get("TargetHealth", {}).get("State") == "healthy"
    )


def set_capacity(
    ctx: ExecutionContext,
    step: Step,
    *,
    asg_name: str,
    minimum: int,
    desired: int,
    maximum: int,
    target_group: str | None,
) -> Outcome:
    """Idempotent: only update when the sizes differ; always wait for the end state."""
    region, name = step.region, asg_name
    group = describe_asg(ctx, region, name)
    current = (group["MinSize"], group["DesiredCapacity"], group["MaxSize"])
    wanted = (minimum, desired, maximum)
    changed = current != wanted
    if changed:
        ctx.call(
            "autoscaling",
            region,
            "UpdateAutoScalingGroup",
            AutoScalingGroupName=name,
            MinSize=minimum,
            DesiredCapacity=desired,
            MaxSize=maximum,
        )

    def settled() -> bool:
        live = describe_asg(ctx, region, name)
        if desired == 0:
            return not live.get("Instances")
        return in_service(live) >= desired

    ctx.wait_for(f"{name} to reach {desired} in-service instances", settled)
    healthy_note = ""
    if target_group and desired > 0:
        ctx.wait_for(
            f"{desired} healthy targets in {target_group}",
            lambda: healthy_targets(ctx, region, target_group) >= desired,
        )
        healthy_note = f", {desired} healthy targets"
        if caveat := ctx.backend.gap(Capability.HEALTH, "as reported, not probed"):
            healthy_note += f" ({caveat})"
    sizes = f"min/desired/max {minimum}/{desired}/{maximum}"
    if changed:
        return Outcome(
            "executed",
            f"{name}: {current[1]} -> {desired} ({sizes}){healthy_note}",
            {"previous": list(current)},
        )
    return Outcome("skipped", f"{name} already at {sizes}{healthy_note}")


def _calls(step: Step, target_group: str | None = None) -> list[ApiCall]:
    calls = [
        ApiCall("autoscaling", step.region, "DescribeAutoScalingGroups"),
        ApiCall("autoscaling", step.region, "UpdateAutoScalingGroup"),
    ]
    if target_group:
        calls += [
            ApiCall("elbv2", step.region, "DescribeTargetGroups"),
            ApiCall("elbv2", step.region, "DescribeTargetHealth"),
        ]
    return calls


class ScaleAsg(Action):
    """Scale to the posture's active capacity (or any sizes the plan names)."""

    kind = ActionKind.SCALE_ASG
    Params = ScaleAsgParams

    def calls(self, step: Step) -> list[ApiCall]:
        return _calls(step, params_of(step, ScaleAsgParams).target_group_name)

    def run(self, ctx: ExecutionContext, step: Step) -> Outcome:
        params = params_of(step, ScaleAsgParams)
        return set_capacity(
            ctx,
            step,
            asg_name=params.asg_name,
            minimum=params.min,
            desired=params.desired,
            maximum=params.max,
            target_group=params.target_group_name,
        )
