"""DR017: Global Accelerator endpoint groups check health every 10 s, not 30 s."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from tradedr.checks.rules.base import DrContext, ResourceRule, as_int

FAST_INTERVAL_SECONDS = 10
DEFAULT_INTERVAL_SECONDS = 30  # what the accelerator uses when the template sets none


class AcceleratorCheckInterval(ResourceRule):
    id = "DR017"
    title = "Accelerator health checks every 10 s"
    description = (
        "The accelerator moves traffic off a region only after ThresholdCount failed checks "
        "of HealthCheckIntervalSeconds each: at 30 s a single failed check already costs up "
        "to 30 s of the recovery, at 10 s a third of that."
    )
    source = (
        "https://docs.aws.amazon.com/global-accelerator/latest/dg/"
        "about-endpoint-groups-health-check-options.html"
    )
    types = frozenset({"AWS::GlobalAccelerator::EndpointGroup"})

    def problems(
        self, resource: dict[str, Any], props: dict[str, Any], context: DrContext
    ) -> Iterator[str]:
        interval = as_int(props.get("HealthCheckIntervalSeconds", DEFAULT_INTERVAL_SECONDS))
        if interval is not None and interval > FAST_INTERVAL_SECONDS:
            yield (
                f"health-check interval {interval} s: set {FAST_INTERVAL_SECONDS} s so "
                "detecting a lost region takes a third as long"
            )
