"""Property values as the rules and reports read them: literal text where there is one, and
words (never a raw `{'Ref': ...}`) where there is not."""

from __future__ import annotations

import json
import re
from typing import Any

_REGION = re.compile(r"\b([a-z]{2}(?:-gov)?-[a-z]+-\d)\b")
_SUB_VARIABLE = re.compile(r"\$\{([^}!][^}]*)\}")


def text_of(value: Any) -> str:
    """A best-effort literal view of a value, intrinsics included (for ARNs and regions).

    `Ref X` and `GetAtt X.Y` read as `${X}` / `${X.Y}`, the way `Fn::Sub` writes them, so a
    name built with `!Sub`, `!Join` or a plain string compares the same.
    """
    if isinstance(value, str):
        return value
    if isinstance(value, dict) and len(value) == 1:
        ((name, arg),) = value.items()
        if name == "Fn::Sub":
            return text_of(arg[0] if isinstance(arg, list) and arg else arg)
        if name == "Fn::Join" and isinstance(arg, list) and len(arg) == 2:
            sep, parts = arg
            if isinstance(parts, list):
                return str(sep).join(text_of(p) for p in parts)
        if name == "Ref":
            return f"${{{arg}}}"
        if name == "Fn::GetAtt":
            return f"${{{'.'.join(str(a) for a in arg) if isinstance(arg, list) else arg}}}"
    return ""


def references(value: Any) -> set[str]:
    """Logical ids (and parameters) a value names through Ref, GetAtt or a Sub variable."""
    found: set[str] = set()
    stack = [value]
    while stack:
        item = stack.pop()
        if isinstance(item, dict):
            for key, arg in item.items():
                if key == "Ref" and isinstance(arg, str):
                    found.add(arg)
                elif key == "Fn::GetAtt":
                    head = arg[0] if isinstance(arg, list) and arg else str(arg).split(".")[0]
                    found.add(str(head))
                elif key == "Fn::Sub":
                    text = arg[0] if isinstance(arg, list) and arg else arg
                    if isinstance(text, str):
                        found |= {v.split(".")[0] for v in _SUB_VARIABLE.findall(text)}
                    stack.append(arg)
                else:
                    stack.append(arg)
        elif isinstance(item, list):
            stack.extend(item)
    return {f for f in found if not f.startswith("AWS::")}


def region_in(value: Any) -> str | None:
    match = _REGION.search(text_of(value))
    return match.group(1) if match else None


def describe(value: Any, *, what: str = "value") -> str:
    """A value for a message: a literal as is, an intrinsic in words.

    `{'Ref': 'PrimaryRegion'}` reads "the region in parameter PrimaryRegion" (with
    what="region"); a `!Sub` with a literal part reads as that text; anything else reads
    "a computed <what>".
    """
    if isinstance(value, bool):
        return str(value).lower()
    if isinstance(value, str | int | float):
        return str(value)
    if isinstance(value, dict) and len(value) == 1:
        ((name, arg),) = value.items()
        if name == "Ref" and isinstance(arg, str):
            if arg.startswith("AWS::"):
                return f"the stack's {arg.removeprefix('AWS::')}"
            return f"the {what} in parameter {arg}"
        if name == "Fn::GetAtt":
            target = ".".join(str(a) for a in arg) if isinstance(arg, list) else str(arg)
            return f"the {what} from {target}"
        if name in ("Fn::Sub", "Fn::Join"):
            text = text_of(value)
            if text:
                return text
        if name == "Fn::ImportValue":
            return f"the {what} imported as {text_of(arg) or 'a computed export'}"
    if isinstance(value, list | dict):
        text = json.dumps(value, separators=(",", ":"), sort_keys=True, default=str)
        if len(text) <= 60 and not any(k.startswith("Fn::") or k == "Ref" for k in _keys(value)):
            return text
    return f"a computed {what}"


def _keys(value: Any) -> set[str]:
    found: set[str] = set()
    stack = [value]
    while stack:
        item = stack.pop()
        if isinstance(item, dict):
            found |= {str(k) for k in item}
            stack.extend(item.values())
        elif isinstance(item, list):
            stack.extend(item)
    return found


_NO_SUBSTITUTE = ("AWS::SSM::Parameter::", "List<AWS::SSM")


def with_parameter_defaults(body: dict[str, Any], region: str) -> dict[str, Any]:
    """The template with each `Ref` to a parameter that has a Default replaced by that
    default (typed: a Number parameter's default as a number), and `Ref AWS::Region` by
    `region`: the value it deploys with unless someone overrides it. SSM-typed parameters
    are left alone (their default names a parameter, not a value), as cfn-lint leaves them.
    The models read numbers (storage, intervals) that foreign templates often take from
    parameters."""
    values: dict[str, Any] = {"AWS::Region": region}
    for name, spec in (body.get("Parameters") or {}).items():
        if not isinstance(spec, dict) or "Default" not in spec:
            continue
        kind = str(spec.get("Type", "String"))
        if kind.startswith(_NO_SUBSTITUTE):
            continue
        default = spec["Default"]
        if kind == "Number":
            try:
                default = float(default) if "." in str(default) else int(default)
            except (TypeError, ValueError):
                continue
        elif kind == "CommaDelimitedList" and isinstance(default, str):
            default = [part.strip() for part in default.split(",")]
        values[str(name)] = default

    def walk(value: Any) -> Any:
        if isinstance(value, dict):
            if len(value) == 1 and "Ref" in value and isinstance(value["Ref"], str):
                return values.get(value["Ref"], value)
            return {k: walk(v) for k, v in value.items()}
        if isinstance(value, list):
            return [walk(v) for v in value]
        return value

    resolved = dict(body)
    resolved["Resources"] = walk(body.get("Resources") or {})
    return resolved
