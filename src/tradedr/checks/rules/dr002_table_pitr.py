"""DR002: DynamoDB tables (and every global-table replica) have point-in-time recovery."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from tradedr.checks.rules.base import DrContext, ResourceRule, is_true
from tradedr.templates.values import describe


def _pitr(spec: Any) -> bool:
    return isinstance(spec, dict) and is_true(spec.get("PointInTimeRecoveryEnabled"))


class TablePointInTimeRecovery(ResourceRule):
    id = "DR002"
    title = "Point-in-time recovery on every table"
    description = (
        "PITR restores a table to any second of the last 35 days: the only recovery from a "
        "bad write, which replication copies to every replica within a second."
    )
    source = "https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/Point-in-time-recovery.html"
    types = frozenset({"AWS::DynamoDB::Table", "AWS::DynamoDB::GlobalTable"})

    def problems(
        self, resource: dict[str, Any], props: dict[str, Any], context: DrContext
    ) -> Iterator[str]:
        if resource["Type"] == "AWS::DynamoDB::Table":
            if not _pitr(props.get("PointInTimeRecoverySpecification")):
                yield "table has no point-in-time recovery"
            return
        for replica in props.get("Replicas") or []:
            if isinstance(replica, dict) and not _pitr(
                replica.get("PointInTimeRecoverySpecification")
            ):
                yield f"replica in {_region(replica)} has no point-in-time recovery"


def _region(replica: Any) -> str:
    """The replica's region in words (a parameter's name, never a raw intrinsic)."""
    value = replica.get("Region") if isinstance(replica, dict) else None
    return describe(value, what="region") if value is not None else "an unnamed region"
