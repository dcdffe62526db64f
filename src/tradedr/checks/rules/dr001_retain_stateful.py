"""DR001: stateful resources are retained (or snapshotted) on delete and on replacement."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from tradedr.checks.rules.base import (
    STATEFUL_TYPES,
    DrContext,
    ResourceRule,
    is_cluster_member,
)

_KEEP = {"Retain", "RetainExceptOnCreate", "Snapshot"}
# A database's master secret is state too: a snapshot restored after a stack delete is
# only usable with the password it was taken with.
_SECRET_TYPES = frozenset({"AWS::SecretsManager::Secret"})


class RetainStatefulResources(ResourceRule):
    id = "DR001"
    title = "Stateful resources survive stack deletion and replacement"
    description = (
        "Databases, tables, buckets, keys, secrets, vaults and log groups need "
        "DeletionPolicy and UpdateReplacePolicy of Retain or Snapshot: a stack delete or a "
        "replacing update must never be what destroys the data a recovery depends on."
    )
    source = "https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/aws-attribute-deletionpolicy.html"
    types = STATEFUL_TYPES | _SECRET_TYPES

    def problems(
        self, resource: dict[str, Any], props: dict[str, Any], context: DrContext
    ) -> Iterator[str]:
        if is_cluster_member(resource):
            return  # the cluster volume holds the data and carries the policy
        for attribute in ("DeletionPolicy", "UpdateReplacePolicy"):
            value = resource.get(attribute, "Delete")
            if value not in _KEEP:
                yield (
                    f"{resource['Type']} has {attribute} {value}; use Retain or Snapshot so "
                    "its data outlives the stack"
                )
