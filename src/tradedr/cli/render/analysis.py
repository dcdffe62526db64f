"""`tradedr rto`, `tradedr cost` and `tradedr review`: the analyses' tables (drawn by
`tradedr.report.console`) or JSON, and the change review's verdict and paths."""

from __future__ import annotations

from typing import TYPE_CHECKING

from tradedr.cli.output import console, emit_json

if TYPE_CHECKING:
    from tradedr.analysis.rto import RtoReport
    from tradedr.analysis.service import CostResult
    from tradedr.report.plan import PlanResult


def render_rto(report: RtoReport, *, as_json: bool) -> None:
    if as_json:
        emit_json(report.to_dict())
        return
    from tradedr.report.console import render_rto as draw

    draw(console, report)


def render_cost(result: CostResult, *, as_json: bool) -> None:
    if as_json:
        emit_json(result.to_dict())
        return
    from tradedr.report.console import render_cost as draw

    draw(console, result)


def render_review(result: PlanResult, *, as_json: bool) -> None:
    if as_json:
        emit_json(result.to_dict())
        return
    console.print(result.summary_line())
    console.print(f"report: {result.html_path}\nsummary: {result.markdown_path}")
    change = getattr(result, "diff", None)  # test doubles of the result may have none
    if change is not None:
        from tradedr.report.console import render_diff

        render_diff(console, change)
