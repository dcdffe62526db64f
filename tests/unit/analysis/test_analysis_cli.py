"""`tradedr rto` and `tradedr cost` as a user runs them (templates from the session synth)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from tradedr.cli import app

runner = CliRunner()


def templates_dir(synth: Any) -> str:
    return str(Path(synth.stacks[0].template_path).parent)


def test_rto_json_exit_zero_when_targets_met(default_synth: Any) -> None:
    result = runner.invoke(app, ["rto", "--templates", templates_dir(default_synth), "--json"])
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert data["met"] is True
    assert {s["name"] for s in data["scenarios"]} == {
        "region-loss",
        "az-loss",
        "db-instance-failure",
        "app-instance-failure",
    }


@pytest.mark.parametrize(
    ("targets", "exit_code"),
    [("rto_seconds = 30", 1), ("rpo_seconds = 1", 1), ("rto_seconds = 7200", 0)],
)
def test_rto_exit_code_follows_targets(
    default_synth: Any, tmp_path: Path, targets: str, exit_code: int
) -> None:
    config = tmp_path / "tradedr.toml"
    config.write_text(f"[targets]\n{targets}\n")
    result = runner.invoke(
        app, ["rto", "-c", str(config), "--templates", templates_dir(default_synth)]
    )
    assert result.exit_code == exit_code, result.output


def test_cost_json(default_synth: Any) -> None:
    result = runner.invoke(app, ["cost", "--templates", templates_dir(default_synth), "--json"])
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert data["regions"][0]["region"] == "us-east-1"
    assert data["total_monthly"] > 0
    assert data["warnings"]


def test_cost_table_prints_usage_and_unavailable(default_synth: Any) -> None:
    result = runner.invoke(app, ["cost", "--templates", templates_dir(default_synth)])
    assert result.exit_code == 0, result.output
    assert "usage assumed" in result.stdout
    assert "unavailable" in result.stdout
    assert "excluded from the totals" in " ".join(result.stdout.split())


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["rto", "--templates", "/nonexistent/dir"], "does not exist"),
        (["cost", "--templates", "/nonexistent/dir"], "does not exist"),
    ],
)
def test_bad_templates_dir_is_a_usage_error(args: list[str], message: str) -> None:
    result = runner.invoke(app, args)
    assert result.exit_code == 2
    assert message in result.output
