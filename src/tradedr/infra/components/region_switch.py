"""The CloudFormation form of a Region switch plan: `AWS::ARCRegionSwitch::Plan`.

`tradedr export-plan --format arc-region-switch` maps the failover plan to a CreatePlan
request (`ops/region_switch.py`, `region_switch_plan`). The resource's properties are that
same request with CloudFormation's spelling (PascalCase members; map keys such as regions
and tag names kept as they are), so a plan deployed from a template and a plan created with
the API come from one mapping. This module is in infra so a stack can hold the resource;
`tests/unit/infra/components/test_region_switch.py` lints it against cfn-lint's schema of
the type.

Limits of the resource the mapping cannot lift: `Regions` holds exactly two regions (a
third standby cannot be in the plan), and every resource ARN must be concrete (an Auto
Scaling group's ARN carries a UUID no name derives).
"""

from __future__ import annotations

from typing import Any

import aws_cdk as cdk
from constructs import Construct

RESOURCE_TYPE = "AWS::ARCRegionSwitch::Plan"
# Members whose value is a map keyed by data (a region, a tag name), not by member names.
MAP_MEMBERS = frozenset({"tags", "regionAndRoutingControls", "dbInstanceArnMap"})


def _pascal(name: str) -> str:
    return name[:1].upper() + name[1:]


def _convert(value: Any, *, keys_are_data: bool = False) -> Any:
    if isinstance(value, dict):
        return {
            (key if keys_are_data else _pascal(key)): _convert(
                item, keys_are_data=not keys_are_data and key in MAP_MEMBERS
            )
            for key, item in value.items()
        }
    if isinstance(value, list):
        return [_convert(item) for item in value]
    return value


def plan_properties(request: dict[str, Any]) -> dict[str, Any]:
    """The resource's properties for a CreatePlan `request`."""
    converted: dict[str, Any] = _convert(request)
    return converted


def region_switch_plan_resource(
    scope: Construct, construct_id: str, *, request: dict[str, Any]
) -> cdk.CfnResource:
    """The plan as a template resource (CloudFormation creates it with the same content)."""
    return cdk.CfnResource(
        scope, construct_id, type=RESOURCE_TYPE, properties=plan_properties(request)
    )
