"""What a deploy would change, read from CloudFormation change sets before anything runs.

`tradedr deploy --diff` prints each stack's change set (adds, modifies, removes, and the
replacements in bold) and exits. A normal deploy reviews each change set before executing
it: replacing a stateful resource (a database, table, bucket, key, vault or secret) is
refused unless that resource is named with `--allow-replace LOGICAL_ID`, and a replace or
remove in a data stack, or any change on AWS, needs confirmation (a person, or `--yes`).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Literal

from tradedr.errors import TradedrError

Action = Literal["Add", "Modify", "Remove", "Import", "Dynamic"]

# Resources whose replacement would lose or re-key data: never replaced unless named.
STATEFUL_TYPES: frozenset[str] = frozenset(
    {
        "AWS::RDS::DBInstance",
        "AWS::RDS::DBCluster",
        "AWS::RDS::GlobalCluster",
        "AWS::DynamoDB::Table",
        "AWS::DynamoDB::GlobalTable",
        "AWS::S3::Bucket",
        "AWS::KMS::Key",
        "AWS::Backup::BackupVault",
        "AWS::SecretsManager::Secret",
    }
)


class ReplaceRefusedError(TradedrError):
    """A change set would replace a stateful resource that --allow-replace does not name."""

    exit_code = 1


class DeployDeclinedError(TradedrError):
    """A change set needed confirmation and did not get it."""

    exit_code = 1


@dataclass(frozen=True)
class ResourceChange:
    action: str
    logical_id: str
    resource_type: str
    replacement: str = ""  # "True", "False", "Conditional" (Modify only)

    @property
    def replaces(self) -> bool:
        return self.action == "Modify" and self.replacement in ("True", "Conditional")

    @property
    def stateful(self) -> bool:
        return self.resource_type in STATEFUL_TYPES

    def to_dict(self) -> dict[str, Any]:
        return {
            "action": self.action,
            "logical_id": self.logical_id,
            "type": self.resource_type,
            "replacement": self.replacement or None,
            "replaces": self.replaces,
        }


@dataclass
class StackChanges:
    """One stack's change set (or, for a stack not deployed yet, every resource added)."""

    name: str
    region: str
    kind: str
    status: str  # new | changes | unchanged
    changes: list[ResourceChange] = field(default_factory=list)

    def of(self, action: str) -> list[ResourceChange]:
        return [c for c in self.changes if c.action == action]

    @property
    def replacements(self) -> list[ResourceChange]:
        return [c for c in self.changes if c.replaces]

    def unallowed_replacements(self, allowed: frozenset[str]) -> list[ResourceChange]:
        return [c for c in self.replacements if c.stateful and c.logical_id not in allowed]

    def needs_confirmation(self, target: str) -> bool:
        """Any change on AWS; a replace or remove in a data stack anywhere."""
        if not self.changes:
            return False
        if target == "aws":
            return True
        return self.kind == "data" and bool(self.replacements or self.of("Remove"))

    def summary(self) -> str:
        counts = (
            f"{len(self.of('Add'))} add, {len(self.of('Modify'))} modify "
            f"({len(self.replacements)} replace), {len(self.of('Remove'))} remove"
        )
        return f"{self.name} ({self.region}): {counts}"

    def to_dict(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "region": self.region,
            "kind": self.kind,
            "status": self.status,
            "adds": len(self.of("Add")),
            "modifies": len(self.of("Modify")),
            "replacements": len(self.replacements),
            "removes": len(self.of("Remove")),
            "changes": [c.to_dict() for c in self.changes],
        }


def from_change_set(
    name: str, region: str, kind: str, described: list[dict[str, Any]]
) -> StackChanges:
    """A change set's pages (DescribeChangeSet, every NextToken) as StackChanges."""
    changes = []
    for page in described:
        for change in page.get("Changes", []):
            resource = change.get("ResourceChange") or {}
            changes.append(
                ResourceChange(
                    action=str(resource.get("Action", "?")),
                    logical_id=str(resource.get("LogicalResourceId", "?")),
                    resource_type=str(resource.get("ResourceType", "?")),
                    replacement=str(resource.get("Replacement") or ""),
                )
            )
    return StackChanges(name, region, kind, "changes" if changes else "unchanged", changes)


def from_new_template(name: str, region: str, kind: str, template: dict[str, Any]) -> StackChanges:
    """A stack not deployed yet: every resource of its template is an add."""
    changes = [
        ResourceChange("Add", logical_id, str(resource.get("Type", "?")))
        for logical_id, resource in template.get("Resources", {}).items()
    ]
    return StackChanges(name, region, kind, "new", changes)


def refuse_replacements(changes: StackChanges, allowed: frozenset[str]) -> None:
    refused = changes.unallowed_replacements(allowed)
    if refused:
        named = ", ".join(f"{c.logical_id} ({c.resource_type})" for c in refused)
        flags = " ".join(f"--allow-replace {c.logical_id}" for c in refused)
        raise ReplaceRefusedError(
            f"{changes.name}: the change set replaces {named}, which holds data; nothing "
            f"was executed in this stack. If the replacement is intended (its data is kept "
            f"by its snapshot/retain policy), re-run with {flags}"
        )
