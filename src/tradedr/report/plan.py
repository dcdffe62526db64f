"""`tradedr plan`: synth once, run the static checks, RTO/RPO, cost and the posture
comparison, then write a self-contained HTML report, a Markdown summary and report.json
(the data a later `tradedr review --against report.json` diffs against)."""

from __future__ import annotations

import json
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from tradedr.analysis.rto import RtoReport, analyse_rto
from tradedr.analysis.service import CostResult, run_cost
from tradedr.analysis.templates import TemplateSet
from tradedr.config import Settings
from tradedr.errors import TradedrError
from tradedr.fileio import private_dir, write_private

if TYPE_CHECKING:
    from tradedr.report.diff import ReviewDiff

Progress = Callable[[str], None]


@dataclass
class PlanResult:
    settings: Settings
    checks: Any  # tradedr.checks.runner.CheckReport
    rto: RtoReport
    cost: CostResult
    html_path: Path
    markdown_path: Path
    timings: dict[str, float] = field(default_factory=dict)
    json_path: Path | None = None  # OUT/report.json: what a later `--against` reads
    snapshot: dict[str, Any] = field(default_factory=dict)
    diff: ReviewDiff | None = None  # against a previous report.json, when given

    @property
    def checks_passed(self) -> bool:
        return bool(self.checks.passed)

    @property
    def passed(self) -> bool:
        return self.checks_passed and self.rto.met

    @property
    def gates(self) -> dict[str, bool]:
        return {"checks": self.checks_passed, "recovery_targets": self.rto.met}

    @property
    def blockers(self) -> list[str]:
        """What stops a deploy: check errors and missed recovery targets, one line each."""
        errors = int(self.checks.summary().get("errors", 0))
        found = [f"{errors} check error{'' if errors == 1 else 's'}"] if errors else []
        if not errors and not self.checks_passed:
            found.append("static checks failed")
        for s in self.rto.scenarios:
            if not s.met:
                found.append(
                    f"{s.name} RTO p99 {s.rto.p99:,.0f} s over target {s.target_seconds:,} s"
                )
        for r in self.rto.rpo:
            if not r.met:
                rpo = "unbounded" if r.rpo_seconds is None else f"{r.rpo_seconds:,.0f} s"
                found.append(f"{r.store} RPO {rpo} over target {r.target_seconds:,} s")
        if not self.rto.met and not found:
            found.append("recovery targets not met")
        return found

    @property
    def verdict(self) -> str:
        """`fail` when anything blocks a deploy; `review` when the gates pass but the cost is
        a lower bound (some lines unpriced); `pass` otherwise. Only `fail` exits 1."""
        if not self.passed or self.blockers:
            return "fail"
        return "pass" if self.cost.report.headline.complete else "review"

    def verdict_text(self) -> str:
        """`FAIL: 2 deploy blockers (...)`, `REVIEW: gates pass, cost incomplete (≥ $X...)`
        or `PASS`: the one verdict the console, the Markdown and the HTML show."""
        headline = self.cost.report.headline
        if self.verdict == "fail":
            blockers = self.blockers
            count = len(blockers)
            return (
                f"FAIL: {count} deploy blocker{'' if count == 1 else 's'} ({'; '.join(blockers)})"
            )
        if self.verdict == "review":
            return f"REVIEW: gates pass, cost incomplete ({headline.text})"
        return "PASS"

    def summary_line(self) -> str:
        region_loss = self.rto.scenario("region-loss").rto
        summary = self.checks.summary()
        verdict = self.verdict.upper()
        return (
            f"{verdict}: checks {summary.get('errors', 0)} error(s), "
            f"{summary.get('warnings', 0)} warning(s); region-loss RTO p99 "
            f"{region_loss['p99']:,.0f} s (target {self.settings.targets.rto_seconds:,} s); "
            f"cost {self.cost.report.headline.text}"
        )

    def to_dict(self) -> dict[str, Any]:
        return {
            "passed": self.passed,
            "verdict": self.verdict,
            "verdict_text": self.verdict_text(),
            "blockers": self.blockers,
            "gates": self.gates,
            "checks": {
                "summary": self.checks.summary(),
                "passed": self.checks_passed,
                "findings": [f.to_dict() for f in self.checks.findings],
            },
            "rto": self.rto.to_dict(),
            "cost": self.cost.to_dict(),
            "report": str(self.html_path),
            "summary": str(self.markdown_path),
            "data": None if self.json_path is None else str(self.json_path),
            "diff": None if self.diff is None else self.diff.to_dict(),
            "timings_seconds": self.timings,
        }


def _templates_after_checks(
    settings: Settings, checks: Any, synth_dir: Path, progress: Progress | None
) -> TemplateSet:
    """Reuse what the checks synthesized; synthesize only when they left nothing behind."""
    stacks = getattr(checks, "stacks", None) or getattr(checks, "templates", None)
    if stacks and all(hasattr(s, "load") for s in stacks):
        return TemplateSet.from_synth(settings, list(stacks))
    if (synth_dir / "manifest.json").is_file() and list(synth_dir.glob("*.template.json")):
        return TemplateSet.from_directory(settings, synth_dir)
    from tradedr.infra.synth import synthesize

    if progress:
        progress("synthesizing ...")
    return TemplateSet.from_synth(settings, synthesize(settings, synth_dir))


def run_plan(
    settings: Settings,
    out: Path,
    *,
    live: bool = False,
    fallback_region: str | None = None,
    provider: Any = None,
    progress: Progress | None = None,
    against: Path | None = None,
) -> PlanResult:
    try:
        from tradedr.checks.runner import check_config
    except ImportError as exc:  # the checks package ships separately in development trees
        raise TradedrError(f"static checks are not available: {exc}") from None
    from tradedr.report import diff as review_diff
    from tradedr.report.html import render_html
    from tradedr.report.markdown import render_markdown

    previous = None if against is None else review_diff.load_snapshot(against)

    private_dir(out)  # the report names account ids, ARNs and endpoints
    synth_dir = out / "cdk.out"
    timings: dict[str, float] = {}
    started = time.perf_counter()
    if progress:
        progress(f"checking {settings.prefix} ({settings.posture.value}) ...")
    checks = check_config(settings, synth_dir)
    timings["synth_and_checks"] = round(time.perf_counter() - started, 2)
    templates = _templates_after_checks(settings, checks, synth_dir, progress)

    mark = time.perf_counter()
    rto = analyse_rto(templates)
    timings["rto"] = round(time.perf_counter() - mark, 2)
    mark = time.perf_counter()
    cost = run_cost(
        settings,
        templates_dir=None,
        synth_dir=out,
        live=live,
        fallback_region=fallback_region,
        compare=True,
        provider=provider,
        progress=progress,
        templates=templates,
    )
    timings["cost_and_postures"] = round(time.perf_counter() - mark, 2)

    mark = time.perf_counter()
    html_path = out / "report.html"
    markdown_path = out / "summary.md"
    result = PlanResult(settings, checks, rto, cost, html_path, markdown_path, timings)
    result.json_path = out / "report.json"
    result.snapshot = review_diff.snapshot(result, templates)
    if previous is not None and against is not None:
        result.diff = review_diff.diff(previous, result.snapshot, str(against))
    write_private(result.json_path, json.dumps(result.snapshot, indent=1, sort_keys=True) + "\n")
    write_private(html_path, render_html(result, templates))
    write_private(markdown_path, render_markdown(result))
    timings["render"] = round(time.perf_counter() - mark, 2)
    timings["total"] = round(time.perf_counter() - started, 2)
    return result
