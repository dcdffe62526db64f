"""Failback: make the original primary the writer again and restore every role.

An RDS instance cannot be demoted, so roles are restored by building new replicas: the
old primary (stale since the failover) is retired, a fresh replica of the current writer
is created in its place under the stable name, and once it has caught up the reverse
planned failover runs. The current writer is then retired too and replaced by a replica,
so the standby ends as it was deployed: a read replica, its app at standby capacity.
"""

from __future__ import annotations

from typing import Any

from tradedr.config import Settings
from tradedr.errors import TradedrError
from tradedr.names import Names
from tradedr.ops.clients import ClientProvider
from tradedr.ops.executor import RunResult
from tradedr.ops.failover import db_writers
from tradedr.ops.plans import Plan, TrafficMode
from tradedr.ops.recipes import plan_for
from tradedr.ops.run import RunOptions, execute


def failback_plan(
    settings: Settings,
    *,
    current_region: str,
    home_region: str | None = None,
    approval: bool = True,
    traffic_mode: TrafficMode = TrafficMode.HEALTH_CHECK,
    traffic: dict[str, Any] | None = None,
    created_at: str | None = None,
) -> Plan:
    """The failback plan from the current writer region home (see ops/recipes/failback.py)."""
    home = home_region or settings.primary_region
    options = {"approval": approval, "traffic_mode": traffic_mode, "traffic": traffic}
    return plan_for(
        settings, "failback", source=current_region, target=home, created_at=created_at, **options
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
    options: RunOptions | None = None,
    *,
    to_region: str | None = None,
    from_region: str | None = None,
) -> RunResult:
    """Build (or reload), show and run the failback plan."""
    options = options or RunOptions()

    def build() -> Plan:
        from tradedr.ops.traffic import resolve_traffic

        home = to_region or settings.primary_region
        if from_region:
            current = from_region
        elif settings.database.is_mrsc:
            # every region writes: fail back from any other serving region
            current = next(r for r in settings.all_regions if r != home)
        elif settings.database.is_aurora_global:
            current = aurora_writer_region(provider, settings, [home, *settings.standby_regions])
        else:
            current = current_writer_region(provider, settings, home)
        controls = resolve_traffic(
            settings, provider, read_region=home, emulated=options.target == "local"
        )
        plan = failback_plan(
            settings,
            current_region=current,
            home_region=home,
            traffic_mode=controls.mode,
            traffic=controls.params_for(home),
        )
        if not controls.placeholders:
            return plan
        return plan.model_copy(
            update={
                "notes": [
                    *plan.notes,
                    "the emulator has no ARC or Global Accelerator: traffic-step values are "
                    "placeholders and those steps are reported not emulated",
                ]
            }
        )

    return execute(build, settings, provider, options)
