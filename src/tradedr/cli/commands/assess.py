"""`tradedr assess DIR`: a DR gap analysis of the CloudFormation templates a team already has."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from tradedr.cli.options import JsonOption
from tradedr.cli.output import console, emit_json, err_console, internal_failures_exit_3, print_note


def assess(
    directory: Annotated[
        Path,
        typer.Argument(
            help="Directory of CloudFormation templates (JSON or YAML, SAM and "
            "Fn::ForEach included; not recursive).",
            file_okay=False,
        ),
    ],
    topology: Annotated[
        Path | None,
        typer.Option(
            "--topology",
            help="assess.toml: where each template deploys, as primary or standby, the "
            "RTO/RPO targets and the tag policy (docs/assess.md). Without it the topology "
            "is inferred from the templates and printed for you to confirm.",
            dir_okay=False,
        ),
    ] = None,
    out: Annotated[
        Path,
        typer.Option("--out", "-o", help="Directory for assess.md, assess.html and assess.json."),
    ] = Path("assess-report"),
    as_json: JsonOption = False,
) -> None:
    """What your templates would recover in a region loss, how fast, what data you would
    lose, what it costs, and which gaps to close first.

    Offline, no AWS credentials: the templates are read as cfn-lint reads them, checked by
    tradedr's DR rules and gap checks, and measured by the same RTO, RPO and cost models
    as `tradedr rto` and `tradedr cost` (snapshot prices). Writes OUT/assess.md,
    OUT/assess.html and OUT/assess.json; --json prints the JSON. Exit 0 without
    high-impact gaps, 1 with any, 2 on bad input, 3 on an internal failure.
    """
    from tradedr.assess.service import run_assess, write_reports

    with internal_failures_exit_3():
        report = run_assess(
            directory,
            topology_file=topology,
            progress=None if as_json else lambda m: err_console.print(m),
        )
        write_reports(report, out)
    if as_json:
        emit_json(report.to_dict())
    else:
        for note in report.notes:
            print_note(note)
        if report.inferred:
            console.print("[bold]inferred topology[/] (save as assess.toml to confirm):")
            console.print(report.topology_toml, markup=False, highlight=False)
        counts = report.counts()
        console.print(
            f"{counts['high']} high, {counts['medium']} medium, {counts['low']} low impact gaps",
            highlight=False,
        )
        for gap in report.gaps:
            first = gap.evidence[0]
            console.print(
                f"  {gap.impact:<6} {gap.title} ({len(gap.evidence)}x, first at {first.location})",
                markup=False,
                highlight=False,
            )
        figures = report.figures
        console.print(
            f"region-loss RTO p50 {figures.rto_p50_seconds} s, p99 {figures.rto_p99_seconds} s; "
            f"cost ${figures.monthly_usd}/month, +${report.closing_high_monthly_usd}/month to "
            "close the high-impact gaps",
            highlight=False,
        )
        console.print(f"report: {out / 'assess.html'}, {out / 'assess.md'}", highlight=False)
    if report.high_gaps:
        raise typer.Exit(1)
