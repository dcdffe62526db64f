"""DR015: an automatic failover detector is single-instance, bounded in data loss, and
needs more than one failed probe round."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from tradedr.checks.rules.base import DrContext, ResourceRule, as_int
from tradedr.templates.markers import DETECTOR_ROLE, ROLE_VARIABLE

MIN_PROBE_FAILURES = 2


class FailoverDetectorGuards(ResourceRule):
    id = "DR015"
    title = "Automatic failover detector guards"
    description = (
        "A function that fails the database over on its own must never run twice at once "
        "(reserved concurrency 1), must know how much data loss was accepted "
        "(MAX_DATA_LOSS_SECONDS), and must not promote on a single failed probe "
        "(PROBE_FAILURES >= 2): one lost packet would otherwise split the writer."
    )
    source = (
        "https://docs.aws.amazon.com/AmazonRDS/latest/AuroraUserGuide/"
        "aurora-global-database-disaster-recovery.html"
    )
    types = frozenset({"AWS::Lambda::Function"})

    def problems(
        self, resource: dict[str, Any], props: dict[str, Any], context: DrContext
    ) -> Iterator[str]:
        variables = (props.get("Environment") or {}).get("Variables") or {}
        if not isinstance(variables, dict) or variables.get(ROLE_VARIABLE) != DETECTOR_ROLE:
            return
        if as_int(props.get("ReservedConcurrentExecutions")) != 1:
            yield "failover detector without reserved concurrency 1: two could fail over at once"
        if as_int(variables.get("MAX_DATA_LOSS_SECONDS")) is None:
            yield "failover detector without MAX_DATA_LOSS_SECONDS: no bound on the data lost"
        failures = as_int(variables.get("PROBE_FAILURES"))
        if failures is None or failures < MIN_PROBE_FAILURES:
            yield (
                f"failover detector with PROBE_FAILURES {variables.get('PROBE_FAILURES')!r}: "
                f"needs at least {MIN_PROBE_FAILURES} consecutive failed rounds"
            )
