"""Required tags on every taggable resource, applied once at stack scope."""

from __future__ import annotations

import aws_cdk as cdk
from constructs import IConstruct

from tradedr.templates.markers import LOG_PURPOSES, PURPOSE_TAG


def apply_required_tags(scope: IConstruct, *, tags: dict[str, str], name: str) -> None:
    """Tag `scope` and everything below it; `name` becomes the Name tag."""
    for key, value in sorted(tags.items()):
        cdk.Tags.of(scope).add(key, value)
    cdk.Tags.of(scope).add("Name", name)


# Tag on buckets that hold logs rather than application objects (tradedr.templates.markers).
__all__ = ["LOG_PURPOSES", "PURPOSE_TAG", "apply_required_tags", "mark_purpose", "name_component"]


def mark_purpose(scope: IConstruct, purpose: str) -> None:
    cdk.Tags.of(scope).add(PURPOSE_TAG, purpose)


def name_component(scope: IConstruct, *, name: str) -> None:
    """Give a component's resources a more specific Name tag than the stack's."""
    cdk.Tags.of(scope).add("Name", name, priority=200)
