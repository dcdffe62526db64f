"""The readiness checks' facts about a deployment, derived from the config like every
physical name (`Names`): the same dict feeds `tradedr readiness` and the scheduled function's
environment, so both check the same resources."""

from __future__ import annotations

from typing import Any

from tradedr.config import Settings
from tradedr.infra.components.traffic import CONTROL_PLANE_REGION
from tradedr.names import Names, region_code


def readiness_facts(settings: Settings, standby: str) -> dict[str, Any]:
    """The fields of `tradedr.readiness.facts.ReadinessFacts` for `standby` (without the
    plan's IAM actions, which only the plan model knows)."""
    names = Names(settings)
    posture = settings.posture
    routed = [settings.primary_region]
    if posture.runs_standby_app:
        routed += settings.standby_regions
    data_stacks = [[names.data_stack(r), r] for r in settings.all_regions]
    if posture.replicates_data:
        data_stacks += [[names.replica_stack(r), r] for r in settings.standby_regions]
    regions = settings.all_regions
    return {
        "primary": settings.primary_region,
        "standby": standby,
        "replicates_data": posture.replicates_data,
        "runs_standby_app": posture.runs_standby_app,
        "aurora": settings.database.is_aurora_global,
        "rpo_seconds": settings.targets.rpo_seconds,
        "backup_rpo_seconds": settings.targets.backup_rpo_seconds,
        "instance_type": settings.regions[standby].instance_type,
        "asg_max": settings.regions[standby].asg_max,
        "traffic": settings.routing.traffic,
        "desired": {r: settings.capacity(r)[1] for r in routed},
        "codes": {r: region_code(r) for r in regions},
        "db_identifiers": {r: names.db_identifier(r) for r in regions},
        "db_clusters": {r: names.db_cluster(r) for r in regions},
        "global_cluster": names.global_cluster,
        "db_secret": names.db_secret(settings.primary_region),
        "kms_aliases": {r: names.kms_alias(r) for r in regions},
        "asg": names.asg(standby),
        "global_stack": names.global_stack,
        "traffic_stack": names.traffic_stack,
        "control_plane_region": CONTROL_PLANE_REGION,
        "backup_vault": names.backup_vault(standby),
        "sessions_table": names.sessions_table,
        "data_stacks": data_stacks,
    }
