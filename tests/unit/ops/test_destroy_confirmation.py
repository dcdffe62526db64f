"""`tradedr destroy` asks a person, or needs --yes (issue 11): an output format is not
consent. Without --yes and with no terminal (or with --json) it refuses in one line, exit 2;
a declined or aborted prompt exits 1 in one line; nothing is destroyed either way."""

from __future__ import annotations

import re
from typing import Any

import pytest
import typer.testing
from typer.testing import CliRunner

from tradedr.cli import app
from tradedr.ops.destroy import DestroyResult


@pytest.fixture
def calls(monkeypatch: pytest.MonkeyPatch) -> list[dict[str, Any]]:
    """run_destroy replaced by a recorder: these tests are about whether it is called."""
    seen: list[dict[str, Any]] = []

    def fake_run_destroy(_settings: Any, **kwargs: Any) -> DestroyResult:
        seen.append(kwargs)
        return DestroyResult(target=kwargs["target"])

    monkeypatch.setattr("tradedr.ops.destroy.run_destroy", fake_run_destroy)
    return seen


@pytest.fixture
def terminal(monkeypatch: pytest.MonkeyPatch) -> None:
    """CliRunner's stdin, seen as a terminal (a person could answer)."""
    monkeypatch.setattr(typer.testing._NamedTextIOWrapper, "isatty", lambda _self: True)


def _error_lines(result: Any) -> list[str]:
    """The error lines on stderr (CliRunner echoes no answer, so the first may follow the
    prompt on its line)."""
    return re.findall(r"error: [^\n]*", result.stderr)


@pytest.mark.parametrize(
    "argv",
    [
        ["destroy", "--delete-data", "--json"],
        ["destroy", "--json"],
        ["destroy", "--delete-data"],  # CliRunner's stdin is no terminal
    ],
)
def test_without_yes_and_without_a_person_it_refuses(
    argv: list[str], calls: list[dict[str, Any]]
) -> None:
    result = CliRunner().invoke(app, argv)
    assert result.exit_code == 2, result.output
    assert result.stdout == ""
    (line,) = result.stderr.strip().splitlines()
    assert line.startswith("error: pass --yes to confirm deleting")
    assert calls == []


def test_json_refuses_even_at_a_terminal(terminal: None, calls: list[dict[str, Any]]) -> None:
    result = CliRunner().invoke(app, ["destroy", "--delete-data", "--json"], input="y\n")
    assert result.exit_code == 2, result.output
    assert "--json does not prompt" in result.stderr
    assert calls == []


def test_yes_confirms_without_a_terminal(calls: list[dict[str, Any]]) -> None:
    result = CliRunner().invoke(app, ["destroy", "--delete-data", "--json", "--yes"])
    assert result.exit_code == 0, result.output
    assert [c["delete_data"] for c in calls] == [True]


def test_a_person_who_agrees_destroys(terminal: None, calls: list[dict[str, Any]]) -> None:
    result = CliRunner().invoke(app, ["destroy", "--delete-data"], input="y\n")
    assert result.exit_code == 0, result.output
    assert "Delete ALL stacks including data of trading-prod on local?" in result.stderr
    assert len(calls) == 1


@pytest.mark.parametrize("answer", ["n\n", "\n"])
def test_a_declined_prompt_exits_1_in_one_line(
    answer: str, terminal: None, calls: list[dict[str, Any]]
) -> None:
    result = CliRunner().invoke(app, ["destroy", "--delete-data"], input=answer)
    assert result.exit_code == 1, result.output
    assert _error_lines(result) == ["error: declined at the prompt; nothing was deleted"]
    assert calls == []


def test_an_aborted_prompt_exits_1_in_one_line(terminal: None, calls: list[dict[str, Any]]) -> None:
    result = CliRunner().invoke(app, ["destroy", "--delete-data"], input="")  # EOF
    assert result.exit_code == 1, result.output
    (line,) = _error_lines(result)
    assert line.startswith("error: declined at the prompt")
    assert "Aborted" not in result.output
    assert calls == []
