"""Resource types moto has no model for: kept, but referenced through placeholders;
what needs them is left out, and so are outputs and imports carrying only a placeholder."""

from __future__ import annotations

import re
from typing import Any

from tradedr.emulator.compat.model import (
    NOT_EMULATED,
    PLACEHOLDER_PREFIX,
    CompatNote,
    PreparedStack,
)
from tradedr.emulator.compat.registry import is_emulated
from tradedr.emulator.compat.template import (
    _contains,
    _drop_depends_on,
    _getatt,
    _ref,
    _resources,
    _rewrite,
)


def _direct_references(node: Any) -> set[str]:
    """Logical ids a property *is* (a whole Ref or GetAtt value), not ids merely mentioned
    inside a string being built (Fn::Join/Fn::Sub of a policy or dashboard body): a
    placeholder in the first breaks the resource, in the second it is only text."""
    if isinstance(node, dict):
        ref, getatt = _ref(node), _getatt(node)
        if ref:
            return {ref}
        if getatt:
            return {getatt[0]}
        if any(key.startswith("Fn::") for key in node):
            return set()
        return set().union(*(_direct_references(v) for v in node.values())) if node else set()
    if isinstance(node, list):
        return set().union(*(_direct_references(v) for v in node)) if node else set()
    return set()


def _references(node: Any) -> set[str]:
    """Logical ids a template fragment points at through Ref, GetAtt or Fn::Sub."""
    found: set[str] = set()
    if isinstance(node, dict):
        ref, getatt = _ref(node), _getatt(node)
        if ref:
            found.add(ref)
        if getatt:
            found.add(getatt[0])
        sub = node.get("Fn::Sub")
        text = sub if isinstance(sub, str) else sub[0] if isinstance(sub, list) and sub else None
        if isinstance(text, str):
            found |= {m.split(".", 1)[0] for m in _SUB_VARIABLE.findall(text)}
        for value in node.values():
            found |= _references(value)
    elif isinstance(node, list):
        for item in node:
            found |= _references(item)
    return found


_SUB_VARIABLE = re.compile(r"\$\{([A-Za-z0-9.]+)\}")


def _not_emulated(stack: PreparedStack) -> None:
    """moto skips types it has no model for, with only a warning, yet GetAtt on one fails
    the whole stack and a Ref to one resolves to nothing. Keep the resource (moto lists it
    with empty ids and creates nothing), point references at a visible placeholder, and
    drop outputs that would carry only that placeholder.

    A resource of an emulated type whose properties need a skipped one (an Aurora instance
    in a cluster moto cannot create) cannot be created either: moto would crash on the
    placeholder. Such dependents are removed from the template and reported the same way."""
    resources = _resources(stack.template)
    skipped = {
        lid: res["Type"] for lid, res in resources.items() if not is_emulated(res.get("Type", ""))
    }
    dependents: dict[str, str] = {}
    changed = bool(skipped)
    while changed:
        changed = False
        for lid, res in resources.items():
            if lid in skipped or lid in dependents:
                continue
            needs = _direct_references(res.get("Properties", {})) & (set(skipped) | set(dependents))
            if needs:
                dependents[lid] = sorted(needs)[0]
                changed = True
    gone = set(skipped) | set(dependents)

    def visit(node: dict[str, Any]) -> Any | None:
        ref = _ref(node)
        if ref in gone:
            return f"{PLACEHOLDER_PREFIX}{ref}"
        found = _getatt(node)
        if found and found[0] in gone:
            return f"{PLACEHOLDER_PREFIX}{found[0]}.{found[1]}"
        sub = node.get("Fn::Sub") if len(node) == 1 else None
        if isinstance(sub, str) and _references(node) & gone:
            return {"Fn::Sub": _SUB_VARIABLE.sub(lambda m: _sub_placeholder(m, gone), sub)}
        return None

    dependent_types = {lid: str(resources.pop(lid).get("Type", "?")) for lid in dependents}
    stack.template = _rewrite(stack.template, visit)
    _drop_depends_on(stack.template, gone)
    outputs = stack.template.get("Outputs", {})
    for key in [k for k, out in outputs.items() if _contains(out.get("Value"), PLACEHOLDER_PREFIX)]:
        export = outputs[key].get("Export", {}).get("Name")
        if isinstance(export, str):
            stack.dropped_exports.append(export)
        del outputs[key]
    for logical_id, resource_type in sorted(skipped.items()):
        stack.notes.append(
            CompatNote(
                stack.name,
                stack.region,
                logical_id,
                resource_type,
                NOT_EMULATED,
                "moto has no CloudFormation model for this type; it is listed but not created",
            )
        )
    for logical_id, needed in sorted(dependents.items()):
        stack.notes.append(
            CompatNote(
                stack.name,
                stack.region,
                logical_id,
                dependent_types[logical_id],
                NOT_EMULATED,
                f"needs {needed}, which the emulator cannot create; left out",
            )
        )


def _sub_placeholder(match: re.Match[str], gone: set[str]) -> str:
    name = match.group(1)
    return f"{PLACEHOLDER_PREFIX}{name}" if name.split(".", 1)[0] in gone else match.group(0)


def _dropped_imports(stack: PreparedStack, dropped: set[str]) -> None:
    """An output dropped above cannot be exported; its imports get the placeholder too."""

    def visit(node: dict[str, Any]) -> Any | None:
        name = node.get("Fn::ImportValue") if len(node) == 1 else None
        if isinstance(name, str) and name in dropped:
            return f"{PLACEHOLDER_PREFIX}import:{name}"
        return None

    if dropped:
        stack.template = _rewrite(stack.template, visit)
