"""The current roles of a deployment: which region writes, which run put it there, and
which instances earlier plans left stale.

The config names the roles a deployment starts with; after a failover they have moved.
`tradedr validate` (and the drill) check against these, not the config's: the writer is
read from the database (RDS: the authoritative writer by ops/authority.py's rule; Aurora:
the global cluster's writer member), the latest completed failover or failback in the
runs directory must agree with it, and the routing's view is reported where it can be read.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from botocore.exceptions import BotoCoreError, ClientError

from tradedr.config import Settings
from tradedr.names import Names
from tradedr.ops.actions.base import STALE_TAG
from tradedr.ops.backend import AwsBackend, Backend, Capability
from tradedr.ops.clients import ClientProvider

STALE_NOTE = "stale, to be cleaned up by failback or destroy"


@dataclass(frozen=True)
class LatestRun:
    run_id: str
    kind: str
    source: str
    target: str


@dataclass(frozen=True)
class StaleInstance:
    region: str
    identifier: str
    status: str


@dataclass
class Roles:
    """Who writes now, and how that was decided."""

    writer: str
    evidence: str
    problems: list[str] = field(default_factory=list)
    run: LatestRun | None = None
    routing: str = ""
    stale: list[StaleInstance] = field(default_factory=list)

    def standbys(self, settings: Settings) -> list[str]:
        return [r for r in settings.all_regions if r != self.writer]

    def describe(self, settings: Settings) -> str:
        text = (
            f"assumed roles: writer {self.writer} ({self.evidence}); standbys "
            f"{', '.join(self.standbys(settings))}"
        )
        if self.run is not None:
            text += (
                f"; latest completed run {self.run.run_id} ({self.run.kind} {self.run.source} "
                f"-> {self.run.target})"
            )
        else:
            text += "; no completed failover or failback in the runs directory"
        if self.routing:
            text += f"; routing: {self.routing}"
        return text


def latest_completed_run(runs_dir: Path | None, settings: Settings) -> LatestRun | None:
    """The most recently started failover or failback of this deployment that completed."""
    from tradedr.errors import TradedrError
    from tradedr.ops.executor import first_start, known_runs, load_run

    if runs_dir is None:
        return None
    best: tuple[float, LatestRun] | None = None
    for run_id in known_runs(runs_dir):
        try:
            plan, journal = load_run(runs_dir, run_id)
            began = first_start(journal)
            status = journal.status()
        except TradedrError:
            continue
        if plan.prefix != settings.prefix or plan.kind == "fence" or status != "completed":
            continue
        if began is None:
            continue
        run = LatestRun(run_id, plan.kind, plan.source_region, plan.target_region)
        if best is None or began > best[0]:
            best = (began, run)
    return best[1] if best else None


def _rds_writer(settings: Settings, provider: ClientProvider) -> tuple[str, str, list[str]]:
    from tradedr.ops.authority import authoritative_writers, read_rds_evidence

    evidence = read_rds_evidence(settings, provider)
    names = Names(settings)
    writers = [w for w in evidence.writers if w.identifier == names.db_identifier(w.region)]
    problems = []
    if evidence.unread:
        problems.append("not read: " + ", ".join(f"{r} ({w})" for r, w in evidence.unread.items()))
    if not writers:
        problems.append("no running orders-DB writer under a stable name in any region")
        return settings.primary_region, "none found; the config's primary assumed", problems
    if len(writers) > 1:
        problems.append(
            "more than one writer takes writes: "
            + "; ".join(w.describe() for w in writers)
            + " (fence the stale one: tradedr fence --region REGION)"
        )
    top = authoritative_writers(writers)
    chosen = (
        top[0]
        if len(top) == 1
        else next((w for w in top if w.region == settings.primary_region), top[0])
    )
    return chosen.region, f"RDS: {chosen.describe()}", problems


def _aurora_writer(
    settings: Settings, provider: ClientProvider, backend: Backend
) -> tuple[str, str, list[str]]:
    names = Names(settings)
    for region in settings.all_regions:
        try:
            found = provider.client("rds", region).describe_global_clusters(
                GlobalClusterIdentifier=names.global_cluster
            )["GlobalClusters"]
        except (ClientError, BotoCoreError):
            continue
        for member in found[0].get("GlobalClusterMembers", []) if found else []:
            if member.get("IsWriter"):
                arn = str(member["DBClusterArn"])
                return arn.split(":")[3], f"Aurora: writer member {arn.rsplit(':', 1)[-1]}", []
    if gap := backend.gap(Capability.AURORA_GLOBAL, "the config's primary assumed"):
        return settings.primary_region, gap, []
    return (
        settings.primary_region,
        "no writer member found; the config's primary assumed",
        [f"{names.global_cluster}: no writer member readable in any region"],
    )


def stale_instances(settings: Settings, provider: ClientProvider) -> list[StaleInstance]:
    """The instances earlier plans retired: renamed `<stable>-stale-<stamp>` or tagged
    tradedr:stale."""
    names = Names(settings)
    found: list[StaleInstance] = []
    stable = {names.db_identifier(r) for r in settings.all_regions}
    for region in settings.all_regions:
        try:
            instances: list[dict[str, Any]] = (
                provider.client("rds", region).describe_db_instances().get("DBInstances", [])
            )
        except (ClientError, BotoCoreError):
            continue
        for instance in instances:
            identifier = str(instance["DBInstanceIdentifier"])
            tags = {t["Key"]: t["Value"] for t in instance.get("TagList", [])}
            renamed = any(identifier.startswith(f"{s}-stale-") for s in stable)
            if renamed or (STALE_TAG in tags and identifier not in stable):
                found.append(
                    StaleInstance(region, identifier, str(instance.get("DBInstanceStatus")))
                )
    return found


def current_roles(
    settings: Settings,
    provider: ClientProvider,
    *,
    runs_dir: Path | None = None,
    backend: Backend | None = None,
) -> Roles:
    backend = backend or AwsBackend()
    if settings.database.is_mrsc:
        # Every region writes to its own strongly consistent replica: no writer to find, no
        # stale instance to name (validate's orders-mrsc checks cover each replica).
        roles = Roles(settings.primary_region, "dynamodb-mrsc: every region writes", [])
        roles.routing = _routing(settings, backend)
        return roles
    if settings.database.is_aurora_global:
        writer, evidence, problems = _aurora_writer(settings, provider, backend)
    else:
        writer, evidence, problems = _rds_writer(settings, provider)
    roles = Roles(writer, evidence, problems)
    roles.run = latest_completed_run(runs_dir, settings)
    if roles.run is not None and roles.run.target != writer:
        roles.problems.append(
            f"the latest completed run {roles.run.run_id} made {roles.run.target} the writer, "
            f"but the database says {writer}"
        )
    roles.routing = _routing(settings, backend)
    if not settings.database.is_aurora_global:
        roles.stale = stale_instances(settings, provider)
    return roles


def _routing(settings: Settings, backend: Backend) -> str:
    """What validate can say about where clients go (it does not move them)."""
    traffic = settings.routing.traffic
    if traffic == "dns-failover":
        gap = backend.gap(Capability.HEALTH, "not read")
        if gap:
            return f"Route 53 health checks decide; {gap}"
        return "Route 53 health checks decide (each region's check is validated below)"
    return f"{traffic}: the plan sets it; validate checks the records and health checks below"
