"""DR011: S3 replication rules use Replication Time Control with metrics."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from tradedr.checks.rules.base import DrContext, ResourceRule


def _enabled(spec: Any) -> bool:
    return isinstance(spec, dict) and spec.get("Status") == "Enabled"


class ReplicationTimeControl(ResourceRule):
    id = "DR011"
    title = "S3 replication with Replication Time Control"
    description = (
        "Without RTC, S3 replication has no time bound, so the objects RPO is unknown; RTC "
        "replicates 99.99% of objects within 15 minutes and publishes the metrics the "
        "replication-latency alarm watches."
    )
    source = "https://docs.aws.amazon.com/AmazonS3/latest/userguide/replication-time-control.html"
    types = frozenset({"AWS::S3::Bucket"})

    def problems(
        self, resource: dict[str, Any], props: dict[str, Any], context: DrContext
    ) -> Iterator[str]:
        replication = props.get("ReplicationConfiguration")
        if not isinstance(replication, dict):
            return
        for rule in replication.get("Rules") or []:
            destination = (rule or {}).get("Destination") or {}
            if not _enabled(destination.get("ReplicationTime")) or not _enabled(
                destination.get("Metrics")
            ):
                yield f"replication rule {rule.get('Id', '?')} lacks RTC and its metrics"
