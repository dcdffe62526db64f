"""GetAtt attributes moto's models list but do not implement, or lack."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any

from tradedr.emulator.compat.model import PLACEHOLDER_PREFIX, SUBSTITUTED, CompatNote, PreparedStack
from tradedr.emulator.compat.registry import _model_has_attribute, is_emulated
from tradedr.emulator.compat.template import _getatt, _resources, _rewrite

# Attributes moto's models list but do not implement (GetAtt returns nothing, so the
# property silently disappears), rewritten from what moto does implement.
# moto's DescribeLoadBalancers reports this zone id for every ALB; the template agrees.
MOTO_ALB_HOSTED_ZONE = "Z2P70J7EXAMPLE"

UNIMPLEMENTED_ATTRIBUTES: dict[tuple[str, str], Callable[[str], Any]] = {
    # moto: "HealthCheckId" GetAtt not implemented; Ref of a health check is its id.
    ("AWS::Route53::HealthCheck", "HealthCheckId"): lambda lid: {"Ref": lid},
    # moto: TargetGroupFullName not implemented; it is the ARN's "targetgroup/name/id".
    ("AWS::ElasticLoadBalancingV2::TargetGroup", "TargetGroupFullName"): lambda lid: {
        "Fn::Join": ["/", ["targetgroup", *_selects(lid, (1, 2))]]
    },
    # moto: LoadBalancerFullName not implemented; it is the ARN's "app/name/id".
    ("AWS::ElasticLoadBalancingV2::LoadBalancer", "LoadBalancerFullName"): lambda lid: {
        "Fn::Join": ["/", _selects(lid, (1, 2, 3))]
    },
    # moto: DBInstance has no DBInstanceArn attribute; Ref of an instance is its identifier.
    ("AWS::RDS::DBInstance", "DBInstanceArn"): lambda lid: {
        "Fn::Sub": f"arn:${{AWS::Partition}}:rds:${{AWS::Region}}:${{AWS::AccountId}}:db:${{{lid}}}"
    },
    # moto: the ASG model has no AutoScalingGroupARN attribute yet claims every attribute
    # (CloudFormationModel.has_cfn_attr), so GetAtt breaks every output of the stack. The
    # region-switch stack reads it; it gets a visible placeholder (the plan is not emulated).
    ("AWS::AutoScaling::AutoScalingGroup", "AutoScalingGroupARN"): lambda lid: (
        f"{PLACEHOLDER_PREFIX}{lid}.AutoScalingGroupARN"
    ),
    # moto: CanonicalHostedZoneID not implemented.
    ("AWS::ElasticLoadBalancingV2::LoadBalancer", "CanonicalHostedZoneID"): lambda lid: (
        MOTO_ALB_HOSTED_ZONE
    ),
}


def _selects(logical_id: str, indexes: Iterable[int]) -> list[Any]:
    split = {"Fn::Split": ["/", {"Ref": logical_id}]}
    return [{"Fn::Select": [i, split]} for i in indexes]


def _unimplemented_attributes(stack: PreparedStack) -> None:
    resources = _resources(stack.template)

    def visit(node: dict[str, Any]) -> Any | None:
        found = _getatt(node)
        if not found:
            return None
        logical_id, attr = found
        resource_type = resources.get(logical_id, {}).get("Type", "")
        rewrite = UNIMPLEMENTED_ATTRIBUTES.get((resource_type, attr))
        if rewrite:
            return rewrite(logical_id)
        if is_emulated(resource_type) and not _model_has_attribute(resource_type, attr):
            # moto rejects the whole stack for an attribute its model lacks; anything
            # reading it gets a visible placeholder instead, and the gap is reported.
            missing.add((logical_id, resource_type, attr))
            return f"{PLACEHOLDER_PREFIX}{logical_id}.{attr}"
        return None

    missing: set[tuple[str, str, str]] = set()
    stack.template = _rewrite(stack.template, visit)
    for logical_id, resource_type, attr in sorted(missing):
        stack.notes.append(
            CompatNote(
                stack.name,
                stack.region,
                f"{logical_id}.{attr}",
                resource_type,
                SUBSTITUTED,
                f"attribute {attr} is not implemented by moto; references read a placeholder",
            )
        )
