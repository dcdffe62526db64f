"""Template fragments and the exact-findings check shared by the DR rule tables.

Each rule's test module holds `CASES`: template fragments and the exact findings the rule
reports for them, as (rule, resource, message) in report order, an empty list for a good
fragment. Like cfn-lint's snapshot tests, a changed message or an extra finding fails.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from tradedr.checks.rules import ALL_RULES, DrContext
from tradedr.checks.templates import TemplateDoc
from tradedr.config import REQUIRED_TAG_KEYS, Posture

RULES = {rule.id: rule for rule in ALL_RULES}
TAGS = [{"Key": k, "Value": "x"} for k in REQUIRED_TAG_KEYS]
CONTEXT = DrContext(
    posture=Posture.WARM_STANDBY,
    primary_region="us-east-1",
    standby_regions=("us-west-2",),
    rto_seconds=300,
)
RETAIN = {"DeletionPolicy": "Retain", "UpdateReplacePolicy": "Retain"}

# (rule id, logical id of the resource, parameter or output, message)
Expected = tuple[str, str, str]


def doc(
    resources: dict[str, Any], region: str = "us-east-1", *, stack: str = "", **extra: Any
) -> TemplateDoc:
    """A template of stack `stack` (default `stack-<region>`); `extra` adds Parameters,
    Outputs, ..."""
    body = {"Resources": resources, **extra}
    return TemplateDoc(stack or f"stack-{region}", region, Path("t.json"), "{}", body)


def res(type_: str, props: dict[str, Any] | None = None, /, **attrs: Any) -> dict[str, Any]:
    return {"Type": type_, "Properties": props or {}, **attrs}


@dataclass(frozen=True)
class Case:
    name: str
    docs: list[TemplateDoc]
    findings: list[Expected]
    context: DrContext = CONTEXT


def params(cases: list[Case]) -> list[Any]:
    return [pytest.param(case, id=case.name) for case in cases]


def findings_of(rule_id: str, case: Case) -> list[Expected]:
    """The rule's findings on the case, after checking what the table does not spell out:
    the source, the rule's severity, and a stack that holds the named resource."""
    rule = RULES[rule_id]
    found = list(rule.check(case.docs, case.context))
    stacks = {d.stack: d for d in case.docs}
    for finding in found:
        assert (finding.source, finding.severity) == ("tradedr", rule.severity), finding
        body = stacks[finding.stack].body
        assert any(finding.resource in (body.get(part) or {}) for part in _PARTS), finding
    return [(f.rule, f.resource, f.message) for f in found]


_PARTS = ("Resources", "Parameters", "Outputs")
