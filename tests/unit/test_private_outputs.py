"""Reports, runbooks, drill reports, synthesized templates and exported plans name account
ids, ARNs and endpoints: they are written 0600 in 0700 directories (issue 11)."""

from __future__ import annotations

import json
import os
import stat
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from tradedr.cli import app
from tradedr.config import load_settings
from tradedr.ops.drill import DrillReport, write_report
from tradedr.runbooks.render import write_runbooks


def _mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


@pytest.fixture(autouse=True)
def _open_umask() -> Any:
    """A permissive umask, so a 0600/0700 result is the code's doing and not the umask's."""
    previous = os.umask(0o022)
    yield
    os.umask(previous)


def test_plan_report_and_summary_are_private(plan_result: Any) -> None:
    assert _mode(plan_result.html_path.parent) == 0o700
    assert _mode(plan_result.html_path) == 0o600
    assert _mode(plan_result.markdown_path) == 0o600


def test_runbooks_are_private(tmp_path: Path) -> None:
    out = tmp_path / "runbooks"
    paths = write_runbooks({"failover.md": "# failover\n", "failback.md": "# failback\n"}, out)
    assert _mode(out) == 0o700
    assert [_mode(p) for p in paths] == [0o600, 0o600]
    assert paths[0].read_text() == "# failover\n"


def test_an_existing_dir_keeps_its_mode_and_its_files_are_replaced_private(
    tmp_path: Path,
) -> None:
    """`--out .` or `--out /tmp/x` must not lock others out of a shared directory."""
    out = tmp_path / "runbooks"
    out.mkdir(mode=0o755)
    os.chmod(out, 0o755)
    (out / "failover.md").write_text("old")
    os.chmod(out / "failover.md", 0o644)
    (path,) = write_runbooks({"failover.md": "new"}, out)
    assert (_mode(out), _mode(path), path.read_text()) == (0o755, 0o600, "new")


def test_drill_report_is_private(tmp_path: Path) -> None:
    report = DrillReport(
        target="local",
        prefix="trading-prod",
        primary_region="us-east-1",
        standby_region="us-west-2",
        started_at="2025-01-01T00:00:00Z",
    )
    markdown, data = write_report(report, tmp_path / "drill")
    assert _mode(tmp_path / "drill") == 0o700
    assert (_mode(markdown), _mode(data)) == (0o600, 0o600)
    assert json.loads(data.read_text())["prefix"] == "trading-prod"


def test_check_synth_dir_is_private(tmp_path: Path) -> None:
    from tradedr.checks.runner import list_acknowledged

    out = tmp_path / "cdk.out"
    assert list_acknowledged(load_settings({}), out)
    assert _mode(out) == 0o700


class _FakeExport:
    notes: list[str] = []

    def to_json(self) -> str:
        return json.dumps({"executionRole": "arn:aws:iam::123456789012:role/x"})


def test_plan_export_out_is_private(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(
        "tradedr.ops.region_switch.export_on_target", lambda *_a, **_k: _FakeExport()
    )
    out = tmp_path / "exports" / "plan.json"
    result = CliRunner().invoke(
        app,
        [
            "plan",
            "export",
            "--format",
            "arc-region-switch",
            "--execution-role",
            "arn:aws:iam::123456789012:role/x",
            "--out",
            str(out),
        ],
    )
    assert result.exit_code == 0, result.output
    assert _mode(out) == 0o600
    assert json.loads(out.read_text())["executionRole"].endswith("role/x")
