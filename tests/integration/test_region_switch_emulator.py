"""The drill with `failover.orchestrator = "arc-region-switch"` on the embedded emulator:
the region-switch stack deploys, and the plan (moto has no ARCRegionSwitch) is reported
not emulated rather than created."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from tradedr.cli import app

pytestmark = [pytest.mark.integration, pytest.mark.slow]

CONFIG = """
[failover]
orchestrator = "arc-region-switch"
custom_action_lambda = "arn:aws:lambda:us-east-1:123456789012:function:tradedr-step"
"""


def test_the_drill_deploys_the_region_switch_stack_and_says_what_is_not_emulated(
    tmp_path: Path,
) -> None:
    from moto.moto_api._internal.models import moto_api_backend

    moto_api_backend.reset()  # the drill's emulator runs in this process
    config = tmp_path / "tradedr.toml"
    config.write_text(CONFIG)
    result = CliRunner().invoke(
        app,
        ["drill", "--config", str(config), "--no-data-plane", "--out", str(tmp_path), "--json"],
    )
    data = json.loads(result.stdout)
    steps = {s["name"]: s for s in data["steps"]}
    deploy = steps["deploy trading-prod-regionswitch"]
    assert deploy["status"] == "executed", deploy
    assert "not emulated" in deploy["detail"]
    assert result.exit_code == 0, result.output
    assert data["passed"] is True
