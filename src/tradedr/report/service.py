"""The change-review report behind `tradedr review`: a thin facade over `report.plan`.

Named `build_report`, not `run_plan`, so it cannot be taken for `tradedr.ops.run.run_plan`,
which runs a failover, failback or fence plan.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from tradedr.config import Settings
    from tradedr.report.plan import PlanResult

Progress = Callable[[str], None]


def build_report(
    settings: Settings,
    out: Path,
    *,
    live: bool = False,
    fallback_region: str | None = None,
    progress: Progress | None = None,
    against: Path | None = None,
) -> PlanResult:
    """Synth once, run the checks, RTO/RPO, cost and the posture comparison, and write
    OUT/report.html, OUT/summary.md and OUT/report.json; with `against` (a previous
    report.json) the report also shows what changed since."""
    from tradedr.report import plan

    return plan.run_plan(
        settings,
        out,
        live=live,
        fallback_region=fallback_region,
        progress=progress,
        against=against,
    )
