"""`tradedr backup now` and `tradedr backup restore-test`."""

from __future__ import annotations

from typing import Annotated

import typer

from tradedr.cli.options import (
    BackupTargetOption,
    ConfigOption,
    JsonOption,
    ProfileOption,
    Target,
    settings_from,
)
from tradedr.cli.render.backup import render_backup
from tradedr.cli.render.progress import ops_progress


def now(
    config: ConfigOption = None,
    target: BackupTargetOption = Target.LOCAL,
    profile: ProfileOption = None,
    as_json: JsonOption = False,
) -> None:
    """RDS snapshot copied to every standby, DynamoDB backup and export to S3, and an AWS
    Backup job (not emulated locally). Exit 1 if any of them failed."""
    from tradedr.ops import service

    settings = settings_from(config)
    result = service.backup_now(
        settings, target=target.value, profile=profile, progress=ops_progress(as_json)
    )
    render_backup(result, title=f"backup now: {settings.prefix} on {target}", as_json=as_json)
    if not result.ok:
        raise typer.Exit(1)


def restore_test(
    config: ConfigOption = None,
    target: BackupTargetOption = Target.LOCAL,
    profile: ProfileOption = None,
    region: Annotated[
        str | None, typer.Option(help="Region to restore into (default: the first standby).")
    ] = None,
    as_json: JsonOption = False,
) -> None:
    """Restore the latest snapshot and table backup into scratch resources, read them,
    delete them (whatever happened), and report how long each restore took and every
    scratch resource deleted or left behind. Exit 1 if a restore failed, 3 if a scratch
    resource could not be deleted (the output names each one left)."""
    from tradedr.ops import service

    settings = settings_from(config)
    result = service.restore_test(
        settings,
        target=target.value,
        profile=profile,
        region=region,
        progress=ops_progress(as_json),
    )
    render_backup(result, title=f"restore test: {settings.prefix} on {target}", as_json=as_json)
    if result.left_behind:
        raise typer.Exit(3)
    if not result.ok:
        raise typer.Exit(1)
