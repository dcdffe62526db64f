"""The options several commands share, as Annotated bundles, the choices they take, and
the builders that turn shared flags into what a service function needs (settings, the run
options of failover, failback and fence).

A value outside a choice is bad input: one line naming the option and its choices, exit 2
(see `TradedrGroup` in app.py).
"""

from __future__ import annotations

from collections.abc import Callable
from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from tradedr.config import DEFAULT_CONFIG_NAME, Settings, load_config

if TYPE_CHECKING:
    from tradedr.ops.run import RunOptions


class Target(StrEnum):
    """Where operations run."""

    LOCAL = "local"
    AWS = "aws"


class OutputFormat(StrEnum):
    """How `tradedr check` prints its report."""

    TABLE = "table"
    JSON = "json"
    SARIF = "sarif"


class FailOn(StrEnum):
    """The least severe finding that fails `tradedr check` (exit 1)."""

    ERROR = "error"
    WARNING = "warning"


class ExportFormat(StrEnum):
    """What `tradedr export-plan` writes; the value is `tradedr.ops.region_switch.FORMAT`."""

    ARC_REGION_SWITCH = "arc-region-switch"


ConfigOption = Annotated[
    Path | None,
    typer.Option(
        "--config",
        "-c",
        help=f"Config file (TOML). Default: ./{DEFAULT_CONFIG_NAME} if present, "
        "else the built-in defaults.",
    ),
]
JsonOption = Annotated[bool, typer.Option("--json", help="Print machine-readable JSON for CI.")]
TargetOption = Annotated[
    Target,
    typer.Option(
        "--target",
        "-t",
        help="local: the embedded emulator (started for this command unless `tradedr "
        "emulator start` runs one); aws: a real account.",
    ),
]
ProfileOption = Annotated[
    str | None, typer.Option("--profile", help="AWS profile for --target aws.")
]

# The analyses (rto, cost, review) ----------------------------------------------------
TemplatesOption = Annotated[
    Path | None,
    typer.Option(
        "--templates",
        help="Read templates from this directory (e.g. cdk.out) instead of synthesizing.",
        file_okay=False,
    ),
]
FallbackOption = Annotated[
    str | None,
    typer.Option(
        "--fallback-region",
        help="Fill prices missing from the snapshot with this region's (each line labelled).",
    ),
]
SynthDirOption = Annotated[
    Path, typer.Option("--synth-dir", help="Where to synthesize when --templates is not given.")
]

# Runs of a plan (failover, failback, fence) --------------------------------------------
RunsDirOption = Annotated[
    Path,
    typer.Option("--runs-dir", help="Where run journals are kept (one directory per RUN_ID)."),
]
YesOption = Annotated[
    bool, typer.Option("--yes", "-y", help="Approve the plan's manual-approval step.")
]
DryRunOption = Annotated[
    bool,
    typer.Option("--dry-run", help="Print the plan and run only its read-only checks."),
]
ResumeOption = Annotated[
    str | None,
    typer.Option("--resume", metavar="RUN_ID", help="Continue an interrupted run."),
]


def settings_from(config: Path | None) -> Settings:
    # load_config checks the file itself (missing, a directory, a FIFO, too large, not
    # UTF-8), so every problem is one line and exit code 2, never click's usage box.
    return load_config(config)


def approver(yes: bool) -> Callable[[str], bool] | None:
    """None approves automatically (and the journal says so). A prompt that gets no answer
    (stdin at EOF, Ctrl-C) declines: the plan stops "not approved" and can be resumed."""
    if yes:
        return None

    def approve(prompt: str) -> bool:
        from tradedr.cli.output import err_console

        try:
            return typer.confirm(prompt, default=False, err=True)
        except typer.Abort:
            err_console.print("")  # end the prompt's line; the plan reports the refusal
            return False

    return approve


def run_options(
    target: Target,
    *,
    dry_run: bool,
    yes: bool,
    resume: str | None,
    runs_dir: Path,
    as_json: bool,
) -> RunOptions:
    """The run options failover, failback and fence share, from their common flags."""
    from tradedr.cli.render.runs import print_plan, step_progress
    from tradedr.ops.run import RunOptions

    return RunOptions(
        target="aws" if target is Target.AWS else "local",
        dry_run=dry_run,
        approver=approver(yes),
        resume=resume,
        runs_dir=runs_dir,
        progress=step_progress(as_json),
        on_plan=None if as_json else print_plan,
    )
