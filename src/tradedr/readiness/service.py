"""The facade `tradedr readiness` calls: open the target, run the checks, give the report."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from tradedr.errors import ConfigError

if TYPE_CHECKING:
    from tradedr.config import Settings
    from tradedr.ops.clients import ClientProvider
    from tradedr.readiness.facts import ReadinessFacts
    from tradedr.readiness.model import ReadinessReport, Verdict


def check_names() -> list[str]:
    from tradedr.readiness.checks import CHECKS

    return [c.name for c in CHECKS]


def facts_for(
    settings: Settings,
    standby: str,
    *,
    actions: list[str] | None = None,
    role_arn: str | None = None,
) -> ReadinessFacts:
    """The facts the checks run on: the config's (as the scheduled function gets them),
    plus the plan's IAM actions and the failover role."""
    from tradedr.infra.readiness_facts import readiness_facts
    from tradedr.readiness.facts import ReadinessFacts

    if standby not in settings.standby_regions:
        raise ConfigError(
            f"--standby {standby!r} is not a standby region of the config "
            f"({', '.join(settings.standby_regions)})"
        )
    return ReadinessFacts.from_dict(
        {**readiness_facts(settings, standby), "standby_actions": actions, "role_arn": role_arn}
    )


def readiness_with(
    settings: Settings,
    provider: ClientProvider,
    *,
    standby: str | None = None,
    role_arn: str | None = None,
    emulated: bool = False,
    progress: Callable[[Verdict], None] | None = None,
) -> ReadinessReport:
    """Every check against the deployment `provider` reaches."""
    from tradedr.readiness.model import ReadinessContext
    from tradedr.readiness.plan_calls import standby_actions
    from tradedr.readiness.runner import run_checks

    region = standby or settings.standby_regions[0]
    facts_for(settings, region)  # a standby outside the config fails before any call
    actions = None if emulated else standby_actions(settings, provider, region)
    facts = facts_for(settings, region, actions=actions, role_arn=role_arn)
    return run_checks(ReadinessContext(facts, provider), emulated=emulated, progress=progress)


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
