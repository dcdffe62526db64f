"""Fence a recovered former primary: the step an unplanned failover could not take.

After an unplanned failover the old primary's region is gone, so nothing stops its app tier
and its orders DB. When the region answers again, its deep health check can turn healthy and
Route 53 can send clients back to a stale writer. `tradedr fence` closes that window without
moving anything else: scale the region's app to 0 (its health check then fails) and retire
its stale writer (rename and stop, data kept for reconciliation). Failback comes later.

Fencing the wrong region would take down the live one, so before any step runs the fence
refuses a region that holds the authoritative writer (the rule: ops/authority.py).
"""

from __future__ import annotations

from tradedr.config import Settings
from tradedr.ops.authority import check_fence_allowed
from tradedr.ops.clients import ClientProvider
from tradedr.ops.executor import RunResult
from tradedr.ops.plans import Plan
from tradedr.ops.recipes import plan_for
from tradedr.ops.run import RunOptions, execute


def fence_plan(
    settings: Settings, *, region: str, approval: bool = True, created_at: str | None = None
) -> Plan:
    """Approve, then the stale-primary steps failback starts with (ops/recipes/fence.py)."""
    return plan_for(
        settings, "fence", source=region, target=region, created_at=created_at, approval=approval
    )


def fence(
    settings: Settings,
    provider: ClientProvider,
    options: RunOptions | None = None,
    *,
    region: str,
) -> RunResult:
    """Build, show and run the fence plan for `region` once another region holds the
    authoritative writer."""
    options = options or RunOptions()

    def build() -> Plan:
        plan = fence_plan(settings, region=region)
        check_fence_allowed(settings, provider, region, target=options.target)
        return plan

    return execute(build, settings, provider, options)
