"""`tradedr runbook`: the paths written."""

from __future__ import annotations

from pathlib import Path

from tradedr.cli.output import console, emit_json


def render_runbooks(paths: list[Path], *, as_json: bool) -> None:
    if as_json:
        emit_json({"runbooks": [str(p) for p in paths]})
        return
    for path in paths:
        console.print(f"wrote {path}")
