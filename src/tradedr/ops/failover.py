"""Failover: build the plan for the situation at hand, check it, and run it.

Three shapes of the same plan:
- planned: the primary answers; fence its app, let the replica catch up, promote, retire
  the old writer. No data loss, no second writer.
- unplanned: the primary's region is gone; every step runs in the target region (or on a
  data plane), checked statically by `failed_region_violations`.
- practice: a rehearsal of the unplanned path on a healthy system; the primary's app is
  fenced first and its writer retired last so the rehearsal never leaves two writers.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from tradedr.config import Settings
from tradedr.errors import ConfigError, TradedrError
from tradedr.infra.names import Names
from tradedr.ops.actions.base import (
    ExecutionContext,
    PreconditionFailedError,
    Target,
    always_approve,
    is_writer,
)
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
from tradedr.ops.plans import (
    ActionKind,
    Plan,
    PlanMode,
    Step,
    StepGroup,
    TrafficMode,
    control_plane_region,
    failed_region_violations,
)
from tradedr.ops.probe import ProbeWindow, probe_primary


def endpoint_parameter(settings: Settings) -> str:
    """The SSM parameter the app tier reads its DB endpoint from (see compute.py)."""
    return f"/{settings.prefix}/orders-db/endpoint"


def retired_name(identifier: str, stamp: str) -> str:
    return f"{identifier}-stale-{stamp}"[:63]


def run_stamp(created_at: str) -> str:
    """Minute-resolution stamp of a plan's creation: names retired resources so a resumed
    run finds the names its first attempt chose."""
    return datetime.fromisoformat(created_at).strftime("%Y%m%d%H%M")


def _group(name: str, *steps: Step) -> StepGroup:
    return StepGroup(name=name, steps=list(steps))


def traffic_step(
    settings: Settings,
    region: str,
    mode: TrafficMode,
    traffic: dict[str, Any] | None,
    *,
    phase: str = "recovery",
) -> Step:
    """The step that moves clients to `region`, in whichever way the routing works."""
    names = Names(settings)
    traffic = traffic or {}
    if mode is TrafficMode.ROUTING_CONTROL:
        return Step(
            id=f"route-to-{region}",
            action=ActionKind.SET_ROUTING_CONTROL,
            region=region,
            title=f"Set ARC routing controls: {region} On, others Off",
            params={"cluster_endpoints": traffic["cluster_endpoints"], "states": traffic["states"]},
            verification="UpdateRoutingControlStates accepted by a cluster endpoint",
            phase=phase,
        )
    if mode is TrafficMode.TRAFFIC_DIAL:
        return Step(
            id=f"dial-to-{region}",
            action=ActionKind.SET_TRAFFIC_DIAL,
            region=region,
            title=f"Set the Global Accelerator traffic dial of {region} to 100%",
            params={"endpoint_group_arn": traffic["endpoint_group_arn"], "percentage": 100},
            verification="DescribeEndpointGroup shows TrafficDialPercentage 100",
            phase=phase,
        )
    return Step(
        id=f"traffic-to-{region}",
        action=ActionKind.SHIFT_TRAFFIC,
        region=region,
        title=f"Confirm Route 53 health-check failover sends {names.record_fqdn} to {region}",
        params={"record_name": names.record_fqdn, "alb_name": names.alb(region)},
        preconditions=["the old primary is fenced or unreachable, so its health check fails"],
        verification=f"{names.record_fqdn} resolves to the {region} ALB (data plane only)",
        phase=phase,
    )


def traffic_steps(
    settings: Settings,
    region: str,
    mode: TrafficMode,
    traffic: dict[str, Any] | None,
    *,
    phase: str = "recovery",
) -> list[Step]:
    """The traffic step, plus (traffic dial) turning every other region's dial to 0, so
    clients near the old region stop going there instead of relying on its health checks."""
    steps = [traffic_step(settings, region, mode, traffic, phase=phase)]
    if mode is TrafficMode.TRAFFIC_DIAL:
        for other, arn in sorted(((traffic or {}).get("other_endpoint_groups") or {}).items()):
            steps.append(
                Step(
                    id=f"dial-down-{other}",
                    action=ActionKind.SET_TRAFFIC_DIAL,
                    region=other,
                    title=f"Set the Global Accelerator traffic dial of {other} to 0%",
                    params={"endpoint_group_arn": arn, "percentage": 0},
                    verification="DescribeEndpointGroup shows TrafficDialPercentage 0",
                    phase=phase,
                )
            )
    return steps


def aurora_lag_step(settings: Settings, region: str, *, allow_data_loss: bool) -> Step:
    """The RPO precondition of an Aurora global database: AuroraGlobalDBReplicationLag."""
    names = Names(settings)
    cluster = names.db_cluster(region)
    rpo = settings.targets.rpo_seconds
    return Step(
        id=f"check-lag-{region}",
        action=ActionKind.CHECK_REPLICA_LAG,
        region=region,
        title=f"Check the global replication lag of {cluster} against the RPO ({rpo} s)",
        params={
            "db_cluster_identifier": cluster,
            "global_cluster_id": names.global_cluster,
            "max_lag_seconds": rpo,
            "allow_data_loss": allow_data_loss,
        },
        verification="CloudWatch AuroraGlobalDBReplicationLag (Maximum, last 5 min) <= RPO",
    )


def aurora_switch_step(
    settings: Settings, region: str, *, planned: bool, allow_data_loss: bool = False
) -> Step:
    """Managed switchover (planned: waits for the secondary to catch up, no data loss) or
    FailoverGlobalCluster with AllowDataLoss (unplanned: the writer region is gone)."""
    names = Names(settings)
    cluster = names.db_cluster(region)
    how = (
        "managed switchover (no data loss)"
        if planned
        else "failover with AllowDataLoss (loses writes not yet replicated)"
    )
    return Step(
        id=f"{'switchover' if planned else 'failover-db'}-{region}",
        action=ActionKind.AURORA_GLOBAL_FAILOVER,
        region=region,
        title=f"Make {cluster} the writer of {names.global_cluster}: {how}",
        params={
            "global_cluster_id": names.global_cluster,
            "target_cluster_id": cluster,
            "planned": planned,
            **({} if planned else {"allow_data_loss": allow_data_loss}),
        },
        preconditions=[]
        if planned
        else ["--allow-data-loss: FailoverGlobalCluster may lose writes not yet replicated"],
        verification=f"{cluster} is the writer member of {names.global_cluster}",
    )


def db_endpoint_params(settings: Settings, region: str) -> dict[str, Any]:
    """Which database an endpoint/verify step reads: the instance (RDS) or cluster (Aurora)."""
    names = Names(settings)
    if settings.database.is_aurora_global:
        return {
            "db_cluster_identifier": names.db_cluster(region),
            "global_cluster_id": names.global_cluster,
            "db_region": region,
        }
    return {"db_identifier": names.db_identifier(region), "db_region": region}


def verify_step(settings: Settings, region: str, *, min_healthy: int) -> Step:
    """The last step of failover and failback: `region` writes, its app reads the new
    endpoint, and enough targets are healthy."""
    names = Names(settings)
    return Step(
        id=f"verify-{region}",
        action=ActionKind.VERIFY_HEALTH,
        region=region,
        title=f"Verify {region} serves: writer, app endpoint, healthy targets",
        params={
            **db_endpoint_params(settings, region),
            "parameter_name": endpoint_parameter(settings),
            "asg_name": names.asg(region),
            "target_group_name": names.target_group(region),
            "min_healthy": min_healthy,
            **alb_health_params(settings, region),
        },
        verification="all checks pass",
    )


def alb_health_params(settings: Settings, region: str) -> dict[str, Any]:
    """What a verify step probes on AWS: the region's ALB, its deep health path, and https
    when the ALBs serve TLS (absent otherwise, so plans without certificates stay as they
    were)."""
    params: dict[str, Any] = {
        "alb_name": Names(settings).alb(region),
        "health_path": settings.routing.health_check_path,
    }
    if settings.certificate_arn(region) is not None:
        params["health_scheme"] = "https"
    return params


def build_failover_plan(
    settings: Settings,
    *,
    to_region: str,
    from_region: str | None = None,
    mode: PlanMode = "planned",
    allow_data_loss: bool = False,
    approval: bool = True,
    traffic_mode: TrafficMode = TrafficMode.HEALTH_CHECK,
    traffic: dict[str, Any] | None = None,
    created_at: str | None = None,
) -> Plan:
    """The failover plan from `from_region` (default: the configured primary) to `to_region`."""
    source = from_region or settings.primary_region
    if to_region not in settings.all_regions:
        raise ConfigError(
            f"--to {to_region}: not a region of {settings.prefix} "
            f"({', '.join(settings.all_regions)})"
        )
    if to_region == source:
        raise ConfigError(f"--to {to_region}: that is the region failing over from")
    if not settings.posture.replicates_data:
        raise ConfigError(
            "posture backup-restore keeps no live replica to promote; restore from the vault "
            "copies instead (tradedr backup restore-test shows how long that takes)"
        )
    if (
        mode == "unplanned"
        and traffic_mode is TrafficMode.TRAFFIC_DIAL
        and control_plane_region("globalaccelerator", source) == source
    ):
        raise ConfigError(
            f"the Global Accelerator (globalaccelerator) control plane is in {source}, the "
            "failed region, so no traffic dial can be turned: until it returns only the "
            "accelerator's health checks decide where clients go (see docs/fast-failover.md). "
            'With a primary in us-west-2, choose routing.traffic = "arc" instead'
        )
    names = Names(settings)
    created_at = created_at or datetime.now(UTC).isoformat(timespec="seconds")
    stamp = run_stamp(created_at)
    target, parameter = to_region, endpoint_parameter(settings)
    target_db, source_db = names.db_identifier(target), names.db_identifier(source)
    sizing = settings.regions[target]
    rpo = settings.targets.rpo_seconds
    cleanup = "cleanup" if mode == "practice" else "recovery"

    lag = Step(
        id=f"check-lag-{target}",
        action=ActionKind.CHECK_REPLICA_LAG,
        region=target,
        title=f"Check the replica lag of {target_db} against the RPO ({rpo} s)",
        params={
            "db_identifier": target_db,
            "max_lag_seconds": rpo,
            "allow_data_loss": allow_data_loss,
        },
        verification="CloudWatch ReplicaLag (Maximum, last 5 min) <= RPO",
    )
    approve = Step(
        id="approve",
        action=ActionKind.MANUAL_APPROVAL,
        region=target,
        title=f"Approve failover of {settings.prefix} from {source} to {target}",
        params={"prompt": f"Fail {settings.prefix} over from {source} to {target} ({mode})?"},
    )
    scale = Step(
        id=f"scale-{target}",
        action=ActionKind.SCALE_ASG,
        region=target,
        title=f"Scale {names.asg(target)} to active capacity "
        f"{sizing.asg_min}/{sizing.asg_desired}/{sizing.asg_max}",
        params={
            "asg_name": names.asg(target),
            "min": sizing.asg_min,
            "desired": sizing.asg_desired,
            "max": sizing.asg_max,
            "target_group_name": names.target_group(target),
        },
        verification=f"{sizing.asg_desired} instances in service and healthy in "
        f"{names.target_group(target)}",
    )
    fence_app = Step(
        id=f"fence-app-{source}",
        action=ActionKind.FENCE_PRIMARY,
        region=source,
        title=f"Fence the old primary: scale {names.asg(source)} to 0",
        params={"asg_name": names.asg(source)},
        preconditions=[f"{source} answers API calls"],
        verification="no instances left, so its deep health check fails and writes stop",
        phase=cleanup,
    )
    drain = Step(
        id=f"drain-{target}",
        action=ActionKind.WAIT_REPLICA,
        region=target,
        title=f"Wait for {target_db} to apply the last writes",
        params={"db_identifier": target_db, "max_lag_seconds": 0},
        verification="ReplicaLag reaches 0 after the old primary stopped writing",
    )
    promote = Step(
        id=f"promote-{target}",
        action=ActionKind.PROMOTE_REPLICA,
        region=target,
        title=f"Promote {target_db} to the orders DB writer",
        params={
            "db_identifier": target_db,
            "backup_retention_days": settings.database.backup_retention_days,
        },
        verification="instance available with no replication source",
    )
    repoint_target = Step(
        id=f"repoint-{target}",
        action=ActionKind.UPDATE_DB_ENDPOINT,
        region=target,
        title=f"Point {parameter} in {target} at {target_db}",
        params={"parameter_name": parameter, "db_identifier": target_db, "db_region": target},
        verification="parameter value equals the writer's endpoint address",
    )
    repoint_source = Step(
        id=f"repoint-{source}",
        action=ActionKind.UPDATE_DB_ENDPOINT,
        region=source,
        title=f"Point {parameter} in {source} at the new writer in {target}",
        params={"parameter_name": parameter, "db_identifier": target_db, "db_region": target},
        verification="parameter value equals the writer's endpoint address",
        phase=cleanup,
    )
    retire = Step(
        id=f"retire-db-{source}",
        action=ActionKind.RETIRE_DB,
        region=source,
        title=f"Retire the old writer {source_db}: rename and stop (data kept)",
        params={"db_identifier": source_db, "retired_identifier": retired_name(source_db, stamp)},
        verification="the old writer is stopped, so it cannot take writes",
        phase=cleanup,
    )
    shift = traffic_steps(settings, target, traffic_mode, traffic)
    verify = verify_step(settings, target, min_healthy=max(1, sizing.asg_desired))

    notes: list[str] = []
    if settings.database.is_aurora_global:
        lag = aurora_lag_step(settings, target, allow_data_loss=allow_data_loss)
        switch = aurora_switch_step(
            settings, target, planned=mode != "unplanned", allow_data_loss=allow_data_loss
        )
        repoint_target = repoint_target.model_copy(
            update={
                "title": f"Point {parameter} in {target} at {names.db_cluster(target)}",
                "params": {"parameter_name": parameter, **db_endpoint_params(settings, target)},
            }
        )
        repoint_source = repoint_source.model_copy(
            update={
                "title": f"Point {parameter} in {source} at the new writer cluster in {target}",
                "params": {"parameter_name": parameter, **db_endpoint_params(settings, target)},
            }
        )
    groups = [_group("preconditions", lag)]
    if approval:
        groups.append(_group("approval", approve))
    if settings.database.is_aurora_global:
        if mode == "planned":
            groups += [
                _group("prepare the standby", scale),
                _group("stop writes in the old primary", fence_app),
                _group("switch the writer (managed switchover)", switch),
                _group("repoint the app", repoint_target, repoint_source),
                _group("move traffic", *shift),
                _group("verify", verify),
            ]
            notes.append(
                "Aurora managed switchover waits until the secondary has every write, then "
                f"swaps roles: the old writer cluster in {source} becomes a secondary"
            )
        elif mode == "practice":
            groups += [
                _group("prepare the standby", scale),
                _group("stop writes in the old primary (practice only)", fence_app),
                _group("switch the writer (managed switchover)", switch),
                _group("repoint the app", repoint_target),
                _group("move traffic", *shift),
                _group("verify", verify),
                _group("clean up the old primary (practice only)", repoint_source),
            ]
            notes.append(
                "practice: a managed switchover (no data loss) on a healthy system; recovery "
                f"steps use nothing in {source}"
            )
        else:
            groups += [
                _group("prepare the standby", scale),
                _group("fail the writer over (AllowDataLoss)", switch),
                _group("repoint the app", repoint_target),
                _group("move traffic", *shift),
                _group("verify", verify),
            ]
            notes.append(
                f"unplanned: FailoverGlobalCluster with AllowDataLoss (--allow-data-loss); "
                f"when {source} comes back Aurora rejoins its cluster as a secondary. Its app "
                f"is NOT fenced: run `tradedr failback` before routing returns to {source}"
            )
    elif mode == "planned":
        groups += [
            _group("prepare the standby", scale),
            _group("stop writes in the old primary", fence_app),
            _group("let the replica catch up", drain),
            _group("promote", promote),
            _group("repoint the app", repoint_target, repoint_source),
            _group("fence the old writer", retire),
            _group("move traffic", *shift),
            _group("verify", verify),
        ]
    elif mode == "practice":
        groups += [
            _group("prepare the standby", scale),
            _group("stop writes in the old primary (practice only)", fence_app),
            _group("let the replica catch up", drain),
            _group("promote", promote),
            _group("repoint the app", repoint_target),
            _group("move traffic", *shift),
            _group("verify", verify),
            _group("clean up the old primary (practice only)", repoint_source, retire),
        ]
        notes.append(
            f"practice: recovery steps use nothing in {source}; the steps marked cleanup "
            "fence the healthy primary so the rehearsal leaves one writer"
        )
    else:
        groups += [
            _group("prepare the standby", scale),
            _group("promote", promote),
            _group("repoint the app", repoint_target),
            _group("move traffic", *shift),
            _group("verify", verify),
        ]
        notes.append(
            f"unplanned: nothing in {source} is called. Its app and DB are NOT fenced: "
            f"when {source} comes back, run `tradedr failback` (it retires the old writer "
            "first) before its health check can pull traffic back"
        )
    if mode == "unplanned" and source == "us-east-1":
        notes.append(
            "Route 53's control plane is in us-east-1: the plan edits no records or health checks"
        )
    plan = Plan(
        kind="failover",
        mode=mode,
        prefix=settings.prefix,
        source_region=source,
        target_region=target,
        rpo_seconds=rpo,
        rto_seconds=settings.targets.rto_seconds,
        traffic_mode=traffic_mode,
        created_at=created_at,
        notes=notes,
        groups=groups,
    )
    if mode in ("unplanned", "practice"):
        problems = failed_region_violations(plan, source)
        if problems:
            raise TradedrError("plan bug: " + "; ".join(problems))
    return plan


def db_writers(
    provider: ClientProvider, settings: Settings, regions: list[str] | None = None
) -> list[tuple[str, str]]:
    """(region, identifier) of every running orders-DB instance that accepts writes."""
    prefix = f"{settings.prefix}-orders-"
    writers = []
    for region in regions or settings.all_regions:
        found = provider.client("rds", region).describe_db_instances().get("DBInstances", [])
        writers += [
            (region, i["DBInstanceIdentifier"])
            for i in found
            if i["DBInstanceIdentifier"].startswith(prefix) and is_writer(i)
        ]
    return writers


def lock_regions(plan: Plan, settings: Settings) -> list[str]:
    """Where a run's lease lives: every region of the deployment not treated as lost."""
    lost = plan.source_region if plan.mode == "unplanned" else None
    return [r for r in settings.all_regions if r != lost]


def run_plan(
    plan: Plan,
    settings: Settings,
    provider: ClientProvider,
    *,
    target: Target,
    dry_run: bool = False,
    approver: Callable[[str], bool] | None = None,
    runs_dir: Path = DEFAULT_RUNS_DIR,
    retry: RetryPolicy | None = None,
    progress: Any = None,
    poll_seconds: float | None = None,
) -> RunResult:
    """Run `plan` (or preview it) while holding the deployment's lock."""
    ctx = execution_context(
        settings, provider, target=target, approver=approver, poll_seconds=poll_seconds
    )
    if dry_run:
        return Executor(ctx, runs_dir=runs_dir, retry=retry, progress=progress).dry_run(plan)
    run_id = new_run_id(plan)
    with deployment_lock(
        settings,
        provider,
        runs_dir=runs_dir,
        owner=run_id,
        regions=lock_regions(plan, settings),
    ) as lock:
        executor = Executor(
            ctx, runs_dir=runs_dir, retry=retry, progress=progress, heartbeat=lock.renew
        )
        return executor.start(plan, run_id=run_id)


def execution_context(
    settings: Settings,
    provider: ClientProvider,
    *,
    target: Target,
    approver: Callable[[str], bool] | None = None,
    poll_seconds: float | None = None,
) -> ExecutionContext:
    """How steps wait: quick polls on the emulator, AWS-paced ones (up to 30 min) on AWS."""
    local = target == "local"
    return ExecutionContext(
        provider=provider,
        settings=settings,
        target=target,
        approver=approver or always_approve,
        poll_seconds=poll_seconds if poll_seconds is not None else (0.05 if local else 10.0),
        wait_timeout_seconds=60.0 if local else 1800.0,
    )


def resume_run(
    run_id: str,
    settings: Settings,
    provider: ClientProvider,
    *,
    target: Target,
    approver: Callable[[str], bool] | None = None,
    runs_dir: Path = DEFAULT_RUNS_DIR,
    retry: RetryPolicy | None = None,
    progress: Any = None,
    on_plan: Callable[[Plan], None] | None = None,
) -> RunResult:
    """Continue a stopped run under the deployment's lock; the executor re-checks the
    world first (see ops/resume.py)."""
    plan, _ = load_run(runs_dir, run_id)
    if plan.prefix != settings.prefix:
        raise ConfigError(
            f"run {run_id} belongs to {plan.prefix}, but the config is {settings.prefix}"
        )
    if on_plan:
        on_plan(plan)
    ctx = execution_context(settings, provider, target=target, approver=approver)
    with deployment_lock(
        settings,
        provider,
        runs_dir=runs_dir,
        owner=run_id,
        regions=lock_regions(plan, settings),
    ) as lock:
        executor = Executor(
            ctx, runs_dir=runs_dir, retry=retry, progress=progress, heartbeat=lock.renew
        )
        return executor.resume(run_id)


def failover(
    settings: Settings,
    provider: ClientProvider,
    *,
    to_region: str | None,
    target: Target = "local",
    from_region: str | None = None,
    dry_run: bool = False,
    practice: bool = False,
    allow_data_loss: bool = False,
    approver: Callable[[str], bool] | None = None,
    resume: str | None = None,
    runs_dir: Path = DEFAULT_RUNS_DIR,
    retry: RetryPolicy | None = None,
    progress: Any = None,
    on_plan: Callable[[Plan], None] | None = None,
    assume_region_lost: bool = False,
    probe_window: ProbeWindow | None = None,
) -> RunResult:
    """Build (or reload), show and run a failover plan; the one entry point the CLI calls.

    The plan is unplanned only when the probe sees the source region lost by two signals,
    or when the operator says so with `assume_region_lost`; an undecided probe refuses."""
    if resume:
        return resume_run(
            resume,
            settings,
            provider,
            target=target,
            approver=approver,
            runs_dir=runs_dir,
            retry=retry,
            progress=progress,
            on_plan=on_plan,
        )
    if not to_region:
        raise ConfigError("--to REGION is required (unless --resume RUN_ID)")
    source = from_region or settings.primary_region
    if to_region not in settings.all_regions or to_region == source:
        build_failover_plan(settings, to_region=to_region, from_region=source)  # one-line error
    if practice and assume_region_lost:
        raise ConfigError("--practice rehearses on a healthy system; drop --assume-region-lost")
    from tradedr.ops.traffic import traffic_mode_for

    window = probe_window or (
        ProbeWindow(seconds=1.0, first_delay=0.05) if target == "local" else ProbeWindow()
    )
    probe = probe_primary(
        settings,
        provider,
        source,
        traffic_mode=traffic_mode_for(settings),
        emulated=target == "local",
        window=window,
    )
    if probe.verdict == "answers":
        unplanned = False
        note = None
    elif probe.verdict == "lost" or assume_region_lost:
        unplanned = True
        how = (
            "lost by both signals"
            if probe.verdict == "lost"
            else "assumed lost (--assume-region-lost)"
        )
        note = f"{source} {how}: {probe.explain()}"
    else:
        raise PreconditionFailedError(
            f"cannot decide whether {source} is lost ({probe.explain()}); an unplanned failover "
            f"skips the fence and the drain, so it needs two signals of loss. If you know "
            f"{source} is gone, re-run with --assume-region-lost"
        )
    if practice and unplanned:
        raise PreconditionFailedError(
            f"--practice needs a healthy {source}, but it does not answer ({probe.explain()}); "
            "run a real failover instead"
        )
    mode: PlanMode = "practice" if practice else "unplanned" if unplanned else "planned"
    plan = plan_failover(
        settings,
        provider,
        to_region=to_region,
        from_region=source,
        mode=mode,
        allow_data_loss=allow_data_loss,
        target=target,
    )
    if note:
        plan = plan.model_copy(update={"notes": [note, *plan.notes]})
    if on_plan:
        on_plan(plan)
    return run_plan(
        plan,
        settings,
        provider,
        target=target,
        dry_run=dry_run,
        approver=approver,
        runs_dir=runs_dir,
        retry=retry,
        progress=progress,
    )


def plan_failover(
    settings: Settings,
    provider: ClientProvider,
    *,
    to_region: str,
    from_region: str | None = None,
    mode: PlanMode = "planned",
    allow_data_loss: bool = False,
    target: Target = "local",
) -> Plan:
    """The failover plan for the deployed environment: the config's traffic mechanism with
    its controls read from the deployment, never through the failed region's control plane."""
    from tradedr.ops.traffic import resolve_traffic

    source = from_region or settings.primary_region
    if settings.database.is_aurora_global and mode == "unplanned" and not allow_data_loss:
        raise ConfigError(
            f"an unplanned failover of the Aurora global database {Names(settings).global_cluster} "
            f"(FailoverGlobalCluster with AllowDataLoss) loses the writes {source} had not "
            "replicated yet (typically under a second); re-run with --allow-data-loss to accept "
            f"that, or fail over planned (managed switchover) while {source} answers"
        )
    failed = source if mode == "unplanned" else None
    controls = resolve_traffic(
        settings, provider, read_region=to_region, failed_region=failed, emulated=target == "local"
    )
    if failed:
        problems = [
            f"{call.service}:{call.operation}"
            for call in controls.calls
            if call.plane == "control" and call.home_region == failed
        ]
        if problems:
            raise TradedrError(
                "plan bug: reading the traffic controls needs " + ", ".join(problems)
            )
    plan = build_failover_plan(
        settings,
        to_region=to_region,
        from_region=source,
        mode=mode,
        allow_data_loss=allow_data_loss,
        traffic_mode=controls.mode,
        traffic=controls.params_for(to_region),
    )
    notes = list(plan.notes)
    if controls.mode is not TrafficMode.HEALTH_CHECK:
        notes.append(f"traffic controls read from {controls.source}")
    if controls.placeholders:
        notes.append(
            "the emulator has no ARC or Global Accelerator: traffic-step values are "
            "placeholders and those steps are reported not emulated"
        )
    return plan.model_copy(update={"notes": notes})


def run_on_target(
    operation: Callable[..., RunResult],
    settings: Settings,
    *,
    target: str,
    profile: str | None,
    **kwargs: Any,
) -> RunResult:
    """Run failover or failback against `--target`: the running emulator, or real AWS.

    A failover needs something deployed to act on, so the local target requires a running
    emulator (`tradedr emulator start` + `tradedr deploy`) rather than a fresh, empty one.
    """
    from tradedr.ops.target import check_target, open_target

    check_target(target, profile)
    if target == "local":
        from tradedr.emulator.server import running_emulator

        if running_emulator() is None:
            raise ConfigError(
                "no emulator is running: start one and deploy into it first "
                "(`tradedr emulator start && tradedr deploy`), or run `tradedr drill`, "
                "which does both"
            )
    with open_target(target, profile) as opened:
        return operation(
            settings, opened.provider, target="local" if opened.is_emulator else "aws", **kwargs
        )
