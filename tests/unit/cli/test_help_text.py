"""--help reads as prose: no `<bool>` on flags, no sentence broken where the docstring
wrapped it, and a --target help that says what local and aws mean for that command."""

from __future__ import annotations

from typing import Any

import pytest
import typer
from typer.testing import CliRunner

from tradedr.cli import app
from tradedr.cli.app import reflow


def _commands() -> list[list[str]]:
    root = typer.main.get_command(app)
    found: list[list[str]] = [[]]

    def walk(group: Any, path: list[str]) -> None:
        for name, command in group.commands.items():
            if command.hidden:
                continue
            found.append([*path, name])
            if hasattr(command, "commands"):  # a group (typer vendors its click)
                walk(command, [*path, name])

    walk(root, [])
    return found


COMMANDS = _commands()


@pytest.fixture(autouse=True)
def wide_help(monkeypatch: pytest.MonkeyPatch) -> None:
    """typer reads TERMINAL_WIDTH once, at import: wide enough that phrases stay on a line."""
    monkeypatch.setattr("typer.rich_utils.MAX_WIDTH", 200)


def _help(argv: list[str]) -> str:
    result = CliRunner().invoke(app, [*argv, "--help"])
    assert result.exit_code == 0, result.output
    return str(result.stdout)


def test_every_command_is_walked() -> None:
    assert {"failover", "fence", "export-plan"} <= {" ".join(c) for c in COMMANDS}
    assert ["config", "show"] in COMMANDS
    assert ["backup", "now"] in COMMANDS


@pytest.mark.parametrize("argv", COMMANDS, ids=lambda argv: " ".join(argv) or "tradedr")
def test_no_flag_shows_a_bool_metavar(argv: list[str], monkeypatch: pytest.MonkeyPatch) -> None:
    for width in (80, 200):
        monkeypatch.setattr("typer.rich_utils.MAX_WIDTH", width)
        assert "<bool>" not in _help(argv)


def test_flags_keep_their_help_and_valued_options_their_type() -> None:
    text = _help(["fence"])
    assert "--dry-run" in text
    assert "Print the plan and run only its read-only checks." in text
    assert "<local|aws>" in text
    assert "<path>" in text


def test_a_later_paragraph_is_not_broken_where_the_docstring_wrapped() -> None:
    text = " ".join(_help(["fence"]).split())
    assert "turns healthy; it refuses when REGION holds the only writer." in text


def test_reflow_joins_lines_and_keeps_lists_and_paragraphs() -> None:
    assert reflow("Title.\n\nOne\nsentence.\n\n- a\n- b") == "Title.\n\nOne sentence.\n\n- a\n- b"
    assert reflow(None) is None


TARGET_MEANINGS = {
    "deploy": "fresh one that stops when the command ends",
    "validate": "fresh, empty one for this command only",
    "readiness": "fresh, empty one for this command only",
    "destroy": "fresh, empty one for this command only",
    "failover": "refused when none runs",
    "failback": "refused when none runs",
    "fence": "refused when none runs",
    "export-plan": "read the resource ARNs from the emulator that `tradedr emulator start` runs",
    "drill": "a fresh emulator started for the drill",
    "backup now": "fresh, empty one for this command only",
    "backup restore-test": "fresh, empty one for this command only",
}


@pytest.mark.parametrize("command", sorted(TARGET_MEANINGS))
def test_target_help_says_what_local_and_aws_mean_here(command: str) -> None:
    text = " ".join(_help(command.split()).split())
    assert "--target" in text
    assert "local: " in text
    assert " aws: " in text
    assert TARGET_MEANINGS[command] in text
    assert "[default: local]" in text


def test_every_command_with_a_target_is_listed() -> None:
    with_target = {" ".join(c) for c in COMMANDS if c and "--target" in _help(c)}
    assert with_target == set(TARGET_MEANINGS)
