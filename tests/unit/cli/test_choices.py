"""Options with a fixed set of values are enum choices (shown as <local|aws> in --help). A
value outside them is bad input like any other: one line naming the option, its choices
and the value, exit 2, before anything runs; a missing required choice keeps typer's own
usage error (exit 2)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from tradedr.cli import app
from tradedr.cli.options import ExportFormat, OutputFormat, Target
from tradedr.emulator.server import STATE_ENV

TARGET_COMMANDS = [
    ["deploy"],
    ["validate"],
    ["destroy", "--yes"],
    ["failover", "--to", "us-west-2"],
    ["failback"],
    ["fence", "--region", "us-east-1"],
    ["drill"],
    ["backup", "now"],
    ["backup", "restore-test"],
    ["export-plan", "--format", "arc-region-switch", "--execution-role", "arn:r"],
]


@pytest.fixture(autouse=True)
def isolated_state(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(STATE_ENV, str(tmp_path / "state"))
    monkeypatch.chdir(tmp_path)


@pytest.fixture
def nothing_runs(monkeypatch: pytest.MonkeyPatch) -> None:
    """Fail loudly if a bad value got as far as synthesizing."""

    def synthesize(*_args: Any, **_kwargs: Any) -> None:
        raise AssertionError("a bad choice must stop the command before it synthesizes")

    monkeypatch.setattr("tradedr.infra.synth.synthesize", synthesize)


def _one_error_line(result: Any) -> str:
    assert result.exit_code == 2, result.output
    assert result.stdout == ""
    (line,) = [line for line in result.stderr.splitlines() if line.strip()]
    return str(line)


@pytest.mark.parametrize("argv", TARGET_COMMANDS, ids=lambda argv: " ".join(argv[:2]))
@pytest.mark.parametrize("flag", ["--target", "-t"])
def test_a_bad_target_is_one_line_and_exit_2(
    nothing_runs: None, argv: list[str], flag: str
) -> None:
    line = _one_error_line(CliRunner().invoke(app, [*argv, flag, "gcp"]))
    assert line == "error: --target must be one of local, aws, got 'gcp'"


def test_a_bad_check_format_is_one_line_and_exit_2(nothing_runs: None) -> None:
    line = _one_error_line(CliRunner().invoke(app, ["check", "--format", "xml"]))
    assert line == "error: --format must be one of table, json, sarif, got 'xml'"


@pytest.mark.parametrize("argv", [["export-plan"], ["plan", "export"]])
def test_a_bad_export_format_is_one_error_line_and_exit_2(argv: list[str]) -> None:
    result = CliRunner().invoke(app, [*argv, "--format", "pdf", "--execution-role", "arn:r"])
    assert result.exit_code == 2, result.output
    errors = [line for line in result.stderr.splitlines() if line.startswith("error:")]
    assert errors == ["error: --format must be one of arc-region-switch, got 'pdf'"]


def test_a_missing_export_format_keeps_the_usage_error() -> None:
    result = CliRunner().invoke(app, ["export-plan", "--execution-role", "arn:r"])
    assert result.exit_code == 2, result.output
    assert "Missing option '--format'" in result.stderr


def test_choices_are_listed_in_help() -> None:
    result = CliRunner().invoke(app, ["check", "--help"], terminal_width=200)
    assert "<table|json|sarif>" in result.stdout
    result = CliRunner().invoke(app, ["deploy", "--help"], terminal_width=200)
    assert "<local|aws>" in result.stdout


def test_the_values_match_what_the_services_accept() -> None:
    from tradedr.ops.region_switch import FORMAT
    from tradedr.ops.target import TARGETS

    assert [t.value for t in Target] == list(TARGETS)
    assert [f.value for f in ExportFormat] == [FORMAT]
    assert [f.value for f in OutputFormat] == ["table", "json", "sarif"]


def test_services_get_the_target_as_a_plain_string(monkeypatch: pytest.MonkeyPatch) -> None:
    from tradedr.ops.destroy import DestroyResult

    seen: list[Any] = []

    def fake_run_destroy(_settings: Any, **kwargs: Any) -> DestroyResult:
        seen.append(kwargs["target"])
        return DestroyResult(target=kwargs["target"])

    monkeypatch.setattr("tradedr.ops.destroy.run_destroy", fake_run_destroy)
    result = CliRunner().invoke(app, ["destroy", "--yes", "--json", "--target", "aws"])
    assert result.exit_code == 0, result.output
    assert seen == ["aws"]
    assert type(seen[0]) is str
