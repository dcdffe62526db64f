"""`tradedr deploy`: every stack, in dependency order, across regions; `--diff` shows the
change sets and executes nothing."""

from __future__ import annotations

import sys
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from tradedr.cli.options import (
    ConfigOption,
    DeployTargetOption,
    JsonOption,
    ProfileOption,
    Target,
    settings_from,
)
from tradedr.cli.render.deploy import confirm_text, render_changes, render_deploy
from tradedr.cli.render.progress import ops_progress
from tradedr.errors import AwsOperationError, ConfigError

if TYPE_CHECKING:
    from tradedr.ops.changes import StackChanges


def _confirmer(*, yes: bool, as_json: bool, target: str) -> Callable[[StackChanges], bool]:
    """Who confirms a change set that needs it: --yes always; a person at a terminal; with
    --json or no terminal, nobody (an output format is not consent)."""

    def confirm(changes: StackChanges) -> bool:
        if yes:
            return True
        if as_json or not sys.stdin.isatty():
            why = "--json does not prompt" if as_json else "no terminal to ask at"
            raise ConfigError(
                f"{changes.summary()} on {target} needs confirmation: pass --yes ({why}); "
                "see the change sets first with tradedr deploy --diff"
            )
        typer.echo(confirm_text(changes), err=True)
        return typer.confirm(f"Execute this change set on {target}?", default=False, err=True)

    return confirm


def deploy(
    config: ConfigOption = None,
    target: DeployTargetOption = Target.LOCAL,
    profile: ProfileOption = None,
    out: Annotated[Path, typer.Option("--out", "-o", help="Directory for the templates.")] = Path(
        "cdk.out"
    ),
    diff: Annotated[
        bool,
        typer.Option(
            "--diff",
            help="Print each stack's change set (adds, modifies, removes; replacements in "
            "bold) and exit without executing anything.",
        ),
    ] = False,
    yes: Annotated[
        bool, typer.Option("--yes", "-y", help="Execute change sets without asking.")
    ] = False,
    allow_replace: Annotated[
        list[str] | None,
        typer.Option(
            "--allow-replace",
            metavar="LOGICAL_ID",
            help="Allow the change set to replace this stateful resource (a DB, table, "
            "bucket, key, vault or secret); repeat per resource. Without it such a "
            "replacement is refused, even with --yes.",
        ),
    ] = None,
    as_json: JsonOption = False,
) -> None:
    """Deploy every stack in dependency order across regions with change sets (no-op when
    nothing changed). Each change set is reviewed before it runs: replacing a stateful
    resource needs --allow-replace LOGICAL_ID; a replace or remove in a data stack, or any
    change with --target aws, asks for confirmation (--yes skips it; --json never asks, so
    it needs --yes). --diff shows the change sets and exits. Resources the emulator cannot
    create are listed as not emulated (the emulator applies templates without change
    sets, so it reviews nothing)."""
    from tradedr.ops import service

    settings = settings_from(config)
    if diff:
        changes = service.deploy_diff(
            settings,
            target=target.value,
            profile=profile,
            outdir=out,
            progress=ops_progress(as_json),
        )
        render_changes(changes, target=target.value, as_json=as_json)
        return
    result, ephemeral = service.deploy(
        settings,
        target=target.value,
        profile=profile,
        outdir=out,
        progress=ops_progress(as_json),
        allow_replace=frozenset(allow_replace or []),
        confirm=_confirmer(yes=yes, as_json=as_json, target=target.value),
    )
    render_deploy(result, ephemeral=ephemeral, as_json=as_json)
    failure = result.failure
    if failure is not None:
        where = failure.failed_resource or failure.name
        raise AwsOperationError(f"deploy failed: {failure.name}: {where}: {failure.reason}")
