"""A failover whose approval prompt gets no answer (stdin at EOF) is declined on the
emulator (issue 11): exit 1 and the plan's "not approved" stop, never "failed: Abort:" and
exit 3; nothing after the approval ran and the run can be resumed."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from tests.integration import test_failover_emulator
from tests.integration.test_failover_emulator import PRIMARY, STANDBY, Deployment, use_emulator
from typer.testing import CliRunner

from tradedr.cli import app
from tradedr.ops.failover import db_writers

pytestmark = pytest.mark.integration
# The failover tests' emulator and deployment, one per test (failover changes roles).
deployment = test_failover_emulator.deployment


def test_failover_prompt_at_eof_is_declined(
    deployment: Deployment, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    use_emulator(deployment.url, tmp_path, monkeypatch)
    runs = str(tmp_path / "runs")
    settings, names = deployment.synth.settings, deployment.names

    result = CliRunner().invoke(app, ["failover", "--to", STANDBY, "--runs-dir", runs], input="")

    assert result.exit_code == 1, result.output
    assert "not approved" in result.stderr
    assert "Abort" not in result.output
    assert "--resume " in result.stderr
    assert db_writers(deployment.provider, settings) == [(PRIMARY, names.db_identifier(PRIMARY))]
    run_id = result.stderr.split("--resume ")[1].split()[0].rstrip(")")
    resumed = CliRunner().invoke(
        app, ["failover", "--resume", run_id, "--yes", "--json", "--runs-dir", runs]
    )
    assert resumed.exit_code == 0, resumed.output
    assert json.loads(resumed.stdout)["status"] == "completed"
