"""`tradedr emulator start|stop|status`: the embedded AWS emulator in the background."""

from __future__ import annotations

from typing import Annotated

import typer

from tradedr.cli.options import JsonOption
from tradedr.cli.render.emulator import render_started, render_status, render_stopped


def start(
    port: Annotated[int | None, typer.Option(help="Port (default: a free one).")] = None,
    as_json: JsonOption = False,
) -> None:
    """Start a background emulator on 127.0.0.1; later commands use it until `stop`."""
    from tradedr.emulator import service

    state, started = service.start(port)
    render_started(state, started, as_json=as_json)


def stop(as_json: JsonOption = False) -> None:
    """Stop the background emulator; everything deployed into it is gone."""
    from tradedr.emulator import service

    render_stopped(service.stop(), as_json=as_json)


def status(as_json: JsonOption = False) -> None:
    """Is a background emulator running, and where. Exit 1 when none is."""
    from tradedr.emulator import service

    current = service.status()
    render_status(current, as_json=as_json)
    if not current.running:
        raise typer.Exit(1)
