"""How every mutating plan runs: one set of run options, one `execute`, under one lock.

Failover, failback and fence differ only in how they build their plan. Everything after
that is shared and lives here, in the shape of sam-cli's DeployContext over its deployer:
`RunOptions` carries what the operator chose (target, dry run, approvals, where runs are
journaled, retries, progress, resume), `execute` shows the plan, takes the deployment's
lock and runs or resumes it, and `run_on_target` opens the emulator or AWS first.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any, Protocol

from tradedr.config import Settings
from tradedr.errors import ConfigError
from tradedr.evidence.provenance import Provenance
from tradedr.evidence.provenance import gather as gather_provenance
from tradedr.ops.actions.base import ExecutionContext, Target, always_approve
from tradedr.ops.backend import Backend
from tradedr.ops.clients import ClientProvider
from tradedr.ops.executor import (
    DEFAULT_RUNS_DIR,
    Executor,
    RetryPolicy,
    RunResult,
    load_run,
    new_run_id,
)
from tradedr.ops.lock import deployment_lock
from tradedr.ops.plans import Plan, Step
from tradedr.ops.target import backend_for


class Progress(Protocol):
    """Told as steps start, retry and end: `extra` is the retry reason or the StepRecord."""

    def __call__(self, event: str, step: Step | None, attempt: int, extra: Any = None) -> None: ...


@dataclass(frozen=True)
class RunOptions:
    """What the operator chose for a run, the same for failover, failback and fence."""

    target: Target = "local"
    dry_run: bool = False
    approver: Callable[[str], bool] | None = None
    resume: str | None = None
    runs_dir: Path = DEFAULT_RUNS_DIR
    retry: RetryPolicy | None = None
    progress: Progress | None = None
    on_plan: Callable[[Plan], None] | None = None
    poll_seconds: float | None = None
    # What the target really performs; None: the target's own (`backend_for(target)`). A
    # drill with a local data plane passes the emulator backend it announced to.
    backend: Backend | None = None

    def but(self, **changes: Any) -> RunOptions:
        return replace(self, **changes)


def execution_context(
    settings: Settings, provider: ClientProvider, options: RunOptions
) -> ExecutionContext:
    """How steps wait, as the backend paces them: quick polls on the emulator, AWS-paced
    ones (up to 30 min) on AWS."""
    backend = options.backend or backend_for(options.target)
    poll = options.poll_seconds
    return ExecutionContext(
        provider=provider,
        settings=settings,
        target=options.target,
        approver=options.approver or always_approve,
        poll_seconds=poll if poll is not None else backend.poll_seconds,
        wait_timeout_seconds=backend.wait_timeout_seconds,
        backend=backend,
    )


def lock_regions(plan: Plan, settings: Settings) -> list[str]:
    """Where a run's lease lives: every region of the deployment not treated as lost."""
    lost = plan.source_region if plan.mode == "unplanned" else None
    return [r for r in settings.all_regions if r != lost]


def execute(
    build: Callable[[], Plan],
    settings: Settings,
    provider: ClientProvider,
    options: RunOptions,
) -> RunResult:
    """Build the plan (or reload the one to resume), show it, and run it under the lock."""
    if options.resume:
        return resume(options.resume, settings, provider, options)
    return run_plan(build(), settings, provider, options)


def run_plan(
    plan: Plan, settings: Settings, provider: ClientProvider, options: RunOptions
) -> RunResult:
    """Show `plan`, then preview it (dry run) or run it while holding the deployment's lock."""
    if options.on_plan:
        options.on_plan(plan)
    if options.dry_run:
        return _executor(execution_context(settings, provider, options), options).dry_run(plan)
    run_id = new_run_id(plan)
    return _locked(
        plan, run_id, settings, provider, options, lambda ex: ex.start(plan, run_id=run_id)
    )


def resume(
    run_id: str, settings: Settings, provider: ClientProvider, options: RunOptions
) -> RunResult:
    """Continue a stopped run under the lock; the executor re-checks the world first
    (see ops/resume.py)."""
    plan, _ = load_run(options.runs_dir, run_id)
    if plan.prefix != settings.prefix:
        raise ConfigError(
            f"run {run_id} belongs to {plan.prefix}, but the config is {settings.prefix}"
        )
    if options.on_plan:
        options.on_plan(plan)
    return _locked(plan, run_id, settings, provider, options, lambda ex: ex.resume(run_id))


def _locked(
    plan: Plan,
    run_id: str,
    settings: Settings,
    provider: ClientProvider,
    options: RunOptions,
    run: Callable[[Executor], RunResult],
) -> RunResult:
    """`run` an executor while the run holds the deployment's lock, renewed at each group."""
    with deployment_lock(
        settings,
        provider,
        runs_dir=options.runs_dir,
        owner=run_id,
        regions=lock_regions(plan, settings),
    ) as lock:
        ctx = execution_context(settings, provider, options)
        provenance = gather_provenance(
            settings,
            provider,
            target=options.target,
            region=plan.target_region,
            regions=lock_regions(plan, settings),
        )
        return run(_executor(ctx, options, heartbeat=lock.renew, provenance=provenance))


def _executor(
    ctx: ExecutionContext,
    options: RunOptions,
    heartbeat: Callable[[], None] | None = None,
    provenance: Provenance | None = None,
) -> Executor:
    return Executor(
        ctx,
        runs_dir=options.runs_dir,
        retry=options.retry,
        progress=options.progress,
        heartbeat=heartbeat,
        provenance=provenance,
    )


def run_on_target(
    operation: Callable[..., RunResult],
    settings: Settings,
    options: RunOptions,
    *,
    profile: str | None,
    **kwargs: Any,
) -> RunResult:
    """Run failover, failback or fence against `options.target`: the running emulator, or
    real AWS.

    A failover needs something deployed to act on, so the local target requires a running
    emulator (`tradedr emulator start` + `tradedr deploy`) rather than a fresh, empty one.
    """
    from tradedr.ops.target import check_target, emulator_running, open_target

    check_target(options.target, profile)
    if options.target == "local" and not emulator_running():
        raise ConfigError(
            "no emulator is running: start one and deploy into it first "
            "(`tradedr emulator start && tradedr deploy`), or run `tradedr drill`, "
            "which does both"
        )
    with open_target(options.target, profile) as opened:
        target: Target = "local" if opened.is_emulator else "aws"
        return operation(
            settings,
            opened.provider,
            options.but(target=target, backend=options.backend or opened.backend),
            **kwargs,
        )
