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
    _stamp,
    db_writers,
    endpoint_parameter,
    resume_run,
    retired_name,
    run_plan,
    traffic_step,
)
from tradedr.ops.plans import ActionKind, Plan, Step, TrafficMode


def build_failback_plan(
    settings: Settings,
    *,
    current_region: str,
    home_region: str | None = None,
    approval: bool = True,
    traffic_mode: TrafficMode = TrafficMode.HEALTH_CHECK,
    traffic: dict[str, Any] | None = None,
) -> Plan:
    home = home_region or settings.primary_region
    if current_region == home:
        raise ConfigError(f"{home} is already the writer region; nothing to fail back")
    names = Names(settings)
    created_at = datetime.now(UTC).isoformat(timespec="seconds")
    stamp = _stamp(created_at)
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
        _group(
            "fence the stale primary",
            step(
                f"fence-app-{home}",
                ActionKind.FENCE_PRIMARY,
                home,
                f"Keep {names.asg(home)} at 0 while its DB is stale",
                "no instances in service",
                asg_name=names.asg(home),
            ),
            step(
                f"retire-db-{home}",
                ActionKind.RETIRE_DB,
                home,
                f"Retire the stale writer {home_db} (rename, stop, data kept)",
                "stopped; stable name free",
                db_identifier=home_db,
                retired_identifier=home_stale,
            ),
        ),
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
        _group("move traffic", traffic_step(settings, home, traffic_mode, traffic)),
        _group(
            "verify",
            step(
                f"verify-{home}",
                ActionKind.VERIFY_HEALTH,
                home,
                f"Verify {home} serves: writer, app endpoint, healthy targets",
                "all checks pass",
                db_identifier=home_db,
                db_region=home,
                parameter_name=parameter,
                asg_name=names.asg(home),
                target_group_name=names.target_group(home),
                min_healthy=max(1, active.asg_desired),
                alb_name=names.alb(home),
                health_path=settings.routing.health_check_path,
            ),
        ),
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
    home = to_region or settings.primary_region
    current = from_region or current_writer_region(provider, settings, home)
    plan = build_failback_plan(settings, current_region=current, home_region=home)
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
