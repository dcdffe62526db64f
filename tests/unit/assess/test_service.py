"""`tradedr assess` on the seed-like trading template and on the public corpus."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from tradedr.assess.service import run_assess
from tradedr.cli import app

FIXTURES = Path(__file__).resolve().parents[2] / "fixtures"
TRADING = FIXTURES / "trading"
CORPUS = FIXTURES / "corpus"
TEMPLATE = TRADING / "trading-primary.yaml"


@pytest.fixture(scope="module")
def trading() -> Any:
    return run_assess(TRADING, topology_file=TRADING / "assess.toml")


# Every gap the acceptance lists, the gap id that reports it, the resource it names first
# and a phrase of its evidence.
EXPECTED = [
    ("no CMK", "DR009", "OrdersDb", "encrypted with the AWS-managed key"),
    ("no trail", "no-trail", "OrdersDb", "no AWS::CloudTrail::Trail"),
    ("no flow logs", "no-flow-logs", "Vpc", "no AWS::EC2::FlowLog names this VPC"),
    ("no WAF", "no-waf", "Alb", "no web ACL is associated"),
    ("no dashboard", "no-dashboard", "Alb5xxAlarm", "no AWS::CloudWatch::Dashboard"),
    ("no cross-region backup copy", "DR004", "OrdersDb", "in no backup plan"),
    ("S3 replication without RTC", "DR011", "ObjectsBucket", "lacks RTC"),
    ("missing retain policies", "DR001", "OrdersDb", "DeletionPolicy"),
    ("slow health check", "DR006", "PrimaryHealthCheck", "150 s exceeds the RTO target of 60 s"),
    ("incomplete tagging", "DR007", "Vpc", "missing tags: Name, DisasterRecovery"),
]


@pytest.mark.parametrize(
    ("what", "gap_id", "resource", "phrase"), EXPECTED, ids=[e[0] for e in EXPECTED]
)
def test_the_trading_template_gets_every_gap(
    trading: Any, what: str, gap_id: str, resource: str, phrase: str
) -> None:
    gap = next((g for g in trading.gaps if g.id == gap_id), None)
    assert gap is not None, f"{what} not reported"
    first = next(e for e in gap.evidence if e.resource == resource)
    assert phrase in first.detail
    assert first.file == str(TEMPLATE)
    assert first.line is not None
    assert TEMPLATE.read_text().splitlines()[first.line - 1].strip() == f"{resource}:"
    assert gap.fix.snippet.strip()
    assert gap.why
    assert gap.source.startswith("https://")


def test_gaps_come_highest_impact_first_with_counts(trading: Any) -> None:
    impacts = [g.impact for g in trading.gaps]
    assert impacts == sorted(impacts, key=["high", "medium", "low"].index)
    assert trading.counts() == {i: impacts.count(i) for i in ("high", "medium", "low")}
    assert {g.id for g in trading.gaps if g.impact == "high"} == {
        "DR001",
        "DR004",
        "DR006",
        "DR011",
    }


def test_rto_rpo_and_cost_come_with_their_sources(trading: Any) -> None:
    figures = trading.figures
    # Nothing in the standby: recovery rebuilds there from backups, far above 60 s.
    assert figures.rto_p50_seconds is not None
    assert figures.rto_p99_seconds is not None
    assert 60 < figures.rto_p50_seconds < figures.rto_p99_seconds
    assert figures.rto_target_seconds == 60
    detection = next(c for c in figures.rto_components if c["name"] == "detection")
    assert (
        detection["source"]
        == "trading-primary/PrimaryHealthCheck.HealthCheckConfig.RequestInterval=30"
    )
    stores = {r.store.split(" ")[0]: r for r in figures.rpo}
    assert stores["sessions"].rpo_seconds == 5
    assert "SessionsTable" in stores["sessions"].source
    assert stores["objects"].rpo_seconds == 86400  # no RTC: no bound, a day planned
    assert stores["orders-db"].met is False
    assert figures.monthly_usd is not None
    assert figures.monthly_usd > 0
    assert "snapshot" in figures.prices
    assert figures.not_priced == {}
    assert figures.priced_types["AWS::RDS::DBInstance"] == 1
    # closing the high-impact gaps: RTC on 100 GB ($1.50) and a fast health check ($1)
    assert trading.closing_high_monthly_usd == pytest.approx(2.5)


def test_what_works_well(trading: Any) -> None:
    titles = " | ".join(s.title for s in trading.strengths)
    for phrase in ("Multi-AZ", "global table", "S3 cross-region replication", "failover routing"):
        assert phrase in titles


def test_the_cli_writes_markdown_html_and_json(tmp_path: Path) -> None:
    result = CliRunner().invoke(
        app,
        [
            "assess",
            str(TRADING),
            "--topology",
            str(TRADING / "assess.toml"),
            "--out",
            str(tmp_path),
            "--json",
        ],
    )
    assert result.exit_code == 1, result.output  # high-impact gaps
    data = json.loads(result.stdout)
    assert data["summary"]["high"] == 4
    assert data["gaps"][0]["evidence"][0]["location"].startswith(str(TEMPLATE) + ":")
    markdown = (tmp_path / "assess.md").read_text()
    html = (tmp_path / "assess.html").read_text()
    for title in ("No CloudTrail trail", "No WAF on the public endpoint", "What works well"):
        assert title in markdown
        assert title in html
    assert "<script" not in html
    assert json.loads((tmp_path / "assess.json").read_text()) == data


def test_the_corpus_never_crashes_and_every_template_is_listed(tmp_path: Path) -> None:
    result = CliRunner().invoke(app, ["assess", str(CORPUS), "--out", str(tmp_path), "--json"])
    assert result.exit_code in (0, 1), result.output
    assert "Traceback" not in result.output
    data = json.loads(result.stdout)
    assert data["topology"]["inferred"] is True
    assert len(data["templates"]) == 24
    assert sum(t["resources"] for t in data["templates"]) == 156
    assert any("buildspec-app-build.yml skipped" in n for n in data["notes"])
    not_priced = data["figures"]["not_priced"]
    assert not_priced["AWS::SQS::Queue"] == 2  # listed with counts, not silently $0


def test_a_bad_topology_is_one_line_exit_2(tmp_path: Path) -> None:
    bad = tmp_path / "assess.toml"
    bad.write_text('[[stacks]]\ntemplate = "trading-primary.yaml"\nregion = "mars-1"\n')
    result = CliRunner().invoke(
        app, ["assess", str(TRADING), "--topology", str(bad), "--out", str(tmp_path)]
    )
    assert result.exit_code == 2
    assert "not an AWS region" in result.output
    assert "Traceback" not in result.output
