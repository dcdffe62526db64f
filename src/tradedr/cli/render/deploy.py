"""`tradedr deploy`: one row per stack, then what the emulator did not create or replaced."""

from __future__ import annotations

from typing import TYPE_CHECKING

from rich.markup import escape
from rich.table import Table

from tradedr.cli.output import console, count, emit_json, err_console, seconds

if TYPE_CHECKING:
    from tradedr.ops.changes import StackChanges
    from tradedr.ops.deploy import DeployResult


def render_deploy(result: DeployResult, *, ephemeral: bool, as_json: bool) -> None:
    if as_json:
        emit_json(result.to_dict())
        return
    table = Table(title=f"deploy to {result.target}: {seconds(result.seconds)}")
    table.add_column("stack", no_wrap=True)
    table.add_column("region", no_wrap=True)
    table.add_column("status")
    table.add_column("created", justify="right")
    table.add_column("not emulated", justify="right")
    table.add_column("seconds", justify="right")
    for s in result.stacks:
        table.add_row(
            s.name,
            s.region,
            s.status,
            str(s.created),
            count(len(s.not_emulated)) if s.not_emulated else "",
            seconds(s.seconds, unit=False),
        )
    console.print(table)
    if result.not_emulated:
        gaps = Table(title="not emulated (listed by the emulator, not created)")
        gaps.add_column("stack", no_wrap=True)
        gaps.add_column("resource")
        gaps.add_column("type")
        for note in result.not_emulated:
            gaps.add_row(note.stack, note.logical_id, note.resource_type)
        console.print(gaps)
    if result.substituted:
        subs = Table(title="substituted for the emulator")
        subs.add_column("stack", no_wrap=True)
        subs.add_column("resource")
        subs.add_column("how")
        for note in result.substituted:
            subs.add_row(note.stack, note.logical_id, note.detail)
        console.print(subs)
    if ephemeral and result.target == "local":
        err_console.print(
            "note: the emulator ran for this command only and is gone; run "
            "`tradedr emulator start` first to keep what you deploy."
        )


def render_changes(changes: list[StackChanges], *, target: str, as_json: bool) -> None:
    """`deploy --diff`: each stack's adds, modifies, removes; replacements in bold."""
    if as_json:
        emit_json({"target": target, "executed": False, "stacks": [c.to_dict() for c in changes]})
        return
    for stack in changes:
        if stack.status == "unchanged":
            console.print(f"{escape(stack.name)} ({stack.region}): no changes")
            continue
        label = " (new stack)" if stack.status == "new" else ""
        console.print(f"{escape(stack.summary())}{label}")
        for change in stack.changes:
            sign = {"Add": "+", "Modify": "~", "Remove": "-"}.get(change.action, "?")
            line = f"  {sign} {change.logical_id} ({change.resource_type})"
            if change.replaces:
                replace = "REPLACE" if change.replacement == "True" else "may replace"
                console.print(f"[bold]{escape(line)} {replace}[/bold]")
            else:
                console.print(escape(line))
    console.print(f"nothing was executed on {target} (deploy --diff)")


def confirm_text(changes: StackChanges) -> str:
    """What the confirmation prompt shows for one change set."""
    lines = [changes.summary()]
    lines += [
        f"  {c.action} {c.logical_id} ({c.resource_type})" + (" REPLACE" if c.replaces else "")
        for c in changes.changes
        if c.replaces or c.action == "Remove" or changes.kind == "data"
    ][:30]
    return "\n".join(lines)
