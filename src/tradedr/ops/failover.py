"""Failover: decide which plan the situation calls for, build it from its recipe, run it.

Three shapes of the same plan (ops/recipes/failover.py):
- planned: the primary answers; fence its app, let the replica catch up, promote, retire
  the old writer. No data loss, no second writer.
- unplanned: the primary's region is lost by two signals (ops/probe.py) or by the
  operator's word; every step runs in the target region (or on a data plane), checked
  statically by `failed_region_violations`.
- practice: a rehearsal of the unplanned path on a healthy system; the primary's app is
  fenced and drained first and its writer retired last, so the rehearsal never leaves two
  writers.
"""

from __future__ import annotations

from typing import Any

from tradedr.config import Settings
from tradedr.errors import ConfigError, PlanBugError
from tradedr.names import Names
from tradedr.ops.actions.base import PreconditionFailedError, is_writer
from tradedr.ops.clients import ClientProvider
from tradedr.ops.executor import RunResult
from tradedr.ops.plans import Plan, PlanMode, TrafficMode
from tradedr.ops.probe import ProbeWindow, probe_primary
from tradedr.ops.recipes import PlanRequest, plan_for
from tradedr.ops.run import RunOptions, execute


def failover_plan(
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
    return plan_for(
        settings,
        "failover",
        source=from_region or settings.primary_region,
        target=to_region,
        created_at=created_at,
        mode=mode,
        allow_data_loss=allow_data_loss,
        approval=approval,
        traffic_mode=traffic_mode,
        traffic=traffic,
    )


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


def failover(
    settings: Settings,
    provider: ClientProvider,
    options: RunOptions | None = None,
    *,
    to_region: str | None = None,
    from_region: str | None = None,
    practice: bool = False,
    allow_data_loss: bool = False,
    assume_region_lost: bool = False,
    probe_window: ProbeWindow | None = None,
) -> RunResult:
    """Build (or reload), show and run a failover plan; the one entry point the CLI calls.

    The plan is unplanned only when the probe sees the source region lost by two signals,
    or when the operator says so with `assume_region_lost`; an undecided probe refuses."""
    options = options or RunOptions()

    def build() -> Plan:
        if not to_region:
            raise ConfigError("--to REGION is required (unless --resume RUN_ID)")
        mode, note = choose_mode(
            settings,
            provider,
            options,
            to_region=to_region,
            source=from_region or settings.primary_region,
            practice=practice,
            assume_region_lost=assume_region_lost,
            probe_window=probe_window,
        )
        plan = plan_failover(
            settings,
            provider,
            to_region=to_region,
            from_region=from_region,
            mode=mode,
            allow_data_loss=allow_data_loss,
            target=options.target,
        )
        return plan.model_copy(update={"notes": [note, *plan.notes]}) if note else plan

    return execute(build, settings, provider, options)


def choose_mode(
    settings: Settings,
    provider: ClientProvider,
    options: RunOptions,
    *,
    to_region: str,
    source: str,
    practice: bool,
    assume_region_lost: bool,
    probe_window: ProbeWindow | None,
) -> tuple[PlanMode, str | None]:
    """Planned, unplanned or practice, and the note that records why."""
    if to_region not in settings.all_regions or to_region == source:
        PlanRequest(settings=settings, kind="failover", source=source, target=to_region).check()
    if practice and assume_region_lost:
        raise ConfigError("--practice rehearses on a healthy system; drop --assume-region-lost")
    from tradedr.ops.traffic import traffic_mode_for

    local = options.target == "local"
    window = probe_window or (
        ProbeWindow(seconds=1.0, first_delay=0.05) if local else ProbeWindow()
    )
    probe = probe_primary(
        settings,
        provider,
        source,
        traffic_mode=traffic_mode_for(settings),
        emulated=local,
        window=window,
    )
    if probe.verdict == "answers":
        return ("practice" if practice else "planned"), None
    if practice:
        raise PreconditionFailedError(
            f"--practice needs a healthy {source}, but it does not answer ({probe.explain()}); "
            "run a real failover instead"
        )
    if probe.verdict == "lost":
        return "unplanned", f"{source} lost by both signals: {probe.explain()}"
    if assume_region_lost:
        return "unplanned", f"{source} assumed lost (--assume-region-lost): {probe.explain()}"
    raise PreconditionFailedError(
        f"cannot decide whether {source} is lost ({probe.explain()}); an unplanned failover "
        f"skips the fence and the drain, so it needs two signals of loss. If you know "
        f"{source} is gone, re-run with --assume-region-lost"
    )


def plan_failover(
    settings: Settings,
    provider: ClientProvider,
    *,
    to_region: str,
    from_region: str | None = None,
    mode: PlanMode = "planned",
    allow_data_loss: bool = False,
    target: str = "local",
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
            raise PlanBugError(
                "plan bug: reading the traffic controls needs " + ", ".join(problems)
            )
    plan = failover_plan(
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
