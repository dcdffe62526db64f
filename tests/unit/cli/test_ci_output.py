"""CI-friendly output: tables print every value in full when piped (whatever COLUMNS says)
and fold, never cut, in a terminal; `--version`; `check --fail-on`; and no jsii Node banner
printed as Python bytes."""

from __future__ import annotations

import io
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from rich.table import Table
from typer.testing import CliRunner

import tradedr
from tradedr.checks.findings import CheckReport, Finding
from tradedr.cli import app
from tradedr.cli.output import _Console
from tradedr.infra import JSII_SILENCING_VARIABLES

WEAK = Path(__file__).resolve().parents[2] / "fixtures" / "weak"
LONG_RULE = "NIST.800.53.R5-VPCDefaultSecurityGroupClosed"
LONG_RESOURCE = "NetworkVpcisolatedSubnet1Subnet188D06DD"


def test_piped_check_shows_every_rule_and_resource_in_full() -> None:
    runner = CliRunner()
    env = {"COLUMNS": "80"}
    table = runner.invoke(app, ["check", "--templates", str(WEAK)], env=env)
    data = runner.invoke(app, ["check", "--templates", str(WEAK), "--format", "json"], env=env)
    assert table.exit_code == data.exit_code == 1
    findings = json.loads(data.stdout)["findings"]
    assert findings
    lines = table.stdout.splitlines()
    assert "…" not in table.stdout
    for finding in findings:
        assert any(
            finding["rule"] in line and finding["resource"] in line and finding["stack"] in line
            for line in lines
        ), finding


def _table() -> Table:
    table = Table(title="findings")
    table.add_column("source", no_wrap=True)
    table.add_column("rule")
    table.add_column("resource")
    table.add_row("cdk-nag:NIST", LONG_RULE, LONG_RESOURCE)
    return table


def test_piped_console_ignores_columns(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("COLUMNS", "40")
    out = io.StringIO()
    _Console(file=out).print(_table())
    row = next(line for line in out.getvalue().splitlines() if LONG_RULE in line)
    assert LONG_RESOURCE in row


def test_narrow_terminal_wraps_instead_of_ellipsis() -> None:
    out = io.StringIO()
    _Console(file=out, force_terminal=True, width=40, color_system=None).print(_table())
    text = out.getvalue()
    assert "…" not in text
    assert max(len(line) for line in text.splitlines()) <= 40
    columns = ["", "", ""]
    for line in text.splitlines():
        parts = line.split("│")[1:-1]
        if len(parts) == 3:
            for index, part in enumerate(parts):
                columns[index] += part.strip()
    assert columns[1:] == [LONG_RULE, LONG_RESOURCE]


def test_version() -> None:
    result = CliRunner().invoke(app, ["--version"])
    assert result.exit_code == 0
    assert result.stdout.strip() == f"tradedr {tradedr.__version__}"


def _report(severity: str) -> CheckReport:
    finding = Finding("cfn-lint", "W3010", severity, "s", "r", "m")  # type: ignore[arg-type]
    return CheckReport(findings=[finding], sources=["cfn-lint"])


@pytest.mark.parametrize(
    ("severity", "fail_on", "code"),
    [
        ("warning", None, 0),
        ("warning", "error", 0),
        ("warning", "warning", 1),
        ("error", "warning", 1),
        ("error", None, 1),
        ("info", "warning", 0),
    ],
)
def test_fail_on(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path, severity: str, fail_on: str | None, code: int
) -> None:
    from tradedr.checks import service

    monkeypatch.setattr(service, "check_templates", lambda *a, **k: _report(severity))
    args = ["check", "--templates", str(tmp_path)]
    result = CliRunner().invoke(app, args + (["--fail-on", fail_on] if fail_on else []))
    assert result.exit_code == code, result.output
    assert ("failed" if code else "passed") in result.stdout


def test_fail_on_rejects_other_values(tmp_path: Path) -> None:
    result = CliRunner().invoke(app, ["check", "--templates", str(tmp_path), "--fail-on", "info"])
    assert result.exit_code == 2


def test_no_node_banner_as_bytes(tmp_path: Path) -> None:
    """`env -i PATH=$PATH HOME=$HOME tradedr synth ... 2>&1 | grep "b'"` finds nothing."""
    env = {"PATH": os.environ["PATH"], "HOME": os.environ.get("HOME", str(tmp_path))}
    script = "from tradedr.cli.app import main; main()"
    result = subprocess.run(
        [sys.executable, "-c", script, "synth", "--out", str(tmp_path / "out")],
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    assert "b'" not in result.stdout + result.stderr
    assert "end-of-life" not in result.stdout + result.stderr


def test_silencing_variables_keep_a_users_choice(monkeypatch: pytest.MonkeyPatch) -> None:
    from tradedr.infra import silence_jsii_node_banner

    for name in JSII_SILENCING_VARIABLES:
        monkeypatch.setenv(name, "mine")
    silence_jsii_node_banner()
    assert all(os.environ[name] == "mine" for name in JSII_SILENCING_VARIABLES)
