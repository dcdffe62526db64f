"""`tradedr failover`, `failback` and `fence`: build a plan, show it, approve it, run it;
and `tradedr export-plan`, the failover plan as input for AWS ARC Region switch."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from tradedr.cli.options import (
    ConfigOption,
    DryRunOption,
    ExportFormat,
    ExportTargetOption,
    JsonOption,
    ProfileOption,
    ResumeOption,
    RunsDirOption,
    RunTargetOption,
    Target,
    YesOption,
    run_options,
    settings_from,
)
from tradedr.cli.render.runs import render_export, render_run
from tradedr.errors import ConfigError

if TYPE_CHECKING:
    from tradedr.config import Settings
    from tradedr.ops.executor import RunResult

DEFAULT_RUNS_DIR = Path(".tradedr/runs")


def _region_of(settings: Settings, flag: str, region: str) -> str:
    """`region`, when it is one of the config's; else the one-line error a plan would give.

    Checked before the target opens, so a wrong or missing input is reported before a
    missing emulator or missing credentials are."""
    if region not in settings.all_regions:
        raise ConfigError(
            f"{flag} {region}: not a region of {settings.prefix} "
            f"({', '.join(settings.all_regions)})"
        )
    return region


def _finish(result: RunResult, *, as_json: bool) -> None:
    """Render a run; a run that stopped or failed exits with the code it carries."""
    render_run(result, as_json=as_json)
    if result.exit_code:
        raise typer.Exit(result.exit_code)


def failover(
    to: Annotated[
        str | None, typer.Option("--to", metavar="REGION", help="Region to fail over to.")
    ] = None,
    from_region: Annotated[
        str | None,
        typer.Option(
            "--from",
            metavar="REGION",
            help="Region to fail over from (default: the primary). Under dynamodb-mrsc every "
            "region serves, so this names the one to take out of the accelerator.",
        ),
    ] = None,
    config: ConfigOption = None,
    target: RunTargetOption = Target.LOCAL,
    profile: ProfileOption = None,
    dry_run: DryRunOption = False,
    practice: Annotated[
        bool,
        typer.Option("--practice", help="Rehearse the unplanned path on a healthy system."),
    ] = False,
    allow_data_loss: Annotated[
        bool,
        typer.Option(
            "--allow-data-loss", help="Proceed when replica lag exceeds the RPO or is unknown."
        ),
    ] = False,
    assume_region_lost: Annotated[
        bool,
        typer.Option(
            "--assume-region-lost",
            help="Treat the primary region as lost when the probe cannot decide (its API is "
            "unreachable but the routing's health view is unknown or still healthy). The "
            "unplanned plan does not fence the old primary: fence it when it returns.",
        ),
    ] = False,
    yes: YesOption = False,
    resume: ResumeOption = None,
    runs_dir: RunsDirOption = DEFAULT_RUNS_DIR,
    as_json: JsonOption = False,
) -> None:
    """Fail over to REGION: build the plan, print it, ask for approval, run it.

    Planned when the primary's API answers (fence, catch up, promote, retire the old
    writer). Unplanned only when two signals agree the primary is lost: its API stays
    unreachable through retries AND the routing's health view (Route 53 health checkers or
    Global Accelerator) sees it unhealthy; nothing in the failed region is called. When the
    signals disagree or are unknown the command refuses (exit 1): pass --assume-region-lost
    if you know the region is gone. Only one run per deployment at a time (exit 1 names the
    holder). --resume re-checks the deployment first and re-runs the lag check, the drain
    and the approval before a pending promotion.
    """
    from tradedr.ops import service

    settings = settings_from(config)
    if to is not None:
        _region_of(settings, "--to", to)
    elif resume is None:
        raise ConfigError("--to REGION is required (unless --resume RUN_ID)")
    if from_region is not None:
        _region_of(settings, "--from", from_region)
    result = service.failover(
        settings,
        run_options(
            target, dry_run=dry_run, yes=yes, resume=resume, runs_dir=runs_dir, as_json=as_json
        ),
        profile=profile,
        to_region=to,
        from_region=from_region,
        practice=practice,
        allow_data_loss=allow_data_loss,
        assume_region_lost=assume_region_lost,
    )
    _finish(result, as_json=as_json)


def failback(
    to: Annotated[
        str | None,
        typer.Option("--to", metavar="REGION", help="Home region (default: the primary)."),
    ] = None,
    from_region: Annotated[
        str | None,
        typer.Option("--from", metavar="REGION", help="Current writer region (default: found)."),
    ] = None,
    config: ConfigOption = None,
    target: RunTargetOption = Target.LOCAL,
    profile: ProfileOption = None,
    dry_run: DryRunOption = False,
    yes: YesOption = False,
    resume: ResumeOption = None,
    runs_dir: RunsDirOption = DEFAULT_RUNS_DIR,
    as_json: JsonOption = False,
) -> None:
    """Return to the home region: retire its stale writer, replicate back, catch up, then
    run the reverse plan and rebuild the standby replica."""
    from tradedr.ops import service

    settings = settings_from(config)
    for flag, region in (("--to", to), ("--from", from_region)):
        if region is not None:
            _region_of(settings, flag, region)
    result = service.failback(
        settings,
        run_options(
            target, dry_run=dry_run, yes=yes, resume=resume, runs_dir=runs_dir, as_json=as_json
        ),
        profile=profile,
        to_region=to,
        from_region=from_region,
    )
    _finish(result, as_json=as_json)


def fence(
    region: Annotated[
        str,
        typer.Option("--region", metavar="REGION", help="The recovered former primary."),
    ],
    config: ConfigOption = None,
    target: RunTargetOption = Target.LOCAL,
    profile: ProfileOption = None,
    dry_run: DryRunOption = False,
    yes: YesOption = False,
    runs_dir: RunsDirOption = DEFAULT_RUNS_DIR,
    as_json: JsonOption = False,
) -> None:
    """Stop a recovered former primary from taking traffic or writes after an unplanned
    failover: scale its app to 0 and retire its stale writer (data kept).

    Run it as soon as the lost region answers again, before its health check turns healthy;
    it refuses when REGION holds the only writer. Failback comes later, when you choose.
    """
    from tradedr.ops import service

    settings = settings_from(config)
    _region_of(settings, "--region", region)
    result = service.fence(
        settings,
        run_options(
            target, dry_run=dry_run, yes=yes, resume=None, runs_dir=runs_dir, as_json=as_json
        ),
        profile=profile,
        region=region,
    )
    _finish(result, as_json=as_json)


def export_plan(
    export_format: Annotated[
        ExportFormat,
        typer.Option("--format", help="Export format: arc-region-switch (AWS ARC Region switch)."),
    ],
    execution_role: Annotated[
        str,
        typer.Option(
            "--execution-role",
            help="IAM role ARN Region switch runs the plan as (required by CreatePlan).",
        ),
    ],
    config: ConfigOption = None,
    to_region: Annotated[
        str | None, typer.Option("--to", help="Region to activate (default: the first standby).")
    ] = None,
    out: Annotated[
        Path | None, typer.Option("--out", "-o", help="Write the JSON here instead of stdout.")
    ] = None,
    approval_role: Annotated[
        str | None,
        typer.Option("--approval-role", help="IAM role ARN allowed to approve the plan's step."),
    ] = None,
    no_approval: Annotated[
        bool, typer.Option("--no-approval", help="Leave the manual approval step out.")
    ] = False,
    custom_action_lambda: Annotated[
        str | None,
        typer.Option(
            "--custom-action-lambda",
            help="Lambda ARN that performs the steps with no native Region switch block "
            "(SSM endpoint update, fencing, verification...); see docs/failover.md.",
        ),
    ] = None,
    target: ExportTargetOption = Target.LOCAL,
    profile: ProfileOption = None,
    as_json: JsonOption = False,
) -> None:
    """Export the failover plan as CreatePlan input for AWS ARC Region switch.

    ARNs of the deployed resources are read from the target (ASGs, databases, traffic
    controls): by default the running emulator, like every command; pass --target aws for
    the plan to give Region switch. Roles and the custom-action Lambda come from the flags,
    never invented.
    """
    from tradedr.ops import service

    assert export_format is ExportFormat.ARC_REGION_SWITCH  # the only choice typer accepts
    settings = settings_from(config)
    if to_region is not None:
        _region_of(settings, "--to", to_region)
    export = service.export_plan(
        settings,
        target=target.value,
        profile=profile,
        to_region=to_region,
        execution_role=execution_role,
        approval_role=approval_role,
        custom_action_lambda=custom_action_lambda,
        include_approval=not no_approval,
    )
    render_export(export, out=out, as_json=as_json)
