"""`tradedr cost`: monthly cost per region and service, optionally per DR posture."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from tradedr.cli.options import (
    ConfigOption,
    FallbackOption,
    JsonOption,
    SynthDirOption,
    TemplatesOption,
    settings_from,
)
from tradedr.cli.render.analysis import render_cost
from tradedr.cli.render.progress import analysis_progress


def cost(
    config: ConfigOption = None,
    templates: TemplatesOption = None,
    synth_dir: SynthDirOption = Path("cdk.out"),
    live: Annotated[
        bool, typer.Option("--live", help="Ask the AWS Price List API instead of the snapshot.")
    ] = False,
    profile: Annotated[
        str | None, typer.Option("--profile", help="AWS profile for --live.")
    ] = None,
    fallback_region: FallbackOption = None,
    compare_postures: Annotated[
        bool,
        typer.Option("--compare-postures", help="One row per DR posture: cost vs RTO and RPO."),
    ] = False,
    as_json: JsonOption = False,
) -> None:
    """Monthly cost per region and service from the templates and the [usage] config."""
    from tradedr.analysis.service import run_cost

    result = run_cost(
        settings_from(config),
        templates_dir=templates,
        synth_dir=synth_dir,
        live=live,
        profile=profile,
        fallback_region=fallback_region,
        compare=compare_postures,
        progress=None if as_json else analysis_progress,
    )
    render_cost(result, as_json=as_json)
