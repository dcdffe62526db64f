"""DR018: Global Accelerator endpoint groups give up on a region after at most 3 failed
checks."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from tradedr.checks.rules.base import DrContext, ResourceRule, as_int

MAX_THRESHOLD = 3
DEFAULT_THRESHOLD = 3  # the accelerator's default ThresholdCount
DEFAULT_INTERVAL_SECONDS = 30


class AcceleratorCheckThreshold(ResourceRule):
    id = "DR018"
    title = "Accelerator threshold of at most 3"
    description = (
        "Every failed check above three adds a whole interval before traffic leaves a lost "
        "region; with nothing else on the critical path (no DNS TTL, no promotion) the "
        "threshold is most of the recovery time."
    )
    source = (
        "https://docs.aws.amazon.com/global-accelerator/latest/dg/"
        "about-endpoint-groups-health-check-options.html"
    )
    types = frozenset({"AWS::GlobalAccelerator::EndpointGroup"})

    def problems(
        self, resource: dict[str, Any], props: dict[str, Any], context: DrContext
    ) -> Iterator[str]:
        threshold = as_int(props.get("ThresholdCount", DEFAULT_THRESHOLD))
        interval = as_int(props.get("HealthCheckIntervalSeconds", DEFAULT_INTERVAL_SECONDS))
        if threshold is not None and threshold > MAX_THRESHOLD:
            detection = f" ({threshold * interval} s to detect)" if interval else ""
            yield (
                f"health-check threshold {threshold}{detection}: at most {MAX_THRESHOLD} "
                "failed checks before traffic leaves a region"
            )
