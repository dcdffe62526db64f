"""Small readers over template dicts shared by the infra tests."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from tests.conftest import Synthesized


def walk(node: Any) -> Iterator[Any]:
    """Every dict and list nested in `node`, depth first, `node` included."""
    yield node
    if isinstance(node, dict):
        for value in node.values():
            yield from walk(value)
    elif isinstance(node, list):
        for value in node:
            yield from walk(value)


def intrinsic(node: Any, name: str) -> list[Any]:
    """Arguments of every occurrence of intrinsic function `name` (e.g. "Fn::ImportValue")."""
    return [n[name] for n in walk(node) if isinstance(n, dict) and name in n]


def tags(resource: dict[str, Any]) -> dict[str, str]:
    """Tags of a resource, whatever the property is called for its type."""
    properties = resource.get("Properties", {})
    for key in ("Tags", "HostedZoneTags", "HealthCheckTags"):
        value = properties.get(key)
        if isinstance(value, list):
            return {t["Key"]: t["Value"] for t in value if isinstance(t.get("Value"), str)}
        if isinstance(value, dict):
            return dict(value)
    return {}


def statements(synth: Synthesized) -> list[tuple[str, str, dict[str, Any]]]:
    """(stack, logical id, statement) for every identity-based IAM policy statement."""
    found = []
    for stack, logical, res in [
        *synth.all_resources("AWS::IAM::Policy"),
        *synth.all_resources("AWS::IAM::ManagedPolicy"),
    ]:
        for statement in res["Properties"]["PolicyDocument"]["Statement"]:
            found.append((stack, logical, statement))
    for stack, logical, res in synth.all_resources("AWS::IAM::Role"):
        for policy in res["Properties"].get("Policies", []):
            for statement in policy["PolicyDocument"]["Statement"]:
                found.append((stack, logical, statement))
    return found


def as_list(value: Any) -> list[Any]:
    return value if isinstance(value, list) else [value]
