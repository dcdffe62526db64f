"""The other standbys of a three-or-more-region deployment, when the writer moves.

A failover (or failback) moves the writer between two regions; every other standby's
replica still follows the old writer. RDS MySQL cannot change a replica's source, so each
is re-created from the new writer (detach the old one, data kept; create the new one under
the stable name, shaped like the old; point the region's app at it), and the old writer is
retired only after that: RDS refuses to stop an instance that still has read replicas.
Aurora global secondaries follow the new writer cluster by themselves (a switchover or a
global failover re-points every secondary), so their regions only re-point their app to
their own cluster's endpoint.
"""

from __future__ import annotations

from tradedr.ops import steps
from tradedr.ops.plans import StepGroup
from tradedr.ops.recipes.base import PlanRequest
from tradedr.ops.steps import group, retired_name


def stamp(request: PlanRequest) -> str:
    """The plan's stamp and its kind: a failback made within the minute of its failover
    retires the same standby's replica a second time, under another name."""
    return f"{request.stamp}-{'fo' if request.kind == 'failover' else 'fb'}"


def others(request: PlanRequest) -> list[str]:
    """The regions that are neither side of the move, in config order."""
    return [r for r in request.settings.all_regions if r not in (request.source, request.target)]


def rebuild(request: PlanRequest, *, writer: str) -> list[StepGroup]:
    """The groups that make every other standby follow `writer`'s DB (none with two
    regions)."""
    settings, names = request.settings, request.names
    regions = others(request)
    if not regions:
        return []
    parameter = steps.endpoint_parameter(settings)
    repoint = group(
        "point the other standbys' apps at their own replica",
        *(
            steps.repoint(
                settings,
                region,
                db_region=region,
                title=f"Point {parameter} in {region} at its local "
                + ("secondary cluster" if settings.database.is_aurora_global else "replica"),
                verification="value is the local "
                + ("cluster" if settings.database.is_aurora_global else "replica")
                + " endpoint",
                step_id=f"repoint-replica-{region}",
            )
            for region in regions
        ),
    )
    if settings.database.is_aurora_global:
        return [repoint]
    return [
        group(
            "detach the other standbys' replicas from the old writer",
            *(
                steps.retire_replica(settings, region, writer_region=writer, stamp=stamp(request))
                for region in regions
            ),
        ),
        group(
            "re-create the other standbys' replicas from the new writer",
            *(
                steps.create_replica(
                    settings,
                    region,
                    source_region=writer,
                    like=retired_name(names.db_identifier(region), stamp(request)),
                    multi_az=steps.replica_multi_az(settings),
                )
                for region in regions
            ),
        ),
        repoint,
    ]


def note(request: PlanRequest, *, writer: str) -> list[str]:
    regions = others(request)
    if not regions:
        return []
    if request.settings.database.is_aurora_global:
        return [
            f"Aurora re-points the other secondaries ({', '.join(regions)}) to the new writer "
            "cluster itself (https://docs.aws.amazon.com/AmazonRDS/latest/AuroraUserGuide/"
            "aurora-global-database-disaster-recovery.html); their apps keep their own cluster"
        ]
    return [
        f"the other standbys ({', '.join(regions)}) get replicas of {writer}'s writer before "
        "the old writer is retired: RDS cannot change a replica's source, and refuses to stop "
        "an instance that still has replicas"
    ]
