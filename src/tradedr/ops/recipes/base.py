"""What every recipe is given, and the shape of a recipe."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from functools import cached_property
from typing import Any, Literal

from tradedr.config import Settings
from tradedr.errors import ConfigError
from tradedr.names import Names
from tradedr.ops.plans import PlanKind, PlanMode, StepGroup, TrafficMode, control_plane_region
from tradedr.ops.steps import run_stamp

Engine = Literal["mysql", "aurora-mysql-global", "dynamodb-mrsc"]
RecipeKey = tuple[PlanKind, Engine, PlanMode]


def plan_time() -> str:
    """Now, as plans record their creation (seconds, UTC)."""
    return datetime.now(UTC).isoformat(timespec="seconds")


@dataclass(frozen=True)
class PlanRequest:
    """A plan to build: from `source` to `target` (the same region for a fence)."""

    settings: Settings
    kind: PlanKind
    source: str
    target: str
    mode: PlanMode = "planned"
    allow_data_loss: bool = False
    approval: bool = True
    traffic_mode: TrafficMode = TrafficMode.HEALTH_CHECK
    traffic: dict[str, Any] | None = None
    created_at: str = field(default_factory=plan_time)

    @cached_property
    def names(self) -> Names:
        return Names(self.settings)

    @property
    def stamp(self) -> str:
        """Names the writers this plan retires, so a resumed run finds the same names."""
        return run_stamp(self.created_at)

    @property
    def cleanup(self) -> Literal["recovery", "cleanup"]:
        """The phase of steps that touch the old primary: cleanup only when practising."""
        return "cleanup" if self.mode == "practice" else "recovery"

    def check(self) -> None:
        """One-line errors for requests no plan can serve."""
        settings = self.settings
        if self.kind == "fence":
            if self.target not in settings.all_regions:
                raise ConfigError(
                    f"--region {self.target}: not a region of {settings.prefix} "
                    f"({', '.join(settings.all_regions)})"
                )
            return
        if self.kind == "failback":
            if self.source == self.target:
                raise ConfigError(
                    f"{self.target} is already the writer region; nothing to fail back"
                )
            return
        if self.target not in settings.all_regions:
            raise ConfigError(
                f"--to {self.target}: not a region of {settings.prefix} "
                f"({', '.join(settings.all_regions)})"
            )
        if self.target == self.source:
            raise ConfigError(f"--to {self.target}: that is the region failing over from")
        if not settings.posture.replicates_data:
            raise ConfigError(
                "posture backup-restore keeps no live replica to promote; restore from the vault "
                "copies instead (tradedr backup restore-test shows how long that takes)"
            )
        if (
            self.mode == "unplanned"
            and not settings.database.is_mrsc  # its traffic moves without any dial
            and self.traffic_mode is TrafficMode.TRAFFIC_DIAL
            and control_plane_region("globalaccelerator", self.source) == self.source
        ):
            raise ConfigError(
                f"the Global Accelerator (globalaccelerator) control plane is in {self.source}, "
                "the failed region, so no traffic dial can be turned: until it returns only the "
                "accelerator's health checks decide where clients go (see docs/fast-failover.md). "
                'With a primary in us-west-2, choose routing.traffic = "arc" instead'
            )


Recipe = Callable[[PlanRequest], tuple[list[StepGroup], list[str]]]
