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
from typing import TYPE_CHECKING, Annotated, Any

import typer

from tradedr.config import DEFAULT_CONFIG_NAME, Settings, config_warnings, load_config

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


class DrillMode(StrEnum):
    """How the drill moves the primary: a region loss, or a planned switchover."""

    UNPLANNED = "unplanned"
    PLANNED = "planned"


class LossKind(StrEnum):
    """What a region loss does to the lab's processes."""

    KILL = "kill"
    FREEZE = "freeze"


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


def _target(local: str, aws: str) -> Any:
    """`--target`, with what local and aws mean for the command that takes it."""
    return typer.Option(
        "--target",
        "-t",
        help=f"local: {local}. aws: {aws}.",
    )


_LOCAL_TEMPORARY = (
    "the emulator that `tradedr emulator start` runs, else a fresh, empty one for this command only"
)
_LOCAL_RUNNING = (
    "the running emulator (`tradedr emulator start`, then `tradedr deploy`); refused when none runs"
)
_AWS_ACCOUNT = "the real account of --profile (or the default AWS credentials)"

# One per command: what the target means differs (a deploy may use a temporary emulator,
# a failover needs the one that holds the deployment, a drill always starts its own).
DeployTargetOption = Annotated[
    Target,
    _target(
        "deploy into the emulator that `tradedr emulator start` runs, else into a fresh one "
        "that stops when the command ends",
        f"deploy the stacks into {_AWS_ACCOUNT}",
    ),
]
ValidateTargetOption = Annotated[
    Target,
    _target(f"check {_LOCAL_TEMPORARY}", f"check the deployment in {_AWS_ACCOUNT}"),
]
DestroyTargetOption = Annotated[
    Target,
    _target(f"delete from {_LOCAL_TEMPORARY}", f"delete the stacks from {_AWS_ACCOUNT}"),
]
RunTargetOption = Annotated[
    Target,
    _target(
        f"act on {_LOCAL_RUNNING}",
        f"act on the deployment in {_AWS_ACCOUNT}; regions are called for real",
    ),
]
ExportTargetOption = Annotated[
    Target,
    _target(
        f"read the resource ARNs from {_LOCAL_TEMPORARY} (deploy into it first)",
        f"read them from the deployment in {_AWS_ACCOUNT}, for a plan Region switch can run",
    ),
]
DrillTargetOption = Annotated[
    Target,
    _target(
        "a fresh emulator started for the drill and stopped after it (never a shared one)",
        f"deploy, fail over and fail back for real in {_AWS_ACCOUNT}",
    ),
]
BackupTargetOption = Annotated[
    Target,
    _target(f"back up or restore in {_LOCAL_TEMPORARY}", f"the deployment in {_AWS_ACCOUNT}"),
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
    settings = load_config(config)
    # A value a real deploy would refuse (a deprecated engine version) is said up front.
    from tradedr.cli.output import print_warning

    for warning in config_warnings(settings):
        print_warning(warning)
    return settings


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
