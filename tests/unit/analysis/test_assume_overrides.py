"""`tradedr rto --assume KEY=BEST,TYPICAL,WORST`: the user's measured figures replace one
published assumption for one analysis, and the report says so."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from tradedr.analysis import assumptions
from tradedr.analysis.rto import analyse_rto
from tradedr.analysis.templates import TemplateSet
from tradedr.cli import app
from tradedr.errors import ConfigError


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("aurora-global-failover=10,30,45", ("aurora-global-failover", (10.0, 30.0, 45.0))),
        ("verification=0,0,0", ("verification", (0.0, 0.0, 0.0))),
        (" app-reconnect =1,2.5,4", ("app-reconnect", (1.0, 2.5, 4.0))),
    ],
)
def test_good_overrides_parse(text: str, expected: tuple[str, tuple[float, ...]]) -> None:
    assert assumptions.parse_override(text) == expected


@pytest.mark.parametrize(
    ("text", "says"),
    [
        ("aurora-global-failover", "KEY=BEST,TYPICAL,WORST"),
        ("no-such-step=1,2,3", "aurora-global-failover"),
        ("verification=1,2", "three numbers"),
        ("verification=a,b,c", "three numbers"),
        ("verification=3,2,1", "best <= typical <= worst"),
        ("verification=-1,2,3", "0 <="),
    ],
)
def test_bad_overrides_name_the_flag(text: str, says: str) -> None:
    with pytest.raises(ConfigError) as raised:
        assumptions.parse_override(text)
    assert raised.value.message.startswith(f"--assume {text!r}")
    assert says in raised.value.message


def test_an_override_changes_the_figures_for_one_analysis_only(default_synth: Any) -> None:
    templates = TemplateSet.from_synth(default_synth.settings, default_synth.stacks)
    published = assumptions.get("rds-replica-promotion")
    before = analyse_rto(templates, samples=4000).scenario("region-loss").rto
    report = analyse_rto(
        templates, samples=4000, overrides={"rds-replica-promotion": (1.0, 2.0, 3.0)}
    )
    after = report.scenario("region-loss").rto
    assert after.p99 < before.p99
    listed = report.to_dict()["assumption_overrides"]["rds-replica-promotion"]
    assert (listed["best"], listed["typical"], listed["worst"]) == (1.0, 2.0, 3.0)
    assert listed["source"] == assumptions.MEASURED
    assert any("rds-replica-promotion" in w for w in report.warnings)
    assert assumptions.get("rds-replica-promotion") == published


def test_cli_reports_overrides_and_rejects_bad_ones(default_synth: Any, tmp_path: Path) -> None:
    templates_dir = default_synth.stacks[0].template_path.parent
    config = tmp_path / "tradedr.toml"
    config.write_text("", encoding="utf-8")
    base = ["rto", "-c", str(config), "--templates", str(templates_dir), "--json"]
    result = CliRunner().invoke(app, [*base, "--assume", "verification=1,2,3"])
    assert result.exit_code in (0, 1), result.output
    data = json.loads(result.stdout)
    assert set(data["assumption_overrides"]) == {"verification"}
    bad = CliRunner().invoke(app, [*base, "--assume", "verification=9"])
    assert bad.exit_code == 2
    assert "--assume" in bad.stderr
