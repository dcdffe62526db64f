"""DR011: S3 replication rules use Replication Time Control with metrics."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from tradedr.checks.rules.base import DrContext, ResourceRule
from tradedr.templates.values import describe


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
                yield f"{_rule_name(rule)} lacks RTC and its metrics"


def _rule_name(rule: Any) -> str:
    """`backup rule daily` / `replication rule r1`, or the rule's position when unnamed."""
    key = "Id" if "Destination" in (rule if isinstance(rule, dict) else {}) else "RuleName"
    kind = "replication rule" if key == "Id" else "backup rule"
    value = rule.get(key) if isinstance(rule, dict) else None
    return f"{kind} {describe(value, what='name')}" if value is not None else f"an unnamed {kind}"
