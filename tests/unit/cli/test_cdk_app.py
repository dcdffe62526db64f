"""What cdk.json runs builds the Region switch plan; infra's own entry point refuses it."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tradedr.errors import ConfigError

CONFIG = """
[failover]
orchestrator = "arc-region-switch"
custom_action_lambda = "arn:aws:lambda:us-east-1:123456789012:function:tradedr-step"
"""


def test_cdk_json_runs_the_cli_entry_point() -> None:
    root = Path(__file__).resolve().parents[3]
    assert json.loads((root / "cdk.json").read_text())["app"] == "python -m tradedr.cli.cdk_app"


def test_the_cdk_app_synthesizes_the_plan(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from tradedr.cli import cdk_app

    config = tmp_path / "tradedr.toml"
    config.write_text(CONFIG)
    monkeypatch.setenv("TRADEDR_CONFIG", str(config))
    monkeypatch.setenv("CDK_OUTDIR", str(tmp_path / "out"))
    cdk_app.main()
    template = json.loads(
        (tmp_path / "out" / "trading-prod-regionswitch.template.json").read_text()
    )
    types = {r["Type"] for r in template["Resources"].values()}
    assert "AWS::ARCRegionSwitch::Plan" in types


def test_infra_alone_refuses_the_opt_in(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from tradedr.infra import app, region_switch_plan

    config = tmp_path / "tradedr.toml"
    config.write_text(CONFIG)
    monkeypatch.setenv("TRADEDR_CONFIG", str(config))
    monkeypatch.setenv("CDK_OUTDIR", str(tmp_path / "out"))
    monkeypatch.setattr(region_switch_plan, "_registered", [])
    with pytest.raises(ConfigError, match=r"^failover\.orchestrator: "):
        app.main()
