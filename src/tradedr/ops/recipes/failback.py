"""Failback recipes: make the home region the writer again and restore every role.

RDS cannot demote a writer, so the RDS recipe rebuilds replication: retire the stale home
writer, replicate the current writer home, catch up, run the reverse planned failover, then
retire the former writer and rebuild the standby replica from the new primary. Aurora
keeps both clusters in the global database, so its recipe is a managed switchover home.
"""

from __future__ import annotations

from tradedr.ops import steps
from tradedr.ops.plans import Step, StepGroup
from tradedr.ops.recipes import standbys
from tradedr.ops.recipes.base import PlanRequest
from tradedr.ops.steps import group, retired_name

Groups = tuple[list[StepGroup], list[str]]


def _approval(request: PlanRequest) -> list[StepGroup]:
    if not request.approval:
        return []
    prefix, current, home = request.settings.prefix, request.source, request.target
    return [
        group(
            "approval",
            steps.approval(
                home,
                title=f"Approve failback of {prefix} from {current} to {home}",
                prompt=f"Fail {prefix} back from {current} to {home}?",
            ),
        )
    ]


def _prepare_and_fence(request: PlanRequest) -> list[StepGroup]:
    settings, current, home = request.settings, request.source, request.target
    return [
        group(
            "prepare the home region",
            steps.scale_active(settings, home, verification="instances in service and healthy"),
        ),
        group(
            "stop writes in the current writer region",
            steps.fence_app(
                settings,
                current,
                title=f"Scale {request.names.asg(current)} to 0 while the writer moves",
                verification="no instances in service",
            ),
        ),
    ]


def _tail(request: PlanRequest) -> list[StepGroup]:
    settings, home = request.settings, request.target
    return [
        group(
            "move traffic",
            *steps.traffic_steps(settings, home, request.traffic_mode, request.traffic),
        ),
        group("verify", steps.verify(settings, home)),
    ]


def _point(
    request: PlanRequest,
    region: str,
    *,
    at: str,
    title: str,
    verification: str,
    step_id: str | None = None,
) -> Step:
    settings = request.settings
    return steps.repoint(
        settings,
        region,
        db_region=at,
        title=f"Point {steps.endpoint_parameter(settings)} in {region} at {title}",
        verification=verification,
        step_id=step_id,
    )


def mysql(request: PlanRequest) -> Groups:
    settings, names = request.settings, request.names
    current, home = request.source, request.target
    home_db, current_db = names.db_identifier(home), names.db_identifier(current)
    home_stale = retired_name(home_db, request.stamp)
    current_stale = retired_name(current_db, request.stamp)
    groups = [
        group("fence the stale primary", *steps.stale_primary_steps(settings, home, request.stamp)),
        group(
            "re-establish replication",
            steps.create_replica(
                settings,
                home,
                source_region=current,
                like=home_stale,
                multi_az=settings.database.multi_az,
            ),
        ),
        group(
            "catch up",
            steps.catch_up(settings, home),
            # Before the home app tier scales up: after a planned failover its parameter
            # names the current writer, so its new instances would write there while the
            # writer moves (the drill's lab saw those writes land on the old writer after
            # the promotion). Its own read-only replica keeps it unhealthy until then.
            _point(
                request,
                home,
                at=home,
                title=f"{home_db}, its new replica, until it is promoted",
                verification="value is the replica endpoint",
                step_id=f"repoint-replica-{home}",
            ),
        ),
        *_approval(request),
        *_prepare_and_fence(request),
        group("let the replica catch up", steps.drain(settings, home, verification="ReplicaLag 0")),
        group("promote", steps.promote(settings, home, verification="standalone and available")),
        group(
            "repoint the app",
            _point(
                request, home, at=home, title=home_db, verification="value is the writer endpoint"
            ),
            _point(
                request,
                current,
                at=home,
                title=f"{home_db} for now",
                verification="value is the writer endpoint",
            ),
        ),
        *standbys.rebuild(request, writer=home),
        group(
            "fence the former writer",
            steps.retire(
                settings,
                current,
                stamp=request.stamp,
                title="Retire {db} (rename, stop, data kept)",
                verification="stopped",
            ),
        ),
        group(
            "rebuild the standby replica",
            steps.create_replica(
                settings,
                current,
                source_region=home,
                like=current_stale,
                multi_az=steps.replica_multi_az(settings),
            ),
        ),
        group(
            "restore the standby role",
            _point(
                request,
                current,
                at=current,
                title="its local replica",
                verification="value is the replica endpoint",
                step_id=f"repoint-replica-{current}",
            ),
            steps.scale_standby(settings, current),
        ),
        *_tail(request),
    ]
    return groups, [
        f"the stale writers are kept, stopped, as {home_stale} and {current_stale}; "
        "RDS starts a stopped instance again after 7 days, so snapshot and delete them "
        "once their data is reconciled (tradedr destroy --delete-data does both)",
        *standbys.note(request, writer=home),
    ]


def aurora(request: PlanRequest) -> Groups:
    settings, names = request.settings, request.names
    current, home = request.source, request.target
    groups = [
        group("preconditions", steps.lag_check(settings, home, allow_data_loss=False)),
        *_approval(request),
        *_prepare_and_fence(request),
        group(
            "switch the writer home (managed switchover)",
            steps.aurora_switch(settings, home, planned=True),
        ),
        group(
            "repoint the app",
            _point(
                request,
                home,
                at=home,
                title=names.db_cluster(home),
                verification="value is the writer cluster endpoint",
            ),
            _point(
                request,
                current,
                at=current,
                title="its local secondary cluster",
                verification="value is the local cluster endpoint",
                step_id=f"repoint-replica-{current}",
            ),
        ),
        *standbys.rebuild(request, writer=home),
        group("restore the standby role", steps.scale_standby(settings, current)),
        *_tail(request),
    ]
    return groups, [
        f"the {home} cluster must be a caught-up secondary of {names.global_cluster} "
        "(after an unplanned failover Aurora rejoins it once its region is back); the lag "
        "check refuses to switch over otherwise",
        *standbys.note(request, writer=home),
    ]


def mrsc(request: PlanRequest) -> Groups:
    """dynamodb-mrsc: the returning region writes again as soon as clients reach it, so the
    only move is its dial back to 100, after its app tier is healthy and its orders replica
    (and the witness) are ACTIVE again."""
    settings, current, home = request.settings, request.source, request.target
    witness = settings.database.witness_region
    everyone = [*settings.all_regions, *([witness] if witness else [])]
    ready = steps.verify(settings, home)
    ready = ready.model_copy(
        update={
            "id": f"verify-{home}-before",
            "title": f"Confirm {home} is healthy: orders replica, app endpoint, healthy targets",
        }
    )
    arn = (request.traffic or {}).get("endpoint_group_arn")
    groups = [
        group("the home region is healthy", ready),
        group(
            "its orders replica is back",
            steps.mrsc_replicas(
                settings,
                home,
                everyone,
                title=f"Check from {home}: the orders table is STRONG and every replica "
                f"({', '.join(everyone)}) is ACTIVE",
            ),
        ),
        *_approval(request),
    ]
    if arn is not None:
        groups.append(
            group(
                "return traffic",
                steps.traffic_dial(
                    home,
                    str(arn),
                    100,
                    title=f"Set the Global Accelerator traffic dial of {home} to 100%",
                    verification="DescribeEndpointGroup shows TrafficDialPercentage 100",
                ),
            )
        )
    groups.append(group("verify", steps.verify(settings, home)))
    return groups, [
        f"dynamodb-mrsc: {current} and the other regions keep writing throughout; no data "
        "moves and no writer changes, only the accelerator's dial"
    ]
