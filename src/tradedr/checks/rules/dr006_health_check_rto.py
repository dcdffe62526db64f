"""DR006: Route 53 health checks detect a failure fast enough for the RTO target."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from tradedr.checks.rules.base import DrContext, ResourceRule, as_int

# Alias records to an ELB have a fixed 60 s TTL: resolvers may keep the old answer that long.
DNS_TTL_SECONDS = 60


class HealthCheckWithinRto(ResourceRule):
    id = "DR006"
    title = "Health checks fit the RTO target"
    description = (
        "Detection takes RequestInterval x FailureThreshold seconds, and clients follow the "
        "new DNS answer up to 60 s later; together they must leave the RTO target room. "
        "Without a known RTO, only the ranges Route 53 accepts are checked."
    )
    source = "https://docs.aws.amazon.com/Route53/latest/DeveloperGuide/dns-failover-determining-health-of-endpoints.html"
    types = frozenset({"AWS::Route53::HealthCheck"})

    def problems(
        self, resource: dict[str, Any], props: dict[str, Any], context: DrContext
    ) -> Iterator[str]:
        config = props.get("HealthCheckConfig") or {}
        if config.get("Type") in ("CALCULATED", "CLOUDWATCH_METRIC", "RECOVERY_CONTROL"):
            return
        interval = as_int(config.get("RequestInterval", 30))
        threshold = as_int(config.get("FailureThreshold", 3))
        if interval is None or threshold is None:
            return
        if interval not in (10, 30):
            yield f"RequestInterval {interval} s; Route 53 accepts 10 or 30"
        if not 1 <= threshold <= 10:
            yield f"FailureThreshold {threshold}; Route 53 accepts 1-10"
        if context.rto_seconds is None:
            return
        worst = interval * threshold + DNS_TTL_SECONDS
        if worst > context.rto_seconds:
            yield (
                f"detection {interval} s x {threshold} + {DNS_TTL_SECONDS} s DNS = {worst} s "
                f"exceeds the RTO target of {context.rto_seconds} s"
            )
