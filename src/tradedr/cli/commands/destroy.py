"""`tradedr destroy`: the stacks deleted in reverse order, after a person's or --yes's consent."""

from __future__ import annotations

import sys
from typing import Annotated

import typer

from tradedr.cli.options import (
    ConfigOption,
    DestroyTargetOption,
    JsonOption,
    ProfileOption,
    Target,
    settings_from,
)
from tradedr.cli.render.destroy import render_destroy
from tradedr.cli.render.progress import ops_progress
from tradedr.errors import ConfigError, TradedrError


def destroy(
    config: ConfigOption = None,
    target: DestroyTargetOption = Target.LOCAL,
    profile: ProfileOption = None,
    delete_data: Annotated[
        bool,
        typer.Option(
            "--delete-data",
            help="Also delete the data and replica stacks, after final RDS snapshots and a "
            "DynamoDB backup. Retained resources (backup vault, bucket, key, table) stay.",
        ),
    ] = False,
    yes: Annotated[bool, typer.Option("--yes", "-y", help="Do not ask for confirmation.")] = False,
    as_json: JsonOption = False,
) -> None:
    """Delete the stacks in reverse order. Stateful stacks stay unless --delete-data.

    Asks for confirmation on a terminal; elsewhere (CI, pipes, --json) it needs --yes.
    """
    from tradedr.ops import service

    settings = settings_from(config)
    if not yes:
        scope = "ALL stacks including data" if delete_data else "the global and app stacks"
        what = f"{scope} of {settings.prefix} on {target}"
        # An output format is not consent: without --yes, only a person at a terminal can.
        if as_json or not sys.stdin.isatty():
            why = "--json does not prompt" if as_json else "no terminal to ask at"
            raise ConfigError(f"pass --yes to confirm deleting {what} ({why})")
        if not typer.confirm(f"Delete {what}?", default=False, err=True):
            raise TradedrError("declined at the prompt; nothing was deleted")
    result = service.destroy(
        settings,
        target=target.value,
        profile=profile,
        delete_data=delete_data,
        progress=ops_progress(as_json),
    )
    render_destroy(result, as_json=as_json)
    if not result.ok:
        raise typer.Exit(3)
