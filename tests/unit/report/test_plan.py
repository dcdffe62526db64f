"""`tradedr plan`: HTML report, Markdown summary, gates. Static checks are a test double
(tests/conftest.py FakeCheckReport) until the checks runner is merged."""

from __future__ import annotations

import re
from html import escape
from pathlib import Path
from typing import Any

import pytest
from tests.conftest import FakeCheckReport
from typer.testing import CliRunner

from tradedr.cli import app
from tradedr.report.plan import _templates_after_checks


def test_plan_writes_report_and_summary(plan_result: Any) -> None:
    assert plan_result.html_path.is_file()
    assert plan_result.markdown_path.is_file()
    assert plan_result.passed
    data = plan_result.to_dict()
    assert data["gates"] == {"checks": True, "recovery_targets": True}
    assert set(data["timings_seconds"]) >= {"synth_and_checks", "total"}


def test_html_is_self_contained_with_real_charts(plan_result: Any) -> None:
    html = plan_result.html_path.read_text()
    charts = set(re.findall(r'<svg data-chart="([a-z0-9-]+)"', html))
    assert {
        "architecture",
        "cost-by-region",
        "posture-tradeoff",
        "check-summary",
        "rto-region-loss",
        "rto-az-loss",
        "rto-db-instance-failure",
        "rto-app-instance-failure",
    } <= charts
    assert "<script" not in html
    assert "<link" not in html
    assert " src=" not in html
    ids = re.findall(r' id="([^"]+)"', html)
    assert len(ids) == len(set(ids)), "element ids repeat across charts"


def test_architecture_names_every_stack(plan_result: Any, default_synth: Any) -> None:
    html = plan_result.html_path.read_text()
    svg = html[html.index('data-chart="architecture"') :]
    svg = svg[: svg.index("</svg>")]
    for stack in default_synth.stacks:
        assert stack.name in svg


def test_markdown_summary(plan_result: Any) -> None:
    text = plan_result.markdown_path.read_text()
    assert text.startswith("## tradedr plan: `trading-prod`")
    for heading in ("### RTO", "### RPO", "### Cost", "### Postures"):
        assert heading in text
    assert "| region-loss |" in text


def test_markdown_and_html_show_the_one_cost_headline(plan_result: Any) -> None:
    headline = plan_result.cost.report.headline
    [configured] = [r.to_dict() for r in plan_result.cost.postures if r.configured]
    assert configured["monthly"] == headline.total_monthly_usd
    assert configured["headline"] == headline.text
    assert not headline.complete  # the snapshot lacks some prices even in the primary
    markdown = plan_result.markdown_path.read_text()
    assert f"> **Cost incomplete: {headline.text}**" in markdown
    assert f"| **total** | **{headline.amount}** |" in markdown
    assert f"| warm-standby (configured) | ≥ {headline.total_monthly_usd:,.2f} |" in markdown
    html = plan_result.html_path.read_text()
    assert f'<p class="headline incomplete">Cost incomplete: {escape(headline.text)}</p>' in html
    assert f"&ge; ${headline.total_monthly_usd:,.2f}" in html  # the configured row
    assert "(incomplete)</span></p>" in html  # the gates line under the verdict
    assert f"REVIEW: gates pass, cost incomplete ({escape(headline.text)})" in html
    assert f"cost {headline.text}" in plan_result.summary_line()
    assert f"${plan_result.cost.report.total_monthly:,.2f}/month" not in (
        plan_result.summary_line().replace(headline.text, "")
    )
    assert plan_result.to_dict()["cost"]["headline"] == headline.text


def test_reuses_templates_from_checks(
    default_synth: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def no_synth(*_args: Any, **_kwargs: Any) -> Any:
        raise AssertionError("plan synthesized although the checks had templates")

    monkeypatch.setattr("tradedr.infra.synth.synthesize", no_synth)
    checks = FakeCheckReport(stacks=default_synth.stacks)
    templates = _templates_after_checks(default_synth.settings, checks, tmp_path, None)
    assert [s.name for s in templates.stacks] == [s.name for s in default_synth.stacks]


class FakePlanResult:
    """Test double for PlanResult: only what the CLI reads."""

    def __init__(self, passed: bool) -> None:
        self.passed = passed
        self.html_path = Path("report/report.html")
        self.markdown_path = Path("report/summary.md")

    def summary_line(self) -> str:
        return "PASS" if self.passed else "FAIL"

    def to_dict(self) -> dict[str, Any]:
        return {"passed": self.passed}


@pytest.mark.parametrize(("passed", "exit_code"), [(True, 0), (False, 1)])
def test_plan_exit_code_follows_gates(
    monkeypatch: pytest.MonkeyPatch, passed: bool, exit_code: int
) -> None:
    monkeypatch.setattr(
        "tradedr.report.plan.run_plan", lambda *_args, **_kwargs: FakePlanResult(passed)
    )
    result = CliRunner().invoke(app, ["plan", "--out", "unused"])
    assert result.exit_code == exit_code, result.output
    assert ("PASS" if passed else "FAIL") in result.stdout


def test_failed_checks_fail_the_plan(plan_result: Any) -> None:
    failing = FakeCheckReport(passed=False)
    result = type(plan_result)(
        plan_result.settings,
        failing,
        plan_result.rto,
        plan_result.cost,
        plan_result.html_path,
        plan_result.markdown_path,
    )
    assert not result.passed
    assert result.gates == {"checks": False, "recovery_targets": True}
    from tradedr.report.markdown import render_markdown

    assert "### Failing checks" in render_markdown(result)


class _Cost:
    """A CostResult stand-in whose headline is complete or not."""

    def __init__(self, real: Any, complete: bool) -> None:
        from dataclasses import replace

        headline = replace(real.report.headline, unpriced_lines=0, not_modelled_types=0)
        self.report = type("R", (), {"headline": headline if complete else real.report.headline})()


def _with(plan_result: Any, *, checks: Any = None, cost: Any = None) -> Any:
    return type(plan_result)(
        plan_result.settings,
        checks or plan_result.checks,
        plan_result.rto,
        cost or plan_result.cost,
        plan_result.html_path,
        plan_result.markdown_path,
    )


def test_verdict_is_review_when_the_cost_is_incomplete(plan_result: Any) -> None:
    assert plan_result.passed  # the gates pass: exit 0
    assert not plan_result.cost.report.headline.complete
    assert plan_result.verdict == "review"
    assert plan_result.blockers == []
    assert plan_result.verdict_text().startswith("REVIEW: gates pass, cost incomplete (≥ $")
    assert plan_result.summary_line().startswith("REVIEW: ")
    assert plan_result.to_dict()["verdict"] == "review"
    markdown = plan_result.markdown_path.read_text()
    assert f"**{plan_result.verdict_text()}**" in markdown
    assert '<p class="verdict">Overall: <span class="warn">review</span>' in (
        plan_result.html_path.read_text()
    )


def test_verdict_is_pass_only_with_a_complete_cost(plan_result: Any) -> None:
    result = _with(plan_result, cost=_Cost(plan_result.cost, complete=True))
    assert result.cost.report.headline.complete
    assert result.verdict == "pass"
    assert result.verdict_text() == "PASS"


def test_verdict_names_deploy_blockers(plan_result: Any) -> None:
    result = _with(
        plan_result,
        checks=FakeCheckReport(passed=False),
        cost=_Cost(plan_result.cost, complete=True),
    )
    assert result.verdict == "fail"
    assert result.blockers == ["1 check error"]
    assert result.verdict_text() == "FAIL: 1 deploy blocker (1 check error)"
    assert result.summary_line().startswith("FAIL: ")


def test_acknowledged_findings_are_listed_folded(plan_result: Any, default_synth: Any) -> None:
    from tradedr.checks.findings import Acknowledged
    from tradedr.report.html import render_html

    checks = FakeCheckReport()
    checks.acknowledged = [  # type: ignore[attr-defined]
        Acknowledged("cdk-nag:AwsSolutions", "AwsSolutions-IAM5", "s", "Role", "scoped to a prefix")
    ]
    result = _with(plan_result, checks=checks)
    from tradedr.analysis.templates import TemplateSet

    html = render_html(result, TemplateSet.from_synth(result.settings, default_synth.stacks))
    folded = html[html.index("<details><summary>acknowledged (1)") :]
    assert "AwsSolutions-IAM5" in folded[: folded.index("</details>")]
    assert "scoped to a prefix" in folded
    assert '<table class="wrap">' in html  # the findings table wraps instead of overflowing
