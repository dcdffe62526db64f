"""Operations commands: usage errors exit 2, failed checks exit 1, JSON on stdout."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from tradedr.cli import app
from tradedr.emulator.server import STATE_ENV


@pytest.fixture(autouse=True)
def isolated_state(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """No recorded emulator: commands start one of their own and stop it afterwards."""
    monkeypatch.setenv(STATE_ENV, str(tmp_path / "state"))
    monkeypatch.chdir(tmp_path)
    return tmp_path


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["deploy", "--target", "gcp"], "--target must be one of local, aws"),
        (["deploy", "--profile", "prod"], "--profile applies to --target aws only"),
        (["validate", "--target", "azure"], "--target must be one of"),
        (["backup", "now", "--target", "x"], "--target must be one of"),
        (["backup", "restore-test", "--region", "mars-1"], "is not one of"),
        (["destroy", "--yes", "--target", "x"], "--target must be one of"),
    ],
)
def test_usage_errors_exit_2(argv: list[str], message: str) -> None:
    result = CliRunner().invoke(app, argv)
    assert result.exit_code == 2, result.output
    assert message in result.stderr


def test_emulator_status_without_emulator_exits_1() -> None:
    result = CliRunner().invoke(app, ["emulator", "status", "--json"])
    assert result.exit_code == 1
    assert json.loads(result.stdout)["running"] is False


def test_validate_with_nothing_deployed_fails_every_core_check() -> None:
    result = CliRunner().invoke(app, ["validate", "--json"])
    assert result.exit_code == 1, result.output
    report = json.loads(result.stdout)
    assert report["passed"] is False
    failed = {(c["name"], c["region"]) for c in report["checks"] if c["status"] == "fail"}
    assert {("vpc", "us-east-1"), ("rds", "us-east-1"), ("route53", "global")} <= failed


def test_backup_now_with_nothing_deployed_reports_failures() -> None:
    result = CliRunner().invoke(app, ["backup", "now", "--json"])
    assert result.exit_code == 1, result.output
    items = json.loads(result.stdout)["items"]
    status = {i["kind"]: i["status"] for i in items}
    assert status["rds-snapshot"] == "failed"
    assert status["backup-job"] == "not-emulated"


def test_destroy_with_nothing_deployed_finds_nothing() -> None:
    # --yes: --json alone is no confirmation (tests/unit/ops/test_destroy_confirmation.py).
    result = CliRunner().invoke(app, ["destroy", "--json", "--yes"])
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert data["deleted"] == []
    assert data["kept"] == []
    assert "trading-prod-global" in data["absent"]
