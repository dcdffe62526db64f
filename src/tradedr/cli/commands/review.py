"""`tradedr review`: the change review (synth, checks, RTO/RPO, cost, postures) in one
report. Until the next release `tradedr plan` still runs it (see aliases.py)."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from tradedr.cli.options import ConfigOption, FallbackOption, JsonOption, settings_from
from tradedr.cli.render.analysis import render_review
from tradedr.cli.render.progress import analysis_progress

ReviewOutOption = Annotated[
    Path, typer.Option("--out", "-o", help="Directory for the HTML report and summary.")
]
AgainstOption = Annotated[
    Path | None,
    typer.Option(
        "--against",
        help="A previous review's report.json: show what changed since (resources, "
        "RTO/RPO, cost, findings).",
        exists=True,
        dir_okay=False,
    ),
]
LiveOption = Annotated[bool, typer.Option("--live", help="Live prices (AWS Price List API).")]


def review(
    config: ConfigOption = None,
    out: ReviewOutOption = Path("report"),
    live: LiveOption = False,
    fallback_region: FallbackOption = None,
    as_json: JsonOption = False,
    against: AgainstOption = None,
) -> None:
    """Change review in one step: synth, checks, RTO/RPO, cost and posture trade-off.

    Writes OUT/report.html (self-contained, with charts), OUT/summary.md for the pull
    request and OUT/report.json; `--against` a previous report.json shows the change.
    Exit 1 when a check fails or a recovery target is missed.
    `tradedr export-plan` writes the failover plan for AWS ARC Region switch instead.
    """
    from tradedr.report.service import build_report

    result = build_report(
        settings_from(config),
        out,
        live=live,
        fallback_region=fallback_region,
        progress=None if as_json else analysis_progress,
        against=against,
    )
    render_review(result, as_json=as_json)
    if not result.passed:
        raise typer.Exit(1)
