"""`tradedr drill`: the whole DR drill, on a fresh emulator by default."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from tradedr.cli.options import (
    ConfigOption,
    DrillTargetOption,
    JsonOption,
    ProfileOption,
    Target,
    settings_from,
)
from tradedr.cli.render.drill import render_drill
from tradedr.cli.render.progress import ops_progress


def drill(
    config: ConfigOption = None,
    target: DrillTargetOption = Target.LOCAL,
    profile: ProfileOption = None,
    out: Annotated[
        Path, typer.Option("--out", "-o", help="Directory for drill-report.md/.json.")
    ] = Path("."),
    as_json: JsonOption = False,
) -> None:
    """The DR drill: deploy, seed, validate, lose the primary, fail over, fail back, report.

    On the emulator by default (a fresh one, started for the drill). Exit 0 only when
    every emulated step succeeded; steps the emulator cannot perform are "not-emulated".
    """
    from tradedr.ops import service

    outcome = service.drill(
        settings_from(config),
        target=target.value,
        profile=profile,
        out=out,
        progress=ops_progress(as_json),
    )
    render_drill(outcome, as_json=as_json)
    if not outcome.report.passed:
        raise typer.Exit(1)
