"""DR003: automated backups and backup-plan recovery points are kept at least 7 days."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from tradedr.checks.rules.base import (
    DrContext,
    ResourceRule,
    as_int,
    is_cluster_member,
    is_replica_db,
)
from tradedr.templates.values import describe

MIN_DAYS = 7


class BackupRetention(ResourceRule):
    id = "DR003"
    title = f"Backups kept at least {MIN_DAYS} days"
    description = (
        "A week of restore points covers a corruption noticed after a weekend; fewer days "
        "(or RDS's default of 1) can leave no clean point to restore."
    )
    source = "https://docs.aws.amazon.com/AmazonRDS/latest/UserGuide/USER_WorkingWithAutomatedBackups.html"
    types = frozenset({"AWS::RDS::DBInstance", "AWS::RDS::DBCluster", "AWS::Backup::BackupPlan"})

    def problems(
        self, resource: dict[str, Any], props: dict[str, Any], context: DrContext
    ) -> Iterator[str]:
        if resource["Type"] == "AWS::Backup::BackupPlan":
            plan = props.get("BackupPlan") or {}
            for rule in plan.get("BackupPlanRule") or []:
                days = as_int((rule.get("Lifecycle") or {}).get("DeleteAfterDays"))
                if days is not None and days < MIN_DAYS:
                    yield f"{_rule_name(rule)} keeps points {days} days"
            return
        if is_replica_db(props) or is_cluster_member(resource):
            return
        days = as_int(props.get("BackupRetentionPeriod", 1))
        if days is None:
            return
        if days < MIN_DAYS:
            yield f"BackupRetentionPeriod is {days} days; at least {MIN_DAYS} are required"


def _rule_name(rule: Any) -> str:
    """`backup rule daily` / `replication rule r1`, or the rule's position when unnamed."""
    key = "Id" if "Destination" in (rule if isinstance(rule, dict) else {}) else "RuleName"
    kind = "replication rule" if key == "Id" else "backup rule"
    value = rule.get(key) if isinstance(rule, dict) else None
    return f"{kind} {describe(value, what='name')}" if value is not None else f"an unnamed {kind}"
