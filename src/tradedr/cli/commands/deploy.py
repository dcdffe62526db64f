"""`tradedr deploy`: every stack, in dependency order, across regions."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from tradedr.cli.options import (
    ConfigOption,
    DeployTargetOption,
    JsonOption,
    ProfileOption,
    Target,
    settings_from,
)
from tradedr.cli.render.deploy import render_deploy
from tradedr.cli.render.progress import ops_progress
from tradedr.errors import AwsOperationError


def deploy(
    config: ConfigOption = None,
    target: DeployTargetOption = Target.LOCAL,
    profile: ProfileOption = None,
    out: Annotated[Path, typer.Option("--out", "-o", help="Directory for the templates.")] = Path(
        "cdk.out"
    ),
    as_json: JsonOption = False,
) -> None:
    """Deploy every stack in dependency order across regions (change sets; no-op when
    nothing changed). Resources the emulator cannot create are listed as not emulated."""
    from tradedr.ops import service

    result, ephemeral = service.deploy(
        settings_from(config),
        target=target.value,
        profile=profile,
        outdir=out,
        progress=ops_progress(as_json),
    )
    render_deploy(result, ephemeral=ephemeral, as_json=as_json)
    failure = result.failure
    if failure is not None:
        where = failure.failed_resource or failure.name
        raise AwsOperationError(f"deploy failed: {failure.name}: {where}: {failure.reason}")
