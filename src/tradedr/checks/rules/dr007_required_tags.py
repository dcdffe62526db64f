"""DR007: every taggable resource carries the required tags."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from functools import cache
from typing import Any

from tradedr.checks.findings import Finding
from tradedr.checks.rules.base import DrContext, DrRule, properties
from tradedr.checks.templates import TemplateDoc


@cache
def taggable(resource_type: str) -> bool:
    """Whether the CloudFormation schema (as cfn-lint ships it) gives the type a Tags property."""
    from cfnlint.schema import PROVIDER_SCHEMA_MANAGER

    try:
        schema = PROVIDER_SCHEMA_MANAGER.get_resource_schema("us-east-1", resource_type)
    except Exception:  # unknown or custom type
        return False
    return "Tags" in (schema.schema.get("properties") or {})


def tag_keys(tags: Any) -> set[str]:
    if isinstance(tags, list):
        return {str(t.get("Key")) for t in tags if isinstance(t, dict)}
    if isinstance(tags, dict):
        return {str(k) for k in tags}
    return set()


class RequiredTags(DrRule):
    id = "DR007"
    title = "Required tags on every taggable resource"
    description = (
        "Name, Environment, Application, DisasterRecovery, CostCenter, ManagedBy, Owner and "
        "BackupPolicy drive backup selection, cost reports and who gets paged; a resource "
        "without them falls out of all three. The list is the tag policy: tradedr's own "
        "stacks must carry it (error); other templates are held to it as a warning unless "
        "the topology (assess.toml [tags]) says otherwise."
    )
    source = "https://docs.aws.amazon.com/whitepapers/latest/tagging-best-practices/tagging-best-practices.html"

    def check(self, docs: Sequence[TemplateDoc], context: DrContext) -> Iterator[Finding]:
        for doc in docs:
            for logical, resource in doc.resources.items():
                kind = str(resource.get("Type"))
                if not taggable(kind):
                    continue
                missing = [
                    k
                    for k in context.required_tags
                    if k not in tag_keys(properties(resource).get("Tags"))
                ]
                if missing:
                    yield self.finding(
                        doc,
                        logical,
                        f"missing tags: {', '.join(missing)}",
                        severity=context.tag_severity,
                    )
