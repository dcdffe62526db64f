"""`tradedr synth`: one row per stack in deployment order."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from rich.table import Table

from tradedr.cli.output import console, count, emit_json

if TYPE_CHECKING:
    from tradedr.infra.synth import StackTemplate


def render_stacks(stacks: list[StackTemplate], out: Path, *, as_json: bool) -> None:
    if as_json:
        emit_json(
            {
                "stacks": [
                    {
                        "name": s.name,
                        "region": s.region,
                        "resources": s.resources,
                        "bytes": s.bytes,
                        "template": str(s.template_path),
                    }
                    for s in stacks
                ]
            }
        )
        return
    table = Table(title=f"{count(len(stacks))} stacks written to {out}")
    table.add_column("stack", no_wrap=True)
    table.add_column("region", no_wrap=True)
    table.add_column("kind")
    table.add_column("resources", justify="right")
    table.add_column("template bytes", justify="right")
    for s in stacks:
        table.add_row(s.name, s.region, s.kind, count(s.resources), count(s.bytes))
    console.print(table)
