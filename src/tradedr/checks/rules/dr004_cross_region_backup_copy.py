"""DR004: every backup plan copies its recovery points into another region."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from typing import Any

from tradedr.checks.findings import Finding
from tradedr.checks.rules.base import (
    DrContext,
    DrRule,
    is_cluster_member,
    is_replica_db,
    properties,
    region_in,
)
from tradedr.checks.templates import TemplateDoc
from tradedr.templates.values import describe

_DATA_STORES = {
    "AWS::RDS::DBInstance",
    "AWS::RDS::DBCluster",
    "AWS::DynamoDB::Table",
    "AWS::DynamoDB::GlobalTable",
}


class CrossRegionBackupCopy(DrRule):
    id = "DR004"
    title = "Backups copied to another region"
    description = (
        "A backup in the failed region is no backup: each backup plan rule needs a copy "
        "action into a vault in another region, and primary data stores need a plan."
    )
    source = "https://docs.aws.amazon.com/aws-backup/latest/devguide/cross-region-backup.html"

    def check(self, docs: Sequence[TemplateDoc], context: DrContext) -> Iterator[Finding]:
        any_plan = False
        for doc in docs:
            for logical, resource in doc.resources.items():
                if resource.get("Type") != "AWS::Backup::BackupPlan":
                    continue
                any_plan = True
                plan = properties(resource).get("BackupPlan") or {}
                own = doc.region
                for rule in plan.get("BackupPlanRule") or []:
                    targets = [
                        region_in(c.get("DestinationBackupVaultArn"))
                        for c in rule.get("CopyActions") or []
                        if isinstance(c, dict)
                    ]
                    if not any(t and t != own for t in targets):
                        yield self.finding(
                            doc,
                            logical,
                            f"{_rule_name(rule)} has no copy action into a vault in another region",
                        )
        if any_plan:
            return
        for doc in docs:
            for logical, resource in doc.resources.items():
                props = properties(resource)
                if resource.get("Type") not in _DATA_STORES:
                    continue
                if not (is_replica_db(props) or is_cluster_member(resource)):
                    yield self.finding(
                        doc,
                        logical,
                        "data store is in no backup plan, so nothing is copied to another region",
                    )


def _rule_name(rule: Any) -> str:
    """`backup rule daily` / `replication rule r1`, or the rule's position when unnamed."""
    key = "Id" if "Destination" in (rule if isinstance(rule, dict) else {}) else "RuleName"
    kind = "replication rule" if key == "Id" else "backup rule"
    value = rule.get(key) if isinstance(rule, dict) else None
    return f"{kind} {describe(value, what='name')}" if value is not None else f"an unnamed {kind}"
