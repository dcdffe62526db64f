"""Fence a recovered former primary: the step an unplanned failover could not take.

After an unplanned failover the old primary's region is gone, so nothing stops its app tier
and its orders DB. When the region answers again, its deep health check can turn healthy and
Route 53 can send clients back to a stale writer. `tradedr fence` closes that window without
moving anything else: scale the region's app to 0 (its health check then fails) and retire
its stale writer (rename and stop, data kept for reconciliation). Failback comes later.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from tradedr.config import Settings
from tradedr.errors import ConfigError, TradedrError
from tradedr.ops.actions.base import Target
from tradedr.ops.clients import ClientProvider
from tradedr.ops.executor import DEFAULT_RUNS_DIR, RetryPolicy, RunResult
from tradedr.ops.failback import stale_primary_steps
from tradedr.ops.failover import db_writers, run_plan, run_stamp
from tradedr.ops.plans import ActionKind, Plan, Step, StepGroup


def build_fence_plan(settings: Settings, *, region: str, approval: bool = True) -> Plan:
    """Approve, then the same stale-primary steps failback starts with (app to 0, stale
    writer retired; RDS MySQL only for the latter)."""
    if region not in settings.all_regions:
        raise ConfigError(
            f"--region {region}: not a region of {settings.prefix} "
            f"({', '.join(settings.all_regions)})"
        )
    created_at = datetime.now(UTC).isoformat(timespec="seconds")
    steps = stale_primary_steps(settings, region, run_stamp(created_at))
    if settings.database.is_aurora_global:
        # The recovered cluster rejoins the global database as a secondary and takes no
        # writes, so only the app needs stopping.
        steps = [s for s in steps if s.action is not ActionKind.RETIRE_DB]
    groups: list[StepGroup] = []
    if approval:
        groups.append(
            StepGroup(
                name="approval",
                steps=[
                    Step(
                        id="approve",
                        action=ActionKind.MANUAL_APPROVAL,
                        region=region,
                        title=f"Approve fencing {region}: its app stops serving",
                        params={"prompt": f"Fence {settings.prefix} in {region}?"},
                    )
                ],
            )
        )
    groups.append(StepGroup(name="fence the stale primary", steps=steps))
    return Plan(
        kind="fence",
        mode="planned",
        prefix=settings.prefix,
        source_region=region,
        target_region=region,
        rpo_seconds=settings.targets.rpo_seconds,
        rto_seconds=settings.targets.rto_seconds,
        created_at=created_at,
        notes=[f"fences {region} only; clients stay where they are"],
        groups=groups,
    )


def check_another_writer(settings: Settings, provider: ClientProvider, region: str) -> None:
    """Refuse to fence the only writer: that would be an outage, not a fence."""
    if settings.database.is_aurora_global:
        return
    others = sorted({r for r, _ in db_writers(provider, settings) if r != region})
    if not others:
        raise TradedrError(
            f"{region} holds the only orders-DB writer; fencing it would stop the service. "
            f"Fail over first (tradedr failover --to REGION)"
        )


def fence(
    settings: Settings,
    provider: ClientProvider,
    *,
    region: str,
    target: Target = "local",
    dry_run: bool = False,
    approver: Callable[[str], bool] | None = None,
    runs_dir: Path = DEFAULT_RUNS_DIR,
    retry: RetryPolicy | None = None,
    progress: Any = None,
    on_plan: Callable[[Plan], None] | None = None,
) -> RunResult:
    """Build, show and run the fence plan for `region` once another region is the writer."""
    plan = build_fence_plan(settings, region=region)
    check_another_writer(settings, provider, region)
    if on_plan:
        on_plan(plan)
    return run_plan(
        plan,
        settings,
        provider,
        target=target,
        dry_run=dry_run,
        approver=approver,
        runs_dir=runs_dir,
        retry=retry,
        progress=progress,
    )
