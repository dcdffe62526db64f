"""`tradedr destroy`: what was deleted, kept, backed up, retained, re-protected or failed."""

from __future__ import annotations

from typing import TYPE_CHECKING

from tradedr.cli.output import console, emit_json

if TYPE_CHECKING:
    from tradedr.ops.destroy import DestroyResult


def render_destroy(result: DestroyResult, *, as_json: bool) -> None:
    if as_json:
        emit_json(result.to_dict())
        return
    for label, items in (
        ("deleted", result.deleted),
        ("kept (stateful; --delete-data to remove)", result.kept),
        ("final backups", result.final_backups),
        ("retained (DeletionPolicy Retain, or owned by no stack)", result.retained),
        ("deletion protection restored (the destroy failed)", result.reprotected),
        ("failed", result.failed),
    ):
        if items:
            console.print(f"[bold]{label}:[/]")
            for item in items:
                console.print(f"  {item}", highlight=False)
