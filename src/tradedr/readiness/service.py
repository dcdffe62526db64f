"""The facade `tradedr readiness` calls: open the target, run the checks, give the report."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from tradedr.errors import ConfigError

if TYPE_CHECKING:
    from tradedr.config import Settings
    from tradedr.ops.clients import ClientProvider
    from tradedr.readiness.model import ReadinessReport, Verdict


def check_names() -> list[str]:
    from tradedr.readiness.checks import CHECKS

    return [c.name for c in CHECKS]


def readiness_with(
    settings: Settings,
    provider: ClientProvider,
    *,
    standby: str | None = None,
    role_arn: str | None = None,
    emulated: bool = False,
    progress: Callable[[Verdict], None] | None = None,
) -> ReadinessReport:
    """Every check against the deployment `provider` reaches (the scheduled Lambda and the
    tests call this directly)."""
    from tradedr.readiness.model import ReadinessContext
    from tradedr.readiness.runner import run_checks

    region = standby or settings.standby_regions[0]
    if region not in settings.standby_regions:
        raise ConfigError(
            f"--standby {region!r} is not a standby region of the config "
            f"({', '.join(settings.standby_regions)})"
        )
    ctx = ReadinessContext(settings, provider, region, role_arn=role_arn)
    return run_checks(ctx, emulated=emulated, progress=progress)


def readiness(
    settings: Settings,
    *,
    target: str,
    profile: str | None,
    standby: str | None = None,
    role_arn: str | None = None,
    progress: Callable[[Verdict], None] | None = None,
) -> ReadinessReport:
    """Open `--target` (the emulator, or the account behind `--profile`) and run the checks."""
    from tradedr.ops.target import open_target

    with open_target(target, profile) as opened:
        return readiness_with(
            settings,
            opened.provider,
            standby=standby,
            role_arn=role_arn,
            emulated=opened.is_emulator,
            progress=progress,
        )
