"""`tradedr rto`: recovery time per failure scenario and data loss per store."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from tradedr.cli.options import (
    ConfigOption,
    JsonOption,
    SynthDirOption,
    TemplatesOption,
    settings_from,
)
from tradedr.cli.render.analysis import render_rto
from tradedr.cli.render.progress import analysis_progress


def rto(
    config: ConfigOption = None,
    templates: TemplatesOption = None,
    synth_dir: SynthDirOption = Path("cdk.out"),
    assume: Annotated[
        list[str] | None,
        typer.Option(
            "--assume",
            metavar="KEY=BEST,TYPICAL,WORST",
            help="Replace one assumption with seconds you measured (repeatable), e.g. "
            "--assume aurora-global-failover=18,31,47 from drills on real AWS. The report "
            "lists every replaced assumption.",
        ),
    ] = None,
    measured: Annotated[
        list[Path] | None,
        typer.Option(
            "--measured",
            metavar="RUN_DIR",
            help="Use step durations measured in failover/drill runs on real AWS (a run "
            "directory, or a runs directory such as .tradedr/runs; repeatable): min / median "
            "/ max per modelled step. Emulator runs are skipped and said so.",
        ),
    ] = None,
    as_json: JsonOption = False,
) -> None:
    """Recovery time per failure scenario and data loss per store, from the templates.

    Durations come from template properties or from the published assumptions listed in
    docs/rto-rpo.md; --assume swaps an assumption for your own measurements.
    Exit 0 when every scenario's p99 RTO and every RPO meet the config's targets, else 1.
    """
    from tradedr.analysis.service import run_rto

    report = run_rto(
        settings_from(config),
        templates_dir=templates,
        synth_dir=synth_dir,
        progress=None if as_json else analysis_progress,
        assume=assume,
        measured=measured,
    )
    render_rto(report, as_json=as_json)
    if not report.met:
        raise typer.Exit(1)
