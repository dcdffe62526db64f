"""Template walking shared by the transforms: rewrite, search, Ref/GetAtt, DependsOn."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any


def _rewrite(node: Any, visit: Callable[[dict[str, Any]], Any | None]) -> Any:
    """Depth-first rewrite: `visit` returns a replacement for a dict node, or None."""
    if isinstance(node, dict):
        replacement = visit(node)
        if replacement is not None:
            return replacement
        return {key: _rewrite(value, visit) for key, value in node.items()}
    if isinstance(node, list):
        return [_rewrite(item, visit) for item in node]
    return node


def _contains(node: Any, needle: str) -> bool:
    if isinstance(node, str):
        return needle in node
    if isinstance(node, dict):
        return any(_contains(v, needle) for v in node.values())
    if isinstance(node, list):
        return any(_contains(v, needle) for v in node)
    return False


def _getatt(node: dict[str, Any]) -> tuple[str, str] | None:
    value = node.get("Fn::GetAtt") if len(node) == 1 else None
    if isinstance(value, list) and len(value) == 2:
        return str(value[0]), str(value[1])
    if isinstance(value, str) and "." in value:
        logical, attr = value.split(".", 1)
        return logical, attr
    return None


def _ref(node: dict[str, Any]) -> str | None:
    value = node.get("Ref") if len(node) == 1 else None
    return value if isinstance(value, str) else None


def _resources(template: dict[str, Any]) -> dict[str, dict[str, Any]]:
    resources: dict[str, dict[str, Any]] = template.setdefault("Resources", {})
    return resources


def _drop_depends_on(template: dict[str, Any], gone: set[str]) -> None:
    for resource in _resources(template).values():
        depends = resource.get("DependsOn")
        if isinstance(depends, str) and depends in gone:
            del resource["DependsOn"]
        elif isinstance(depends, list):
            kept = [d for d in depends if d not in gone]
            if kept:
                resource["DependsOn"] = kept
            else:
                del resource["DependsOn"]
