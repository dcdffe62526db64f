"""Required tags on every taggable resource, applied once at stack scope."""

from __future__ import annotations

import aws_cdk as cdk
from constructs import IConstruct


def apply_required_tags(scope: IConstruct, *, tags: dict[str, str], name: str) -> None:
    """Tag `scope` and everything below it; `name` becomes the Name tag."""
    for key, value in sorted(tags.items()):
        cdk.Tags.of(scope).add(key, value)
    cdk.Tags.of(scope).add("Name", name)


# Tag on buckets that hold logs rather than application objects; the analyses (RPO, cost,
# diagram) and the DR rules read it to leave log sinks out of the objects store.
PURPOSE_TAG = "Purpose"
LOG_PURPOSES = ("access-logs", "audit-logs")


def mark_purpose(scope: IConstruct, purpose: str) -> None:
    cdk.Tags.of(scope).add(PURPOSE_TAG, purpose)


def name_component(scope: IConstruct, *, name: str) -> None:
    """Give a component's resources a more specific Name tag than the stack's."""
    cdk.Tags.of(scope).add("Name", name, priority=200)
