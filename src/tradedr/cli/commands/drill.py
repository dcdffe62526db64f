"""`tradedr drill`: the whole DR drill, on a fresh emulator by default."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from tradedr.cli.options import (
    ConfigOption,
    DrillMode,
    DrillTargetOption,
    JsonOption,
    LossKind,
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
    mode: Annotated[
        DrillMode,
        typer.Option(
            "--mode",
            help="unplanned: lose the primary region, then fail over (the lag guard decides); "
            "planned: a switchover with both regions up (no order may be lost).",
        ),
    ] = DrillMode.UNPLANNED,
    loss: Annotated[
        LossKind,
        typer.Option(
            "--loss",
            help="What the region loss does to the lab's processes: kill (kill -9) or "
            "freeze (SIGSTOP, a gray failure: connections hang instead of failing).",
        ),
    ] = LossKind.KILL,
    rate: Annotated[
        float,
        typer.Option("--rate", min=1.0, max=500.0, help="Orders per second the workload places."),
    ] = 50.0,
    allow_data_loss: Annotated[
        bool,
        typer.Option(
            "--allow-data-loss",
            help="Let the failover promote a lagging replica, and the drill pass with lost "
            "acknowledged orders (still reported, one by one).",
        ),
    ] = False,
    data_plane: Annotated[
        bool,
        typer.Option(
            "--data-plane/--no-data-plane",
            help="On the emulator, run the real data plane (MariaDB, the orders app, HAProxy) "
            "and the order workload behind it.",
        ),
    ] = True,
    as_json: JsonOption = False,
) -> None:
    """The DR drill: deploy, seed, validate, lose the primary, fail over, fail back, report.

    On the emulator by default (a fresh one, started for the drill), with a real data plane
    behind it where MariaDB and HAProxy are installed (make system-deps): one MariaDB per
    orders DB replicating with GTIDs, the orders app as the ASGs size it, HAProxy routing
    as the global stack does, and a client placing orders from before the loss until after
    failback. The checker reports acknowledged orders lost, split-brain writes and how long
    clients saw errors. Exit 0 only when every step succeeded and no acknowledged order was
    lost (unless --allow-data-loss) and none was written by two writers; steps the emulator
    cannot perform are "not-emulated".
    """
    from tradedr.ops import service

    outcome = service.drill(
        settings_from(config),
        target=target.value,
        profile=profile,
        out=out,
        progress=ops_progress(as_json),
        mode=mode.value,
        loss=loss.value,
        rate=rate,
        allow_data_loss=allow_data_loss,
        data_plane=data_plane,
    )
    render_drill(outcome, as_json=as_json)
    if not outcome.report.passed:
        raise typer.Exit(1)
