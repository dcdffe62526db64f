"""DR001 covers Secrets Manager secrets: a database's master secret is state as well."""

from __future__ import annotations

from pathlib import Path

from tradedr.checks.findings import Finding
from tradedr.checks.rules import ALL_RULES, DrContext
from tradedr.checks.templates import TemplateDoc

DR001 = next(rule for rule in ALL_RULES if rule.id == "DR001")


def _doc(resource: dict[str, object]) -> TemplateDoc:
    body = {"Resources": {"MasterSecret": resource}}
    return TemplateDoc("stack-us-east-1", "us-east-1", Path("t.json"), "{}", body)


def test_a_secret_deleted_with_its_stack_is_an_exact_finding() -> None:
    secret = {
        "Type": "AWS::SecretsManager::Secret",
        "Properties": {},
        "DeletionPolicy": "Delete",
        "UpdateReplacePolicy": "Retain",
    }
    assert list(DR001.check([_doc(secret)], DrContext())) == [
        Finding(
            "tradedr",
            "DR001",
            "error",
            "stack-us-east-1",
            "MasterSecret",
            "AWS::SecretsManager::Secret has DeletionPolicy Delete; use Retain or Snapshot "
            "so its data outlives the stack",
        )
    ]


def test_a_secret_without_policies_is_flagged_twice() -> None:
    secret = {"Type": "AWS::SecretsManager::Secret", "Properties": {}}
    messages = [f.message for f in DR001.check([_doc(secret)], DrContext())]
    assert [m.split(";")[0] for m in messages] == [
        "AWS::SecretsManager::Secret has DeletionPolicy Delete",
        "AWS::SecretsManager::Secret has UpdateReplacePolicy Delete",
    ]


def test_a_retained_secret_passes() -> None:
    secret = {
        "Type": "AWS::SecretsManager::Secret",
        "Properties": {},
        "DeletionPolicy": "Retain",
        "UpdateReplacePolicy": "Retain",
    }
    assert list(DR001.check([_doc(secret)], DrContext())) == []
