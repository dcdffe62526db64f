"""Step factories: every kind of plan step, built once from the config and the regions.

Recipes (ops/recipes/) compose these into plans; nothing here decides an order. Titles and
verifications default to a failover's wording; failback and fence pass their own where the
same action means something else to the operator reading the plan.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any, Literal

from tradedr.config import Settings
from tradedr.names import Names
from tradedr.ops.actions.approval import ApprovalParams
from tradedr.ops.actions.aurora_global import AuroraGlobalParams
from tradedr.ops.actions.check_lag import CheckLagParams
from tradedr.ops.actions.check_mrsc import CheckMrscParams
from tradedr.ops.actions.create_replica import CreateReplicaParams
from tradedr.ops.actions.fence_primary import FenceParams
from tradedr.ops.actions.promote_replica import PromoteParams
from tradedr.ops.actions.retire_db import RetireParams
from tradedr.ops.actions.retire_replica import RetireReplicaParams
from tradedr.ops.actions.routing_control import RoutingControlParams
from tradedr.ops.actions.scale_asg import ScaleAsgParams
from tradedr.ops.actions.shift_traffic import ShiftTrafficParams
from tradedr.ops.actions.traffic_dial import TrafficDialParams
from tradedr.ops.actions.update_endpoint import UpdateEndpointParams
from tradedr.ops.actions.verify_health import VerifyHealthParams
from tradedr.ops.actions.wait_replica import WaitReplicaParams
from tradedr.ops.plans import ActionKind, Step, StepGroup, TrafficMode

Phase = Literal["recovery", "cleanup"]


def endpoint_parameter(settings: Settings) -> str:
    """The SSM parameter the app tier reads its DB endpoint from (see compute.py)."""
    return Names(settings).db_endpoint_parameter


def retired_name(identifier: str, stamp: str) -> str:
    return f"{identifier}-stale-{stamp}"[:63]


def run_stamp(created_at: str) -> str:
    """Minute-resolution stamp of a plan's creation: names retired resources so a resumed
    run finds the names its first attempt chose."""
    return datetime.fromisoformat(created_at).strftime("%Y%m%d%H%M")


def group(name: str, *steps: Step) -> StepGroup:
    return StepGroup(name=name, steps=list(steps))


def db_endpoint_params(settings: Settings, region: str) -> dict[str, Any]:
    """Which database an endpoint/verify step reads: the instance (RDS) or cluster (Aurora)."""
    names = Names(settings)
    if settings.database.is_mrsc:
        return {"orders_table": names.orders_table}
    if settings.database.is_aurora_global:
        return {
            "db_cluster_identifier": names.db_cluster(region),
            "global_cluster_id": names.global_cluster,
            "db_region": region,
        }
    return {"db_identifier": names.db_identifier(region), "db_region": region}


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


# Preconditions and approval ------------------------------------------------------------


def lag_check(settings: Settings, region: str, *, allow_data_loss: bool) -> Step:
    """The RPO precondition: the replica (RDS) or secondary cluster (Aurora) in `region`."""
    names = Names(settings)
    rpo = settings.targets.rpo_seconds
    if settings.database.is_aurora_global:
        cluster = names.db_cluster(region)
        return Step(
            id=f"check-lag-{region}",
            action=ActionKind.CHECK_REPLICA_LAG,
            region=region,
            title=f"Check the global replication lag of {cluster} against the RPO ({rpo} s)",
            params=CheckLagParams(
                db_cluster_identifier=cluster,
                global_cluster_id=names.global_cluster,
                max_lag_seconds=rpo,
                allow_data_loss=allow_data_loss,
            ).dump(),
            verification="CloudWatch AuroraGlobalDBReplicationLag (Maximum, last 5 min) <= RPO",
        )
    db = names.db_identifier(region)
    return Step(
        id=f"check-lag-{region}",
        action=ActionKind.CHECK_REPLICA_LAG,
        region=region,
        title=f"Check the replica lag of {db} against the RPO ({rpo} s)",
        params=CheckLagParams(
            db_identifier=db, max_lag_seconds=rpo, allow_data_loss=allow_data_loss
        ).dump(),
        verification="CloudWatch ReplicaLag (Maximum, last 5 min) <= RPO",
    )


def approval(region: str, *, title: str, prompt: str) -> Step:
    return Step(
        id="approve",
        action=ActionKind.MANUAL_APPROVAL,
        region=region,
        title=title,
        params=ApprovalParams(prompt=prompt).dump(),
    )


# Capacity and fencing -------------------------------------------------------------------


def scale_active(settings: Settings, region: str, *, verification: str | None = None) -> Step:
    """The region's ASG to its configured (active) capacity, healthy behind its target group."""
    names = Names(settings)
    sizing = settings.regions[region]
    return Step(
        id=f"scale-{region}",
        action=ActionKind.SCALE_ASG,
        region=region,
        title=f"Scale {names.asg(region)} to active capacity "
        f"{sizing.asg_min}/{sizing.asg_desired}/{sizing.asg_max}",
        params=ScaleAsgParams(
            asg_name=names.asg(region),
            min=sizing.asg_min,
            desired=sizing.asg_desired,
            max=sizing.asg_max,
            target_group_name=names.target_group(region),
        ).dump(),
        verification=verification
        if verification is not None
        else f"{sizing.asg_desired} instances in service and healthy in "
        f"{names.target_group(region)}",
    )


def scale_standby(settings: Settings, region: str) -> Step:
    """The region's ASG back to the posture's standby capacity."""
    names = Names(settings)
    minimum, desired, maximum = settings.standby_capacity(region)
    return Step(
        id=f"standby-capacity-{region}",
        action=ActionKind.SCALE_ASG,
        region=region,
        title=f"Return {names.asg(region)} to standby capacity {minimum}/{desired}/{maximum}",
        params=ScaleAsgParams(
            asg_name=names.asg(region), min=minimum, desired=desired, max=maximum
        ).dump(),
        verification="sizes as the posture says",
    )


def fence_app(
    settings: Settings,
    region: str,
    *,
    title: str,
    verification: str,
    preconditions: list[str] | None = None,
    phase: Phase = "recovery",
) -> Step:
    """The region's ASG to 0: its writes stop and its deep health check fails."""
    return Step(
        id=f"fence-app-{region}",
        action=ActionKind.FENCE_PRIMARY,
        region=region,
        title=title,
        params=FenceParams(asg_name=Names(settings).asg(region)).dump(),
        preconditions=preconditions or [],
        verification=verification,
        phase=phase,
    )


# The database ---------------------------------------------------------------------------


def drain(settings: Settings, region: str, *, verification: str) -> Step:
    """Wait until the replica has applied every write made before the fence."""
    db = Names(settings).db_identifier(region)
    return Step(
        id=f"drain-{region}",
        action=ActionKind.WAIT_REPLICA,
        region=region,
        title=f"Wait for {db} to apply the last writes",
        params=WaitReplicaParams(db_identifier=db, max_lag_seconds=0).dump(),
        verification=verification,
    )


def catch_up(settings: Settings, region: str) -> Step:
    """Wait until a new replica is within the RPO of its writer."""
    db = Names(settings).db_identifier(region)
    rpo = settings.targets.rpo_seconds
    return Step(
        id=f"catch-up-{region}",
        action=ActionKind.WAIT_REPLICA,
        region=region,
        title=f"Wait for {db} to catch up (lag <= {rpo} s)",
        params=WaitReplicaParams(db_identifier=db, max_lag_seconds=rpo).dump(),
        verification="ReplicaLag <= RPO",
    )


def promote(settings: Settings, region: str, *, verification: str) -> Step:
    db = Names(settings).db_identifier(region)
    return Step(
        id=f"promote-{region}",
        action=ActionKind.PROMOTE_REPLICA,
        region=region,
        title=f"Promote {db} to the orders DB writer",
        params=PromoteParams(
            db_identifier=db, backup_retention_days=settings.database.backup_retention_days
        ).dump(),
        verification=verification,
    )


def create_replica(
    settings: Settings, region: str, *, source_region: str, like: str, multi_az: bool
) -> Step:
    """A cross-region read replica of `source_region`'s writer under `region`'s stable name,
    shaped like the retired instance `like` (subnets, security groups, key)."""
    names = Names(settings)
    db, source = names.db_identifier(region), names.db_identifier(source_region)
    return Step(
        id=f"replicate-to-{region}",
        action=ActionKind.CREATE_REPLICA,
        region=region,
        title=f"Create {db} in {region} as a read replica of {source}",
        params=CreateReplicaParams(
            db_identifier=db,
            source_identifier=source,
            source_region=source_region,
            like_identifier=like,
            instance_class=settings.database.instance_class,
            multi_az=multi_az,
        ).dump(),
        verification="replica available",
    )


def retire(
    settings: Settings,
    region: str,
    *,
    stamp: str,
    title: str,
    verification: str,
    phase: Phase = "recovery",
) -> Step:
    """Rename the region's stale writer out of the way and stop it: data kept."""
    db = Names(settings).db_identifier(region)
    return Step(
        id=f"retire-db-{region}",
        action=ActionKind.RETIRE_DB,
        region=region,
        title=title.format(db=db),
        params=RetireParams(
            db_identifier=db,
            retired_identifier=retired_name(db, stamp),
            replica_regions=[r for r in settings.all_regions if r != region],
        ).dump(),
        verification=verification,
        phase=phase,
    )


def retire_replica(
    settings: Settings, region: str, *, writer_region: str, stamp: str, phase: Phase = "recovery"
) -> Step:
    """Detach `region`'s replica from the writer being replaced (rename, promote, stop;
    data kept), unless it already follows the writer of `writer_region`."""
    names = Names(settings)
    db = names.db_identifier(region)
    writer = names.db_identifier(writer_region)
    return Step(
        id=f"retire-replica-{region}",
        action=ActionKind.RETIRE_REPLICA,
        region=region,
        title=f"Detach {db} from the old writer: rename, promote and stop it (data kept)",
        params=RetireReplicaParams(
            db_identifier=db,
            retired_identifier=retired_name(db, stamp),
            writer_identifier=writer,
            writer_region=writer_region,
        ).dump(),
        preconditions=[f"skipped when {db} already replicates {writer}"],
        verification="stopped, no longer a replica of the old writer (so that one can be stopped)",
        phase=phase,
    )


def replica_multi_az(settings: Settings) -> bool:
    """Standby replicas are Multi-AZ where the posture runs full standby capacity."""
    from tradedr.config import Posture

    return settings.posture in (Posture.HOT_STANDBY, Posture.ACTIVE_ACTIVE)


def aurora_switch(
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
        params=AuroraGlobalParams(
            global_cluster_id=names.global_cluster,
            target_cluster_id=cluster,
            planned=planned,
            **({} if planned else {"allow_data_loss": allow_data_loss}),
        ).dump(),
        preconditions=[]
        if planned
        else ["--allow-data-loss: FailoverGlobalCluster may lose writes not yet replicated"],
        verification=f"{cluster} is the writer member of {names.global_cluster}",
    )


def repoint(
    settings: Settings,
    region: str,
    *,
    db_region: str,
    title: str,
    verification: str,
    step_id: str | None = None,
    phase: Phase = "recovery",
) -> Step:
    """Point `region`'s endpoint parameter at the database of `db_region` (the instance
    under its stable name, or the Aurora cluster)."""
    return Step(
        id=step_id or f"repoint-{region}",
        action=ActionKind.UPDATE_DB_ENDPOINT,
        region=region,
        title=title,
        params=UpdateEndpointParams(
            parameter_name=endpoint_parameter(settings), **db_endpoint_params(settings, db_region)
        ).dump(),
        verification=verification,
        phase=phase,
    )


def stale_primary_steps(settings: Settings, region: str, stamp: str) -> list[Step]:
    """Stop a former primary that came back with a stale writer: its app to 0 (so its
    health check fails) and its DB renamed and stopped, data kept. Failback starts with
    these; `tradedr fence` runs them on their own."""
    names = Names(settings)
    return [
        fence_app(
            settings,
            region,
            title=f"Keep {names.asg(region)} at 0 while its DB is stale",
            verification="no instances in service",
        ),
        retire(
            settings,
            region,
            stamp=stamp,
            title="Retire the stale writer {db} (rename, stop, data kept)",
            verification="stopped; stable name free",
        ),
    ]


# Traffic and verification ---------------------------------------------------------------


def traffic_step(
    settings: Settings,
    region: str,
    mode: TrafficMode,
    traffic: dict[str, Any] | None,
    *,
    phase: Phase = "recovery",
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
            params=RoutingControlParams(
                cluster_endpoints=traffic["cluster_endpoints"], states=traffic["states"]
            ).dump(),
            verification="UpdateRoutingControlStates accepted by a cluster endpoint",
            phase=phase,
        )
    if mode is TrafficMode.TRAFFIC_DIAL:
        return Step(
            id=f"dial-to-{region}",
            action=ActionKind.SET_TRAFFIC_DIAL,
            region=region,
            title=f"Set the Global Accelerator traffic dial of {region} to 100%",
            params=TrafficDialParams(
                endpoint_group_arn=traffic["endpoint_group_arn"], percentage=100
            ).dump(),
            verification="DescribeEndpointGroup shows TrafficDialPercentage 100",
            phase=phase,
        )
    return Step(
        id=f"traffic-to-{region}",
        action=ActionKind.SHIFT_TRAFFIC,
        region=region,
        title=f"Confirm Route 53 health-check failover sends {names.record_fqdn} to {region}",
        params=ShiftTrafficParams(record_name=names.record_fqdn, alb_name=names.alb(region)).dump(),
        preconditions=["the old primary is fenced or unreachable, so its health check fails"],
        verification=f"{names.record_fqdn} resolves to the {region} ALB (data plane only)",
        phase=phase,
    )


def traffic_dial(
    region: str,
    endpoint_group_arn: str,
    percentage: int,
    *,
    title: str,
    verification: str,
    phase: Phase = "recovery",
) -> Step:
    """Set one region's Global Accelerator traffic dial (control plane in us-west-2)."""
    return Step(
        id=f"dial-{'up' if percentage else 'down'}-{region}",
        action=ActionKind.SET_TRAFFIC_DIAL,
        region=region,
        title=title,
        params=TrafficDialParams(
            endpoint_group_arn=endpoint_group_arn, percentage=percentage
        ).dump(),
        verification=verification,
        phase=phase,
    )


def mrsc_replicas(settings: Settings, region: str, active: list[str], *, title: str) -> Step:
    """Check, from `region`, that the orders MRSC table is STRONG and its replicas (and
    witness) in `active` are ACTIVE."""
    return Step(
        id=f"check-orders-replicas-{region}",
        action=ActionKind.CHECK_MRSC_REPLICAS,
        region=region,
        title=title,
        params=CheckMrscParams(
            table_name=Names(settings).orders_table, active_regions=active
        ).dump(),
        verification="DescribeTable: MultiRegionConsistency STRONG, those replicas ACTIVE",
    )


def traffic_steps(
    settings: Settings,
    region: str,
    mode: TrafficMode,
    traffic: dict[str, Any] | None,
    *,
    phase: Phase = "recovery",
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
                    params=TrafficDialParams(endpoint_group_arn=arn, percentage=0).dump(),
                    verification="DescribeEndpointGroup shows TrafficDialPercentage 0",
                    phase=phase,
                )
            )
    return steps


def verify(settings: Settings, region: str) -> Step:
    """The last step of failover and failback: `region` writes, its app reads the new
    endpoint, and enough targets are healthy."""
    names = Names(settings)
    return Step(
        id=f"verify-{region}",
        action=ActionKind.VERIFY_HEALTH,
        region=region,
        title=f"Verify {region} serves: writer, app endpoint, healthy targets",
        params=VerifyHealthParams(
            **db_endpoint_params(settings, region),
            parameter_name=endpoint_parameter(settings),
            asg_name=names.asg(region),
            target_group_name=names.target_group(region),
            min_healthy=max(1, settings.regions[region].asg_desired),
            **alb_health_params(settings, region),
        ).dump(),
        verification="all checks pass",
    )
