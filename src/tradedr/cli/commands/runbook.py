"""`tradedr runbook`: Markdown runbooks naming this deployment's real resources."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from tradedr.cli.options import ConfigOption, JsonOption, settings_from
from tradedr.cli.render.runbooks import render_runbooks


def runbook(
    config: ConfigOption = None,
    out: Annotated[Path, typer.Option("--out", "-o", help="Directory for the runbooks.")] = Path(
        "runbooks"
    ),
    as_json: JsonOption = False,
) -> None:
    """Write Markdown runbooks naming this deployment's real stacks, resources and regions.

    Validation, failover, failback, the quarterly DR test, eight incident runbooks, scaling,
    backup/restore, cost monitoring and tagging. Regenerate after every config change.
    """
    from tradedr.runbooks.service import generate_runbooks

    render_runbooks(generate_runbooks(settings_from(config), out), as_json=as_json)
