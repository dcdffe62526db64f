"""Failback: make the original primary the writer again and restore every role.

An RDS instance cannot be demoted, so roles are restored by building new replicas: the
old primary (stale since the failover) is retired, a fresh replica of the current writer
is created in its place under the stable name, and once it has caught up the reverse
planned failover runs. The current writer is then retired too and replaced by a replica,
so the standby ends as it was deployed: a read replica, its app at standby capacity.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from tradedr.config import Posture, Settings
from tradedr.errors import ConfigError, TradedrError
from tradedr.infra.names import Names
from tradedr.ops.actions.base import Target
from tradedr.ops.clients import ClientProvider
from tradedr.ops.executor import DEFAULT_RUNS_DIR, RetryPolicy, RunResult
from tradedr.ops.failover import (
    _group,
    aurora_lag_step,
    aurora_switch_step,
    db_endpoint_params,
    db_writers,
    endpoint_parameter,
    resume_run,
    retired_name,
    run_plan,
    run_stamp,
    traffic_steps,
    verify_step,
)
from tradedr.ops.plans import ActionKind, Plan, Step, TrafficMode


def stale_primary_steps(settings: Settings, region: str, stamp: str) -> list[Step]:
    """Stop a former primary that came back with a stale writer: its app to 0 (so its
    health check fails) and its DB renamed and stopped, data kept. Failback starts with
    these; `tradedr fence` runs them on their own."""
    names = Names(settings)
    identifier = names.db_identifier(region)
    return [
        Step(
            id=f"fence-app-{region}",
            action=ActionKind.FENCE_PRIMARY,
            region=region,
            title=f"Keep {names.asg(region)} at 0 while its DB is stale",
            params={"asg_name": names.asg(region)},
            verification="no instances in service",
        ),
        Step(
            id=f"retire-db-{region}",
            action=ActionKind.RETIRE_DB,
            region=region,
            title=f"Retire the stale writer {identifier} (rename, stop, data kept)",
            params={
                "db_identifier": identifier,
                "retired_identifier": retired_name(identifier, stamp),
            },
            verification="stopped; stable name free",
        ),
    ]


def build_failback_plan(
    settings: Settings,
    *,
    current_region: str,
    home_region: str | None = None,
    approval: bool = True,
    traffic_mode: TrafficMode = TrafficMode.HEALTH_CHECK,
    traffic: dict[str, Any] | None = None,
    created_at: str | None = None,
) -> Plan:
    home = home_region or settings.primary_region
    created_at = created_at or datetime.now(UTC).isoformat(timespec="seconds")
    if current_region == home:
        raise ConfigError(f"{home} is already the writer region; nothing to fail back")
    if settings.database.is_aurora_global:
        return _aurora_failback_plan(
            settings,
            current_region=current_region,
            home=home,
            approval=approval,
            traffic_mode=traffic_mode,
            traffic=traffic,
            created_at=created_at,
        )
    names = Names(settings)
    stamp = run_stamp(created_at)
    parameter = endpoint_parameter(settings)
    home_db, current_db = names.db_identifier(home), names.db_identifier(current_region)
    home_stale = retired_name(home_db, stamp)
    current_stale = retired_name(current_db, stamp)
    rpo = settings.targets.rpo_seconds
    active = settings.regions[home]
    standby_min, standby_desired, standby_max = settings.standby_capacity(current_region)

    def step(
        id_: str, action: ActionKind, region: str, title: str, verification: str = "", **params: Any
    ) -> Step:
        return Step(
            id=id_,
            action=action,
            region=region,
            title=title,
            params=params,
            verification=verification,
        )

    groups = [
        _group("fence the stale primary", *stale_primary_steps(settings, home, stamp)),
        _group(
            "re-establish replication",
            step(
                f"replicate-to-{home}",
                ActionKind.CREATE_REPLICA,
                home,
                f"Create {home_db} in {home} as a read replica of {current_db}",
                "replica available",
                db_identifier=home_db,
                source_identifier=current_db,
                source_region=current_region,
                like_identifier=home_stale,
                instance_class=settings.database.instance_class,
                multi_az=settings.database.multi_az,
            ),
        ),
        _group(
            "catch up",
            step(
                f"catch-up-{home}",
                ActionKind.WAIT_REPLICA,
                home,
                f"Wait for {home_db} to catch up (lag <= {rpo} s)",
                "ReplicaLag <= RPO",
                db_identifier=home_db,
                max_lag_seconds=rpo,
            ),
        ),
    ]
    if approval:
        groups.append(
            _group(
                "approval",
                step(
                    "approve",
                    ActionKind.MANUAL_APPROVAL,
                    home,
                    f"Approve failback of {settings.prefix} from {current_region} to {home}",
                    prompt=f"Fail {settings.prefix} back from {current_region} to {home}?",
                ),
            )
        )
    groups += [
        _group(
            "prepare the home region",
            step(
                f"scale-{home}",
                ActionKind.SCALE_ASG,
                home,
                f"Scale {names.asg(home)} to active capacity "
                f"{active.asg_min}/{active.asg_desired}/{active.asg_max}",
                "instances in service and healthy",
                asg_name=names.asg(home),
                min=active.asg_min,
                desired=active.asg_desired,
                max=active.asg_max,
                target_group_name=names.target_group(home),
            ),
        ),
        _group(
            "stop writes in the current writer region",
            step(
                f"fence-app-{current_region}",
                ActionKind.FENCE_PRIMARY,
                current_region,
                f"Scale {names.asg(current_region)} to 0 while the writer moves",
                "no instances in service",
                asg_name=names.asg(current_region),
            ),
        ),
        _group(
            "let the replica catch up",
            step(
                f"drain-{home}",
                ActionKind.WAIT_REPLICA,
                home,
                f"Wait for {home_db} to apply the last writes",
                "ReplicaLag 0",
                db_identifier=home_db,
                max_lag_seconds=0,
            ),
        ),
        _group(
            "promote",
            step(
                f"promote-{home}",
                ActionKind.PROMOTE_REPLICA,
                home,
                f"Promote {home_db} to the orders DB writer",
                "standalone and available",
                db_identifier=home_db,
                backup_retention_days=settings.database.backup_retention_days,
            ),
        ),
        _group(
            "repoint the app",
            step(
                f"repoint-{home}",
                ActionKind.UPDATE_DB_ENDPOINT,
                home,
                f"Point {parameter} in {home} at {home_db}",
                "value is the writer endpoint",
                parameter_name=parameter,
                db_identifier=home_db,
                db_region=home,
            ),
            step(
                f"repoint-{current_region}",
                ActionKind.UPDATE_DB_ENDPOINT,
                current_region,
                f"Point {parameter} in {current_region} at {home_db} for now",
                "value is the writer endpoint",
                parameter_name=parameter,
                db_identifier=home_db,
                db_region=home,
            ),
        ),
        _group(
            "fence the former writer",
            step(
                f"retire-db-{current_region}",
                ActionKind.RETIRE_DB,
                current_region,
                f"Retire {current_db} (rename, stop, data kept)",
                "stopped",
                db_identifier=current_db,
                retired_identifier=current_stale,
            ),
        ),
        _group(
            "rebuild the standby replica",
            step(
                f"replicate-to-{current_region}",
                ActionKind.CREATE_REPLICA,
                current_region,
                f"Create {current_db} in {current_region} as a read replica of {home_db}",
                "replica available",
                db_identifier=current_db,
                source_identifier=home_db,
                source_region=home,
                like_identifier=current_stale,
                instance_class=settings.database.instance_class,
                multi_az=settings.posture in (Posture.HOT_STANDBY, Posture.ACTIVE_ACTIVE),
            ),
        ),
        _group(
            "restore the standby role",
            step(
                f"repoint-replica-{current_region}",
                ActionKind.UPDATE_DB_ENDPOINT,
                current_region,
                f"Point {parameter} in {current_region} at its local replica",
                "value is the replica endpoint",
                parameter_name=parameter,
                db_identifier=current_db,
                db_region=current_region,
            ),
            step(
                f"standby-capacity-{current_region}",
                ActionKind.SCALE_ASG,
                current_region,
                f"Return {names.asg(current_region)} to standby capacity "
                f"{standby_min}/{standby_desired}/{standby_max}",
                "sizes as the posture says",
                asg_name=names.asg(current_region),
                min=standby_min,
                desired=standby_desired,
                max=standby_max,
            ),
        ),
        _group("move traffic", *traffic_steps(settings, home, traffic_mode, traffic)),
        _group("verify", verify_step(settings, home, min_healthy=max(1, active.asg_desired))),
    ]
    return Plan(
        kind="failback",
        mode="planned",
        prefix=settings.prefix,
        source_region=current_region,
        target_region=home,
        rpo_seconds=rpo,
        rto_seconds=settings.targets.rto_seconds,
        traffic_mode=traffic_mode,
        created_at=created_at,
        notes=[
            f"the stale writers are kept, stopped, as {home_stale} and {current_stale}; "
            "RDS starts a stopped instance again after 7 days, so snapshot and delete them "
            "once their data is reconciled"
        ],
        groups=groups,
    )


def _aurora_failback_plan(
    settings: Settings,
    *,
    current_region: str,
    home: str,
    approval: bool,
    traffic_mode: TrafficMode,
    traffic: dict[str, Any] | None,
    created_at: str,
) -> Plan:
    """Aurora keeps both clusters in the global database (the old writer rejoins as a
    secondary once its region is back), so failback is a managed switchover home: no
    replica to rebuild, no data loss."""
    names = Names(settings)
    parameter = endpoint_parameter(settings)
    active = settings.regions[home]
    standby_min, standby_desired, standby_max = settings.standby_capacity(current_region)
    lag = aurora_lag_step(settings, home, allow_data_loss=False)
    groups = [_group("preconditions", lag)]
    if approval:
        groups.append(
            _group(
                "approval",
                Step(
                    id="approve",
                    action=ActionKind.MANUAL_APPROVAL,
                    region=home,
                    title=f"Approve failback of {settings.prefix} from {current_region} to {home}",
                    params={
                        "prompt": f"Fail {settings.prefix} back from {current_region} to {home}?"
                    },
                ),
            )
        )
    groups += [
        _group(
            "prepare the home region",
            Step(
                id=f"scale-{home}",
                action=ActionKind.SCALE_ASG,
                region=home,
                title=f"Scale {names.asg(home)} to active capacity "
                f"{active.asg_min}/{active.asg_desired}/{active.asg_max}",
                params={
                    "asg_name": names.asg(home),
                    "min": active.asg_min,
                    "desired": active.asg_desired,
                    "max": active.asg_max,
                    "target_group_name": names.target_group(home),
                },
                verification="instances in service and healthy",
            ),
        ),
        _group(
            "stop writes in the current writer region",
            Step(
                id=f"fence-app-{current_region}",
                action=ActionKind.FENCE_PRIMARY,
                region=current_region,
                title=f"Scale {names.asg(current_region)} to 0 while the writer moves",
                params={"asg_name": names.asg(current_region)},
                verification="no instances in service",
            ),
        ),
        _group(
            "switch the writer home (managed switchover)",
            aurora_switch_step(settings, home, planned=True),
        ),
        _group(
            "repoint the app",
            Step(
                id=f"repoint-{home}",
                action=ActionKind.UPDATE_DB_ENDPOINT,
                region=home,
                title=f"Point {parameter} in {home} at {names.db_cluster(home)}",
                params={"parameter_name": parameter, **db_endpoint_params(settings, home)},
                verification="value is the writer cluster endpoint",
            ),
            Step(
                id=f"repoint-replica-{current_region}",
                action=ActionKind.UPDATE_DB_ENDPOINT,
                region=current_region,
                title=f"Point {parameter} in {current_region} at its local secondary cluster",
                params={
                    "parameter_name": parameter,
                    **db_endpoint_params(settings, current_region),
                },
                verification="value is the local cluster endpoint",
            ),
        ),
        _group(
            "restore the standby role",
            Step(
                id=f"standby-capacity-{current_region}",
                action=ActionKind.SCALE_ASG,
                region=current_region,
                title=f"Return {names.asg(current_region)} to standby capacity "
                f"{standby_min}/{standby_desired}/{standby_max}",
                params={
                    "asg_name": names.asg(current_region),
                    "min": standby_min,
                    "desired": standby_desired,
                    "max": standby_max,
                },
                verification="sizes as the posture says",
            ),
        ),
        _group("move traffic", *traffic_steps(settings, home, traffic_mode, traffic)),
        _group("verify", verify_step(settings, home, min_healthy=max(1, active.asg_desired))),
    ]
    return Plan(
        kind="failback",
        mode="planned",
        prefix=settings.prefix,
        source_region=current_region,
        target_region=home,
        rpo_seconds=settings.targets.rpo_seconds,
        rto_seconds=settings.targets.rto_seconds,
        traffic_mode=traffic_mode,
        created_at=created_at,
        notes=[
            f"the {home} cluster must be a caught-up secondary of {names.global_cluster} "
            "(after an unplanned failover Aurora rejoins it once its region is back); the lag "
            "check refuses to switch over otherwise"
        ],
        groups=groups,
    )


def aurora_writer_region(provider: ClientProvider, settings: Settings, regions: list[str]) -> str:
    """The region of the writer member of the global cluster, asked of the first region
    that answers (DescribeGlobalClusters is regional; every member region knows)."""
    from botocore.exceptions import BotoCoreError, ClientError

    names = Names(settings)
    errors = []
    for region in regions:
        try:
            found = provider.client("rds", region).describe_global_clusters(
                GlobalClusterIdentifier=names.global_cluster
            )["GlobalClusters"]
        except (ClientError, BotoCoreError) as exc:
            errors.append(f"{region}: {exc}")
            continue
        for member in (found[0] if found else {}).get("GlobalClusterMembers", []):
            if member.get("IsWriter"):
                return str(member["DBClusterArn"]).split(":")[3]
        errors.append(f"{region}: no writer member listed")
    raise TradedrError(
        f"cannot find the writer of {names.global_cluster} ({'; '.join(errors)}); pass --from"
    )


def current_writer_region(provider: ClientProvider, settings: Settings, home: str) -> str:
    """The one region whose orders DB takes writes, other than `home`'s stale writer."""
    writers = db_writers(provider, settings)
    others = sorted({region for region, _ in writers if region != home})
    if len(others) == 1:
        return others[0]
    if not others:
        raise TradedrError(
            f"no orders DB writer outside {home}; {home} already looks like the primary"
        )
    raise TradedrError(f"more than one writer region ({', '.join(others)}); pass --from")


def failback(
    settings: Settings,
    provider: ClientProvider,
    *,
    target: Target = "local",
    to_region: str | None = None,
    from_region: str | None = None,
    dry_run: bool = False,
    approver: Callable[[str], bool] | None = None,
    resume: str | None = None,
    runs_dir: Path = DEFAULT_RUNS_DIR,
    retry: RetryPolicy | None = None,
    progress: Any = None,
    on_plan: Callable[[Plan], None] | None = None,
) -> RunResult:
    """Build (or reload), show and run the failback plan."""
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
    from tradedr.ops.traffic import resolve_traffic

    home = to_region or settings.primary_region
    if from_region:
        current = from_region
    elif settings.database.is_aurora_global:
        current = aurora_writer_region(provider, settings, [home, *settings.standby_regions])
    else:
        current = current_writer_region(provider, settings, home)
    controls = resolve_traffic(settings, provider, read_region=home, emulated=target == "local")
    plan = build_failback_plan(
        settings,
        current_region=current,
        home_region=home,
        traffic_mode=controls.mode,
        traffic=controls.params_for(home),
    )
    if controls.placeholders:
        plan = plan.model_copy(
            update={
                "notes": [
                    *plan.notes,
                    "the emulator has no ARC or Global Accelerator: traffic-step values are "
                    "placeholders and those steps are reported not emulated",
                ]
            }
        )
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
