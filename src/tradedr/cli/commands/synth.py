"""`tradedr synth`: the CloudFormation templates, with no AWS credentials or network."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from tradedr.cli.options import ConfigOption, JsonOption, settings_from
from tradedr.cli.output import err_console
from tradedr.cli.render.synth import render_stacks


def synth(
    config: ConfigOption = None,
    out: Annotated[Path, typer.Option("--out", "-o", help="Directory for the templates.")] = Path(
        "cdk.out"
    ),
    as_json: JsonOption = False,
) -> None:
    """Synthesize the CloudFormation templates (per region: data, replica, app; plus global).

    Needs no AWS credentials or network. Prints one row per stack in deployment order.
    """
    from tradedr.infra import service

    settings = settings_from(config)
    if not as_json:
        err_console.print(f"synthesizing {settings.prefix} ({settings.posture.value}) ...")
    render_stacks(service.synth(settings, out), out, as_json=as_json)
