"""Every command that produces a result takes --json, for CI (issue 17); check keeps
--format json as well."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
import typer
from typer.testing import CliRunner

from tradedr.cli import app

COMMANDS = [
    ["init"],
    ["config", "show"],
    ["synth"],
    ["check"],
    ["rto"],
    ["cost"],
    ["review"],
    ["assess"],
    ["export-plan"],
    ["emulator", "start"],
    ["emulator", "stop"],
    ["emulator", "status"],
    ["deploy"],
    ["validate"],
    ["readiness"],
    ["destroy"],
    ["backup", "now"],
    ["backup", "restore-test"],
    ["failover"],
    ["failback"],
    ["fence"],
    ["drill"],
    ["runbook"],
    ["evidence", "verify"],
    ["evidence", "pack"],
    ["evidence", "incident"],
    ["evidence", "status"],
]


def command(path: list[str]) -> Any:
    """Typer 0.29 carries its own click, so groups are told by their `commands`."""
    found: Any = typer.main.get_command(app)
    for name in path:
        assert hasattr(found, "commands"), path
        found = found.commands[name]
    return found


@pytest.mark.parametrize("path", COMMANDS, ids=" ".join)
def test_takes_json(path: list[str]) -> None:
    flags = {flag for param in command(path).params for flag in getattr(param, "opts", [])}
    assert "--json" in flags


def test_every_visible_command_is_in_the_table() -> None:
    root: Any = typer.main.get_command(app)
    visible: list[list[str]] = []
    for name, sub in root.commands.items():
        if sub.hidden:
            continue
        if hasattr(sub, "commands"):
            visible += [[name, leaf] for leaf, c in sub.commands.items() if not c.hidden]
        else:
            visible.append([name])
    assert sorted(map(tuple, visible)) == sorted(map(tuple, COMMANDS))


def test_init_and_emulator_stop_say_what_they_did_in_json(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("TRADEDR_STATE_DIR", str(tmp_path / "state"))
    runner = CliRunner()
    written = runner.invoke(app, ["init", str(tmp_path / "t.toml"), "--json"])
    assert written.exit_code == 0, written.output
    assert json.loads(written.stdout) == {"written": str(tmp_path / "t.toml")}
    stopped = runner.invoke(app, ["emulator", "stop", "--json"])
    assert stopped.exit_code == 0, stopped.output
    assert json.loads(stopped.stdout) == {"stopped": False, "pid": None}


def test_check_json_is_format_json() -> None:
    runner = CliRunner()
    weak = str(Path(__file__).resolve().parents[2] / "fixtures" / "weak")
    args = ["check", "--templates", weak, "--packs", "AwsSolutions"]
    by_flag = runner.invoke(app, [*args, "--json"])
    by_format = runner.invoke(app, [*args, "--format", "json"])
    assert by_flag.exit_code == by_format.exit_code == 1
    assert json.loads(by_flag.stdout)["findings"] == json.loads(by_format.stdout)["findings"]
