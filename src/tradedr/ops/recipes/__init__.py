"""Plans as recipes: one function per (kind, engine, mode), composed from ops/steps.py.

A recipe is handed a `PlanRequest` (who, where, when) and returns its groups and notes;
`build_plan` checks the request, picks the recipe from `RECIPES` and wraps the result in a
`Plan`. Adding a mode or an engine is a new entry here and a function in the file of its
kind (failover.py, failback.py, fence.py), not a new branch in an existing one.
"""

from __future__ import annotations

from typing import Any

from tradedr.config import MRSC, Settings
from tradedr.errors import ConfigError, PlanBugError
from tradedr.ops.plans import Plan, PlanKind, failed_region_violations
from tradedr.ops.recipes import failback, failover, fence
from tradedr.ops.recipes.base import Engine, PlanRequest, Recipe, RecipeKey, plan_time

RECIPES: dict[RecipeKey, Recipe] = {
    ("failover", "mysql", "planned"): failover.mysql_planned,
    ("failover", "mysql", "practice"): failover.mysql_practice,
    ("failover", "mysql", "unplanned"): failover.mysql_unplanned,
    ("failover", "aurora-mysql-global", "planned"): failover.aurora_planned,
    ("failover", "aurora-mysql-global", "practice"): failover.aurora_practice,
    ("failover", "aurora-mysql-global", "unplanned"): failover.aurora_unplanned,
    ("failover", "dynamodb-mrsc", "planned"): failover.mrsc_planned,
    ("failover", "dynamodb-mrsc", "practice"): failover.mrsc_practice,
    ("failover", "dynamodb-mrsc", "unplanned"): failover.mrsc_unplanned,
    ("failback", "mysql", "planned"): failback.mysql,
    ("failback", "aurora-mysql-global", "planned"): failback.aurora,
    ("failback", "dynamodb-mrsc", "planned"): failback.mrsc,
    ("fence", "mysql", "planned"): fence.mysql,
    ("fence", "aurora-mysql-global", "planned"): fence.aurora,
}


def build_plan(request: PlanRequest) -> Plan:
    """The plan for `request`, checked: an unplanned or practice plan may not need the
    failed region's control plane in its recovery steps."""
    engine: Engine = request.settings.database.engine
    recipe = RECIPES.get((request.kind, engine, request.mode))
    if recipe is None and engine == MRSC and request.kind == "fence":
        raise ConfigError(
            f"fence: {MRSC} has no single writer to fence (every region writes, and MRSC never "
            "acknowledges conflicting writes); take a region out of traffic with "
            "`tradedr failover --from REGION --to ANOTHER`"
        )
    if recipe is None:
        raise ConfigError(f"no {request.mode} {request.kind} plan exists for {engine}")
    request.check()
    groups, notes = recipe(request)
    plan = Plan(
        kind=request.kind,
        mode=request.mode,
        prefix=request.settings.prefix,
        source_region=request.source,
        target_region=request.target,
        rpo_seconds=request.settings.targets.rpo_seconds,
        rto_seconds=request.settings.targets.rto_seconds,
        traffic_mode=request.traffic_mode,
        created_at=request.created_at,
        notes=notes,
        groups=groups,
    )
    if request.kind == "failover" and request.mode in ("unplanned", "practice"):
        problems = failed_region_violations(plan, request.source)
        if problems:
            raise PlanBugError("plan bug: " + "; ".join(problems))
    return plan


def plan_for(
    settings: Settings,
    kind: PlanKind,
    *,
    source: str,
    target: str,
    created_at: str | None = None,
    **options: Any,
) -> Plan:
    """`build_plan` of a request made from keyword arguments (see `PlanRequest`)."""
    return build_plan(
        PlanRequest(
            settings=settings,
            kind=kind,
            source=source,
            target=target,
            created_at=created_at or plan_time(),
            **options,
        )
    )


__all__ = ["RECIPES", "PlanRequest", "build_plan", "plan_for", "plan_time"]
