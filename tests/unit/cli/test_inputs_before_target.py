"""A missing or wrong required input is reported before a missing emulator: the operator
fixes the command line first, not the environment."""

from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import CliRunner

from tradedr.cli import app
from tradedr.emulator.server import STATE_ENV


@pytest.fixture(autouse=True)
def no_emulator(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(STATE_ENV, str(tmp_path / "state"))
    monkeypatch.chdir(tmp_path)


def _error(argv: list[str]) -> str:
    result = CliRunner().invoke(app, argv)
    assert result.exit_code == 2, result.output
    assert "no emulator is running" not in result.stderr
    return str(result.stderr)


def test_failover_without_to_names_to() -> None:
    line = _error(["failover"])
    assert line.strip() == "error: --to REGION is required (unless --resume RUN_ID)"


def test_fence_without_region_is_typers_usage_error() -> None:
    assert "Missing option '--region'" in _error(["fence"])


@pytest.mark.parametrize(
    ("argv", "flag"),
    [
        (["failover", "--to", "eu-west-9"], "--to"),
        (["fence", "--region", "eu-west-9"], "--region"),
        (["failback", "--from", "eu-west-9"], "--from"),
        (["failback", "--to", "eu-west-9"], "--to"),
        (
            [
                "export-plan",
                "--format",
                "arc-region-switch",
                "--execution-role",
                "r",
                "--to",
                "eu-west-9",
            ],
            "--to",
        ),
    ],
)
def test_a_region_outside_the_config_is_named_first(argv: list[str], flag: str) -> None:
    line = _error(argv).strip()
    assert line == f"error: {flag} eu-west-9: not a region of trading-prod (us-east-1, us-west-2)"


def test_with_the_inputs_right_the_emulator_is_what_is_missing() -> None:
    result = CliRunner().invoke(app, ["failover", "--to", "us-west-2"])
    assert result.exit_code == 2
    assert "no emulator is running" in result.stderr
