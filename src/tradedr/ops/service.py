"""The operations behind the CLI, one function per command: deploy, validate, destroy,
failover, failback, fence, export_plan, backup_now, restore_test and drill.

A thin facade: each function delegates to the module that does the work and adds nothing
but the call. Imports happen inside the functions, so importing this module (as the CLI
does for every command) stays cheap and tests that replace a module's function are seen.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from tradedr.config import Settings
    from tradedr.ops.backup import BackupResult
    from tradedr.ops.changes import StackChanges
    from tradedr.ops.deploy import DeployResult
    from tradedr.ops.destroy import DestroyResult
    from tradedr.ops.drill import DrillReport
    from tradedr.ops.executor import RunResult
    from tradedr.ops.region_switch import RegionSwitchExport
    from tradedr.ops.run import RunOptions
    from tradedr.ops.validate import ValidationReport

Progress = Callable[[str], None]


def deploy(
    settings: Settings,
    *,
    target: str,
    profile: str | None,
    outdir: Path,
    progress: Progress | None = None,
    allow_replace: frozenset[str] = frozenset(),
    confirm: Callable[[StackChanges], bool] | None = None,
) -> tuple[DeployResult, bool]:
    """Synthesize into `outdir` and deploy every stack, reviewing each change set first;
    (result, emulator was ephemeral)."""
    from tradedr.ops.deploy import run_deploy

    return run_deploy(
        settings,
        target=target,
        profile=profile,
        outdir=outdir,
        progress=progress,
        allow_replace=allow_replace,
        confirm=confirm,
    )


def deploy_diff(
    settings: Settings,
    *,
    target: str,
    profile: str | None,
    outdir: Path,
    progress: Progress | None = None,
) -> list[StackChanges]:
    """Each stack's change set against the target; nothing is executed."""
    from tradedr.ops.deploy_diff import run_diff

    return run_diff(settings, target=target, profile=profile, outdir=outdir, progress=progress)


def validate(
    settings: Settings, *, target: str, profile: str | None, runs_dir: Path | None = None
) -> ValidationReport:
    """Check the deployment with boto3, region by region."""
    from tradedr.ops.validate import run_validate

    return run_validate(settings, target=target, profile=profile, runs_dir=runs_dir)


def destroy(
    settings: Settings,
    *,
    target: str,
    profile: str | None,
    delete_data: bool,
    progress: Progress | None = None,
) -> DestroyResult:
    """Delete the stacks in reverse order (stateful ones only with `delete_data`)."""
    from tradedr.ops.destroy import run_destroy

    return run_destroy(
        settings, target=target, profile=profile, delete_data=delete_data, progress=progress
    )


def failover(
    settings: Settings,
    options: RunOptions,
    *,
    profile: str | None,
    to_region: str | None,
    from_region: str | None = None,
    practice: bool = False,
    allow_data_loss: bool = False,
    assume_region_lost: bool = False,
) -> RunResult:
    """Build, show and run (or resume) a failover plan on `options.target`."""
    from tradedr.ops.failover import failover as run_failover
    from tradedr.ops.run import run_on_target

    return run_on_target(
        run_failover,
        settings,
        options,
        profile=profile,
        to_region=to_region,
        from_region=from_region,
        practice=practice,
        allow_data_loss=allow_data_loss,
        assume_region_lost=assume_region_lost,
    )


def failback(
    settings: Settings,
    options: RunOptions,
    *,
    profile: str | None,
    to_region: str | None,
    from_region: str | None,
) -> RunResult:
    """Build, show and run (or resume) the failback plan on `options.target`."""
    from tradedr.ops.failback import failback as run_failback
    from tradedr.ops.run import run_on_target

    return run_on_target(
        run_failback,
        settings,
        options,
        profile=profile,
        to_region=to_region,
        from_region=from_region,
    )


def fence(
    settings: Settings, options: RunOptions, *, profile: str | None, region: str
) -> RunResult:
    """Build, show and run the fence plan for a recovered former primary."""
    from tradedr.ops.fence import fence as run_fence
    from tradedr.ops.run import run_on_target

    return run_on_target(run_fence, settings, options, profile=profile, region=region)


def export_plan(
    settings: Settings,
    *,
    target: str,
    profile: str | None,
    to_region: str | None,
    execution_role: str,
    approval_role: str | None = None,
    custom_action_lambda: str | None = None,
    include_approval: bool = True,
) -> RegionSwitchExport:
    """The failover plan as CreatePlan input for AWS ARC Region switch, with the ARNs of
    the deployed resources read from the target."""
    from tradedr.ops import region_switch

    return region_switch.export_on_target(
        settings,
        target=target,
        profile=profile,
        to_region=to_region,
        options=region_switch.ExportOptions(
            execution_role=execution_role,
            approval_role=approval_role,
            custom_action_lambda=custom_action_lambda,
            include_approval=include_approval,
        ),
    )


def backup_now(
    settings: Settings, *, target: str, profile: str | None, progress: Progress | None = None
) -> BackupResult:
    """Snapshots, table backups and exports, and an AWS Backup job, now."""
    from tradedr.ops.backup import run_backup_now

    return run_backup_now(settings, target=target, profile=profile, progress=progress)


def restore_test(
    settings: Settings,
    *,
    target: str,
    profile: str | None,
    region: str | None,
    progress: Progress | None = None,
) -> BackupResult:
    """Restore the latest backups into scratch resources, read them, delete them."""
    from tradedr.ops.backup import run_restore_test

    return run_restore_test(
        settings, target=target, profile=profile, region=region, progress=progress
    )


@dataclass(frozen=True)
class DrillOutcome:
    """A drill's report and where it was written."""

    report: DrillReport
    markdown_path: Path
    json_path: Path


def drill(
    settings: Settings,
    *,
    target: str,
    profile: str | None,
    out: Path,
    progress: Progress | None = None,
    mode: str = "unplanned",
    loss: str = "kill",
    rate: float = 50.0,
    allow_data_loss: bool = False,
    data_plane: bool = True,
    inject_lag_seconds: float = 0.0,
) -> DrillOutcome:
    """Run the DR drill (journals under OUT/drill-runs, the lab's data under OUT/lab) and
    write OUT/drill-report.md/.json."""
    from tradedr.errors import ConfigError
    from tradedr.ops.drill import LabSettings, run_drill, write_report

    if mode not in ("unplanned", "planned") or loss not in ("kill", "freeze"):
        raise ConfigError(f"drill: mode {mode!r} or loss {loss!r} is not a known choice")
    lab = LabSettings(
        enabled=data_plane and target == "local",
        mode=mode,  # type: ignore[arg-type]
        loss=loss,  # type: ignore[arg-type]
        rate=rate,
        allow_data_loss=allow_data_loss,
        inject_lag_seconds=inject_lag_seconds,
        state_dir=out / "lab",
    )
    report = run_drill(
        settings,
        target=target,
        profile=profile,
        runs_dir=out / "drill-runs",
        progress=progress,
        lab=lab,
    )
    markdown, data = write_report(report, out)
    return DrillOutcome(report, markdown, data)
