"""DR020: the orders MRSC table keeps point-in-time recovery on every replica and is
retained on delete and replace."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from tradedr.checks.rules.base import DrContext, ResourceRule, is_true
from tradedr.checks.rules.dr016_mrsc_region_set import is_mrsc

RETAIN = "Retain"


class OrdersTableProtection(ResourceRule):
    id = "DR020"
    title = "The orders MRSC table has PITR and is retained"
    description = (
        "With MRSC the orders table is the only copy of every order, in three Regions at "
        "once: replication copies a bad write everywhere, so PITR on each replica is the "
        "only way back, and a stack delete or replace must never take the table with it."
    )
    source = "https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/Point-in-time-recovery.html"
    types = frozenset({"AWS::DynamoDB::GlobalTable"})

    def problems(
        self, resource: dict[str, Any], props: dict[str, Any], context: DrContext
    ) -> Iterator[str]:
        if not is_mrsc(props):
            return
        for replica in props.get("Replicas") or []:
            spec = (replica or {}).get("PointInTimeRecoverySpecification")
            if not (isinstance(spec, dict) and is_true(spec.get("PointInTimeRecoveryEnabled"))):
                yield (
                    f"orders replica in {(replica or {}).get('Region', '?')} without "
                    "point-in-time recovery"
                )
        for policy in ("DeletionPolicy", "UpdateReplacePolicy"):
            if resource.get(policy) != RETAIN:
                yield f"orders table {policy} is {resource.get(policy, 'Delete')!r}, not Retain"
