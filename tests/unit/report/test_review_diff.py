"""`tradedr review --against PREVIOUS.json`: report.json, and the change between two reviews.
Static checks are the test double of tests/conftest.py (its findings do not change)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from tests.conftest import FakeCheckReport, install_fake_checks
from typer.testing import CliRunner

from tradedr.cli import app
from tradedr.config import load_settings
from tradedr.errors import TradedrError
from tradedr.report import diff as review_diff

BIGGER_DB = {"database": {"instance_class": "db.r6g.xlarge"}}


def _review(tmp: Path, data: dict[str, Any], against: Path | None) -> Any:
    from tradedr.report.plan import run_plan

    with pytest.MonkeyPatch.context() as monkeypatch:
        install_fake_checks(monkeypatch, lambda settings, outdir: FakeCheckReport())
        return run_plan(load_settings(data), tmp, against=against)


@pytest.fixture(scope="module")
def bigger_db(tmp_path_factory: pytest.TempPathFactory, plan_result: Any) -> Any:
    """The default config with one setting changed, reviewed against the default's review."""
    return _review(tmp_path_factory.mktemp("bigger-db"), BIGGER_DB, plan_result.json_path)


def test_review_writes_report_json(plan_result: Any, default_synth: Any) -> None:
    data = json.loads(plan_result.json_path.read_text())
    assert data["format"] == review_diff.FORMAT
    assert set(data["stacks"]) == {s.name for s in default_synth.stacks}
    stack = default_synth.stacks[0].name
    [(logical, resource)] = list(default_synth.templates[stack]["Resources"].items())[:1]
    entry = data["stacks"][stack][logical]
    assert entry["type"] == resource["Type"]
    assert set(entry["properties"]) == set(resource.get("Properties", {}))
    assert set(data["rto_p99_seconds"]) == {s.name for s in plan_result.rto.scenarios}
    assert set(data["rpo_seconds"]) == {r.store for r in plan_result.rto.rpo}
    assert data["cost"]["headline"] == plan_result.cost.report.headline.text
    assert data["findings"] == [["", "FAKE-1", "fake-stack", "FakeResource"]]
    assert plan_result.to_dict()["data"] == str(plan_result.json_path)


def test_one_setting_shows_exactly_that_change(bigger_db: Any, plan_result: Any) -> None:
    change = bigger_db.diff
    assert change is not None
    assert not change.empty
    prefix = plan_result.settings.prefix
    primary, standby = plan_result.settings.all_regions[:2]
    assert set(change.stacks) == {f"{prefix}-data-{primary}", f"{prefix}-replica-{standby}"}
    for stack in change.stacks.values():
        assert not stack.added
        assert not stack.removed
        assert not stack.replaced
        [changed] = stack.changed
        assert changed.type == "AWS::RDS::DBInstance"
        assert changed.properties == ("DBInstanceClass",)
    assert not change.stacks_added
    assert not change.stacks_removed
    assert change.rto == []
    assert change.rpo == []
    assert change.cost_changed
    assert change.cost_delta > 0
    assert change.findings_new == []
    assert change.findings_resolved == []

    markdown = bigger_db.markdown_path.read_text()
    assert f"### Change since `{plan_result.json_path}`" in markdown
    assert (
        f"| {prefix}-data-{primary} | changed | OrdersInstance3EDE0A98 | AWS::RDS::DBInstance "
        "| DBInstanceClass |"
    ) in markdown
    assert "RTO and RPO: no change." in markdown
    assert f"Cost: {change.cost_text()}" in markdown
    html = bigger_db.html_path.read_text()
    assert "<h2>Change since <code>" in html
    assert "DBInstanceClass" in html
    assert bigger_db.to_dict()["diff"]["cost"]["delta_monthly_usd"] == change.cost_delta


def test_identical_configs_show_no_change(bigger_db: Any, tmp_path: Path) -> None:
    """A fresh synth of the same config against the previous report.json: no change."""
    again = _review(tmp_path, BIGGER_DB, bigger_db.json_path)
    assert again.diff is not None
    assert again.diff.empty, again.diff.to_dict()
    assert "No change." in again.markdown_path.read_text()
    assert '<p class="pass">No change.</p>' in again.html_path.read_text()


def _snap(**stacks: dict[str, Any]) -> dict[str, Any]:
    return {
        "format": review_diff.FORMAT,
        "stacks": stacks,
        "rto_p99_seconds": {"region-loss": 600.0},
        "rpo_seconds": {"orders": 1.0},
        "cost": {"total_monthly_usd": 100.0, "complete": True, "headline": "$100.00/month"},
        "findings": [["nag", "R1", "s", "A"]],
    }


def _res(type_: str, **props: str) -> dict[str, Any]:
    return {
        "type": type_,
        "hash": review_diff._hash(props),
        "properties": {k: review_diff._hash(v) for k, v in props.items()},
    }


def test_replacing_properties_added_removed_and_deltas() -> None:
    before = _snap(
        s={
            "Db": _res("AWS::RDS::DBInstance", DBInstanceClass="a", Engine="postgres"),
            "Bucket": _res("AWS::S3::Bucket", BucketName="x"),
            "Gone": _res("AWS::SNS::Topic"),
        }
    )
    after = _snap(
        s={
            "Db": _res("AWS::RDS::DBInstance", DBInstanceClass="b", Engine="mysql"),
            "Bucket": _res("AWS::S3::Bucket", BucketName="x", VersioningConfiguration="on"),
            "New": _res("AWS::SNS::Topic"),
        }
    )
    after["rto_p99_seconds"] = {"region-loss": 540.0}
    after["rpo_seconds"] = {"orders": None}
    after["cost"] = {"total_monthly_usd": 80.0, "complete": False, "headline": "≥ $80.00"}
    after["findings"] = [["nag", "R2", "s", "B"]]
    change = review_diff.diff(before, after, "prev.json")
    stack = change.stacks["s"]
    [replaced] = stack.replaced
    assert (replaced.logical_id, replaced.replacing) == ("Db", ("Engine",))
    assert replaced.properties == ("DBInstanceClass", "Engine")
    assert [(c.logical_id, c.properties) for c in stack.changed] == [
        ("Bucket", ("VersioningConfiguration",))
    ]
    assert [c.logical_id for c in stack.added] == ["New"]
    assert [c.logical_id for c in stack.removed] == ["Gone"]
    assert change.rto == [("region-loss", 600.0, 540.0)]
    assert change.rpo == [("orders", 1.0, None)]
    assert change.cost_text() == "$100.00 -> ≥ $80.00/month (-$20.00)"
    assert change.findings_new == [("nag", "R2", "s", "B")]
    assert change.findings_resolved == [("nag", "R1", "s", "A")]
    assert review_diff.diff(before, before, "prev.json").empty


def test_against_refuses_what_is_not_a_review(tmp_path: Path) -> None:
    bad = tmp_path / "other.json"
    bad.write_text('{"passed": true}')
    with pytest.raises(TradedrError, match=r"not a tradedr review report\.json"):
        review_diff.load_snapshot(bad)
    bad.write_text("{")
    with pytest.raises(TradedrError, match="not JSON"):
        review_diff.load_snapshot(bad)


def test_cli_against_prints_the_change(
    monkeypatch: pytest.MonkeyPatch, bigger_db: Any, plan_result: Any, tmp_path: Path
) -> None:
    """The console shows the diff the report holds (the run itself is the fixture's)."""
    monkeypatch.setattr("tradedr.report.plan.run_plan", lambda *_a, **_k: bigger_db)
    result = CliRunner().invoke(
        app, ["review", "--out", str(tmp_path), "--against", str(plan_result.json_path)]
    )
    assert result.exit_code == 0, result.output
    assert "change since" in result.stdout
    assert "DBInstanceClass" in result.stdout
    assert "RTO and RPO: no change" in result.stdout
    assert "cost: " in result.stdout
    assert "-> " in result.stdout
