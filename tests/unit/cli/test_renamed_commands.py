"""`tradedr review` (the change review) and `tradedr export-plan` (the failover plan for ARC
Region switch) replace `tradedr plan` and `tradedr plan export`, whose names collided. The
old spellings still work for one release, hidden from --help, and say what replaced them."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from tradedr.cli import app

ROLE = "arn:aws:iam::123456789012:role/region-switch"
NOTE = "the old name works until the next release"


class _FakeReview:
    passed = True
    html_path = Path("report/report.html")
    markdown_path = Path("report/summary.md")

    def summary_line(self) -> str:
        return "PASS: from the test double"

    def to_dict(self) -> dict[str, Any]:
        return {"passed": self.passed}


class _FakeExport:
    notes: list[str] = []

    def to_json(self) -> str:
        return json.dumps({"executionRole": ROLE})


@pytest.fixture
def reviews(monkeypatch: pytest.MonkeyPatch) -> list[Path]:
    """The change-review runner replaced by a recorder of where it was asked to write."""
    seen: list[Path] = []

    def fake_run_plan(_settings: Any, out: Path, **_kwargs: Any) -> _FakeReview:
        seen.append(out)
        return _FakeReview()

    monkeypatch.setattr("tradedr.report.plan.run_plan", fake_run_plan)
    return seen


@pytest.fixture
def exports(monkeypatch: pytest.MonkeyPatch) -> list[dict[str, Any]]:
    seen: list[dict[str, Any]] = []

    def fake_export(_settings: Any, **kwargs: Any) -> _FakeExport:
        seen.append(kwargs)
        return _FakeExport()

    monkeypatch.setattr("tradedr.ops.region_switch.export_on_target", fake_export)
    return seen


def _commands(help_text: str) -> set[str]:
    """The command names listed in a --help's Commands panel."""
    names: set[str] = set()
    inside = False
    for line in help_text.splitlines():
        if "Commands" in line and line.lstrip().startswith("╭"):
            inside = True
        elif inside and line.lstrip().startswith("╰"):
            inside = False
        elif inside:
            first = line.strip("│ ").split(" ", 1)[0]
            if first:
                names.add(first)
    return names


def test_help_lists_the_new_names_and_hides_the_old() -> None:
    result = CliRunner().invoke(app, ["--help"], terminal_width=120)
    assert result.exit_code == 0, result.output
    listed = _commands(result.stdout)
    assert {"review", "export-plan"} <= listed
    assert "plan" not in listed


def test_the_old_group_hides_its_export_too() -> None:
    result = CliRunner().invoke(app, ["plan", "--help"], terminal_width=120)
    assert result.exit_code == 0, result.output
    assert "tradedr review" in result.stdout
    assert "export" not in _commands(result.stdout)


@pytest.mark.parametrize("argv", [["review"], ["plan"]])
def test_both_spellings_run_the_change_review(
    reviews: list[Path], tmp_path: Path, argv: list[str]
) -> None:
    result = CliRunner().invoke(app, [*argv, "--out", str(tmp_path / "r")])
    assert result.exit_code == 0, result.output
    assert reviews == [tmp_path / "r"]
    assert "PASS: from the test double" in result.stdout
    renamed = "note: `tradedr plan` is now `tradedr review`"
    assert (renamed in result.stderr) is (argv == ["plan"])


def test_the_old_spelling_keeps_json_on_stdout(reviews: list[Path]) -> None:
    result = CliRunner().invoke(app, ["plan", "--json"])
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout) == {"passed": True}
    assert NOTE in result.stderr


@pytest.mark.parametrize("argv", [["export-plan"], ["plan", "export"]])
def test_both_spellings_export_the_failover_plan(
    exports: list[dict[str, Any]], argv: list[str]
) -> None:
    flags = ["--format", "arc-region-switch", "--execution-role", ROLE, "--to", "us-west-2"]
    result = CliRunner().invoke(app, [*argv, *flags])
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout) == {"executionRole": ROLE}
    (call,) = exports
    assert call["to_region"] == "us-west-2"
    assert call["target"] == "local"  # like every command; --target aws for Region switch
    assert call["options"].execution_role == ROLE
    renamed = "note: `tradedr plan export` is now `tradedr export-plan`"
    assert (renamed in result.stderr) is (argv == ["plan", "export"])


def test_the_two_run_plans_no_longer_share_a_name() -> None:
    from tradedr.ops import run
    from tradedr.report import service

    assert hasattr(service, "build_report")
    assert not hasattr(service, "run_plan")
    assert run.run_plan.__module__ == "tradedr.ops.run"
