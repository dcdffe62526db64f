"""DR010: the primary (writer) database is Multi-AZ."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from tradedr.checks.rules.base import DrContext, ResourceRule, is_replica_db, is_true


class MultiAzPrimary(ResourceRule):
    id = "DR010"
    title = "Multi-AZ primary database"
    description = (
        "An AZ loss should cost a 60-120 s Multi-AZ failover, not a regional failover with "
        "its replication lag and DNS change. Read replicas follow the posture and are exempt."
    )
    source = "https://docs.aws.amazon.com/AmazonRDS/latest/UserGuide/Concepts.MultiAZ.html"
    types = frozenset({"AWS::RDS::DBInstance"})

    def problems(
        self, resource: dict[str, Any], props: dict[str, Any], context: DrContext
    ) -> Iterator[str]:
        if is_replica_db(props) or "DBClusterIdentifier" in props:
            return
        if not is_true(props.get("MultiAZ")):
            yield "primary DB instance is single-AZ"
