"""Acknowledged findings: declared in code, with reasons, few, and all still needed."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from tradedr.checks.runner import list_acknowledged
from tradedr.cli import app
from tradedr.config import Settings
from tradedr.infra.components.compliance import acknowledge


@pytest.fixture(scope="module")
def declared(tmp_path_factory: pytest.TempPathFactory) -> list[Any]:
    return list_acknowledged(Settings(), tmp_path_factory.mktemp("acks"))


def test_fewer_than_25_acknowledged_rules_each_with_a_reason(declared: list[Any]) -> None:
    rules = {a.rule.split("[", 1)[0] for a in declared}  # IAM5[Resource::x] is rule IAM5
    assert 0 < len(rules) < 25
    for entry in declared:
        assert len(entry.reason) >= 40
        assert entry.stack
        assert entry.resource


def test_every_declared_acknowledgment_matches_a_finding(check_reports: Any) -> None:
    report = check_reports("warm-standby", {"posture": "warm-standby"})
    assert report.acknowledged
    for ack in report.acknowledged:
        assert ack.reason
        assert ack.resource


def test_short_reason_is_rejected() -> None:
    import aws_cdk as cdk

    stack = cdk.Stack(cdk.App(), "S")
    with pytest.raises(ValueError, match="too short"):
        acknowledge(stack, rules=["AwsSolutions-S1"], reason="because")


def test_list_acknowledged_cli(tmp_path: Path) -> None:
    result = CliRunner().invoke(
        app, ["check", "--list-acknowledged", "--format", "json", "--out", str(tmp_path)]
    )
    assert result.exit_code == 0, result.output
    assert '"acknowledged"' in result.stdout
    assert "Replication" in result.stdout
