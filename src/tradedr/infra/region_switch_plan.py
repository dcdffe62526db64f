"""The seam between the stack that holds the Region switch plan (infra) and the function
that builds it (ops: plans and the CreatePlan mapping live there, and infra cannot import
ops). No CDK import here, so the CLI can register the builder at start-up cheaply."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from tradedr.config import Settings


@dataclass(frozen=True)
class PlanInputs:
    """What the region-switch stack knows at synth time, as CloudFormation tokens: the roles
    it creates, and the ARNs it reads from the earlier stacks' outputs (parameters)."""

    execution_role: str
    approval_role: str
    custom_action_lambda: str
    asg_arns: dict[str, str] = field(default_factory=dict)
    db_instance_arns: dict[str, str] = field(default_factory=dict)
    db_cluster_arns: dict[str, str] = field(default_factory=dict)
    hosted_zone_id: str | None = None
    routing_controls: dict[str, str] = field(default_factory=dict)
    endpoint_groups: dict[str, str] = field(default_factory=dict)


# The plan itself is built above infra (ops holds plans and the CreatePlan mapping):
# `ops.region_switch.template_request`. It is passed to `build_app` as `plan_source`, or
# registered with `use_plan_source` for the callers below ops.
PlanSource = Callable[[Settings, PlanInputs], dict[str, Any]]


_registered: list[PlanSource] = []


def use_plan_source(source: PlanSource) -> None:
    """Name the function that builds the plan (the CLI registers ops' at start-up), for the
    synth callers below ops (check, cost) that cannot import it."""
    _registered[:] = [source]


def registered_plan_source() -> PlanSource | None:
    return _registered[0] if _registered else None
