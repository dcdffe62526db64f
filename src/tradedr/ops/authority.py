"""Who holds the authoritative writer: the region `tradedr fence` must never fence.

Fencing the wrong region would take down the live one (ops/fence.py says why fences exist),
so before any step runs the fence refuses a region that holds the authoritative writer. The
rule, from evidence readable in each region on its own (a region that does not answer is
skipped and named; the region to fence must answer):

Aurora global database (`aurora-mysql-global`): DescribeGlobalClusters, asked in the other
regions first and the region to fence last. The region of the member with IsWriter is
refused; so is every region when the global cluster cannot be read or has no writer member
(where the backend has no Aurora global clusters, as on the emulator, a missing global
cluster is not checked).

RDS MySQL:

1. Writers: every running orders-DB instance without a replication source, per region
   (DescribeDBInstances: tags, endpoint, InstanceCreateTime). Fencing the region with the
   only writer is refused.
2. Authoritative writer: a writer that was promoted (tagged `tradedr:promoted-from` by
   promote-replica) outranks every writer that never was (the original primary). Among
   promoted writers the latest promotion wins. Its time is the `tradedr:promoted-at` tag;
   a writer promoted without one (by an older tradedr) was promoted some time after its
   InstanceCreateTime. Without both times, a writer promoted from a replica of another (its
   promoted-from tag names that one, not created after it) was promoted after it: tradedr
   creates replicas of the writer only. A writer wins only when its promotion is certainly
   later than every other's; when none does, all the undecided ones count as
   authoritative and none of their regions is fenced.
3. Routing: the endpoint parameter `/<prefix>/orders-db/endpoint` in each region names the
   writer that region's app uses. A region whose parameter names an authoritative writer
   serves from the live data, so it is refused too (after an unplanned failover the lost
   region's parameter still names its own stale writer, so it can be fenced). Where clients
   are sent (Route 53, ARC, Global Accelerator) is not read: a recovered stale primary can
   look healthy to Route 53, which is the very problem fence solves.

A refusal is a TradedrError (exit 1), one line naming the region, the writer and the
evidence.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from botocore.exceptions import BotoCoreError, ClientError

from tradedr.config import Settings
from tradedr.errors import AwsOperationError, TradedrError
from tradedr.names import Names
from tradedr.ops.actions.base import PROMOTED_TAG, Target, is_writer
from tradedr.ops.actions.promote_replica import PROMOTED_AT_TAG
from tradedr.ops.backend import Capability
from tradedr.ops.clients import ClientProvider
from tradedr.ops.steps import endpoint_parameter
from tradedr.ops.target import backend_for


def _unanswered(exc: Exception) -> str | None:
    """Why a region did not answer, or None when the error is a real refusal (raise it)."""
    if isinstance(exc, ClientError):
        status = int(exc.response.get("ResponseMetadata", {}).get("HTTPStatusCode") or 0)
        if status < 500:
            return None
        return f"{exc.response.get('Error', {}).get('Code')} (HTTP {status})"
    return f"{type(exc).__name__}"


def _parse_time(value: str | None) -> datetime | None:
    if not value:
        return None
    try:
        moment = datetime.fromisoformat(value)
    except ValueError:
        return None
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def _time(moment: datetime | None) -> str:
    return moment.astimezone(UTC).isoformat(timespec="seconds") if moment else "unknown"


@dataclass(frozen=True)
class Writer:
    """One running orders-DB writer and what it says about its history."""

    region: str
    identifier: str
    arn: str
    address: str | None
    promoted_from: str | None
    promoted_at: datetime | None
    created: datetime | None

    @classmethod
    def of(cls, region: str, instance: dict[str, Any]) -> Writer:
        tags = {t["Key"]: t["Value"] for t in instance.get("TagList", [])}
        created = instance.get("InstanceCreateTime")
        if isinstance(created, datetime) and created.tzinfo is None:
            created = created.replace(tzinfo=UTC)
        return cls(
            region=region,
            identifier=str(instance["DBInstanceIdentifier"]),
            arn=str(instance.get("DBInstanceArn", "")),
            address=(instance.get("Endpoint") or {}).get("Address"),
            promoted_from=tags.get(PROMOTED_TAG),
            promoted_at=_parse_time(tags.get(PROMOTED_AT_TAG)),
            created=created if isinstance(created, datetime) else None,
        )

    @property
    def promoted(self) -> bool:
        return self.promoted_from is not None

    def history(self) -> str:
        if not self.promoted:
            return "never promoted"
        if self.promoted_at:
            return f"promoted from {self.promoted_from} at {_time(self.promoted_at)}"
        return (
            f"promoted from {self.promoted_from}, time unknown (no {PROMOTED_AT_TAG} tag; "
            f"created {_time(self.created)})"
        )

    def describe(self) -> str:
        return f"{self.identifier} in {self.region} ({self.history()})"


def promoted_from(a: Writer, b: Writer) -> bool:
    """`a` was promoted from a replica of `b`: its promoted-from tag names `b`, and `b` is
    no younger than `a` (names are reused: a tag naming an instance created after `a` meant
    an older instance of that name)."""
    return (
        a.promoted_from in (b.identifier, b.arn)
        and a.created is not None
        and b.created is not None
        and b.created <= a.created
    )


def authoritative_writers(writers: list[Writer]) -> list[Writer]:
    """The authoritative writer (one), or the writers that cannot be told apart (several),
    by the promotion rule of the module docstring."""
    promoted = [w for w in writers if w.promoted]
    if not promoted:
        return list(writers)

    def earliest(w: Writer) -> datetime | None:
        return w.promoted_at or w.created  # not promoted before it existed

    def latest(w: Writer) -> datetime | None:
        if w.promoted_at:
            return w.promoted_at
        # tradedr creates replicas of the writer only: `w` was promoted before any writer
        # promoted from it was created.
        bounds = [o.created for o in promoted if o.created and promoted_from(o, w)]
        return min(bounds) if bounds else None

    def certainly_later(a: Writer, b: Writer) -> bool:
        if a.promoted_at and b.promoted_at:
            return a.promoted_at > b.promoted_at
        if promoted_from(a, b):
            return True
        low, high = earliest(a), latest(b)
        return low is not None and high is not None and low > high

    top = [w for w in promoted if not any(certainly_later(o, w) for o in promoted if o is not w)]
    return top or promoted  # contradictory evidence: nothing is certain


@dataclass
class RdsEvidence:
    writers: list[Writer]
    endpoints: dict[str, str | None]  # region -> value of the endpoint parameter
    unread: dict[str, str]  # region -> why it did not answer
    parameter: str

    def uses(self, region: str, writer: Writer) -> bool:
        value = self.endpoints.get(region)
        return bool(value and writer.address and value == writer.address)

    def routing(self, writer: Writer) -> str:
        regions = [r for r in self.endpoints if self.uses(r, writer)]
        if not regions:
            return f"no region's {self.parameter} points at it"
        return f"{self.parameter} in {', '.join(regions)} points at it"

    def unread_note(self) -> str:
        if not self.unread:
            return ""
        return "; not read: " + ", ".join(f"{r} ({why})" for r, why in self.unread.items())


def read_rds_evidence(settings: Settings, provider: ClientProvider) -> RdsEvidence:
    """Every region's orders-DB writers and endpoint parameter, skipping silent regions."""
    prefix = f"{settings.prefix}-orders-"
    parameter = endpoint_parameter(settings)
    evidence = RdsEvidence([], {}, {}, parameter)
    for region in settings.all_regions:
        try:
            found = provider.client("rds", region).describe_db_instances().get("DBInstances", [])
        except (BotoCoreError, ClientError) as exc:
            why = _unanswered(exc)
            if why is None:
                raise
            evidence.unread[region] = why
            continue
        evidence.writers += [
            Writer.of(region, i)
            for i in found
            if str(i["DBInstanceIdentifier"]).startswith(prefix) and is_writer(i)
        ]
        try:
            value = provider.client("ssm", region).get_parameter(Name=parameter)["Parameter"]
            evidence.endpoints[region] = str(value["Value"])
        except ClientError as exc:
            if exc.response.get("Error", {}).get("Code") != "ParameterNotFound":
                why = _unanswered(exc)
                if why is None:
                    raise
                evidence.unread[region] = f"SSM {why}"
            evidence.endpoints.setdefault(region, None)
        except BotoCoreError as exc:
            evidence.unread[region] = f"SSM {_unanswered(exc)}"
    return evidence


def check_rds_authority(settings: Settings, provider: ClientProvider, region: str) -> None:
    """Refuse to fence the only writer, the authoritative writer's region, or a region
    whose app uses the authoritative writer (the rule of the module docstring)."""
    evidence = read_rds_evidence(settings, provider)
    if region in evidence.unread:
        raise AwsOperationError(
            f"{region} does not answer ({evidence.unread[region]}); it cannot be fenced yet"
        )
    note = evidence.unread_note()
    here = [w for w in evidence.writers if w.region == region]
    others = sorted({w.region for w in evidence.writers if w.region != region})
    if here and not others:
        raise TradedrError(
            f"{region} holds the only orders-DB writer; fencing it would stop the service. "
            f"Fail over first (tradedr failover --to REGION){note}"
        )
    top = authoritative_writers(evidence.writers)
    if not top:
        return
    stale = [w for w in evidence.writers if w not in top]
    stale_note = "; stale: " + ", ".join(w.describe() for w in stale) if stale else ""
    if len(top) > 1:
        if any(w.region == region or evidence.uses(region, w) for w in top):
            raise TradedrError(
                f"refusing to fence {region}: cannot tell which orders-DB writer is "
                "authoritative: "
                + "; ".join(f"{w.describe()}, {evidence.routing(w)}" for w in top)
                + f"{stale_note}{note}. Tag the authoritative writer with {PROMOTED_AT_TAG}="
                "<ISO 8601 time of its promotion> and run fence again"
            )
        return
    (writer,) = top
    why = (
        "the most recently promoted writer"
        if writer.promoted and any(w.promoted for w in stale)
        else "the only promoted writer"
        if writer.promoted
        else "the writer"
    )
    evidence_text = f"{writer.history()}; {evidence.routing(writer)}{stale_note}{note}"
    elsewhere = sorted({w.region for w in stale} - {region})
    hint = (
        f" The stale writer is in {' and '.join(elsewhere)}: fence that region "
        f"(tradedr fence --region {elsewhere[0]})."
        if elsewhere
        else ""
    )
    if writer.region == region:
        raise TradedrError(
            f"refusing to fence {region}: it holds the authoritative orders-DB writer "
            f"{writer.identifier}, {why} (evidence: {evidence_text}); fencing it would stop "
            f"the live region.{hint}"
        )
    if evidence.uses(region, writer):
        raise TradedrError(
            f"refusing to fence {region}: its app's {evidence.parameter} points at the "
            f"authoritative orders-DB writer {writer.identifier} in {writer.region}, {why} "
            f"(evidence: {evidence_text}); {region} serves from the live writer, it is not a "
            "stale primary"
        )


def _arn_region(arn: str) -> str:
    parts = arn.split(":")
    return parts[3] if len(parts) > 3 else ""


def check_aurora_authority(
    settings: Settings, provider: ClientProvider, region: str, *, target: Target
) -> None:
    """Refuse to fence the region whose cluster is the global database's writer member."""
    global_id = Names(settings).global_cluster
    order = [r for r in settings.all_regions if r != region] + [region]
    unread: dict[str, str] = {}
    for asked in order:
        try:
            clusters = (
                provider.client("rds", asked)
                .describe_global_clusters(GlobalClusterIdentifier=global_id)
                .get("GlobalClusters", [])
            )
        except ClientError as exc:
            if exc.response.get("Error", {}).get("Code") == "GlobalClusterNotFoundFault":
                clusters = []
            else:
                why = _unanswered(exc)
                if why is None:
                    raise
                unread[asked] = why
                continue
        except BotoCoreError as exc:
            unread[asked] = str(_unanswered(exc))
            continue
        if not clusters:
            if not backend_for(target).has(Capability.AURORA_GLOBAL):
                return  # no Aurora there (the emulator): nothing to check, nothing to stop
            raise TradedrError(
                f"refusing to fence {region}: the global database {global_id} is not found "
                f"(DescribeGlobalClusters in {asked}), so its writer cannot be checked"
            )
        members = clusters[0].get("GlobalClusterMembers", [])
        writers = [str(m["DBClusterArn"]) for m in members if m.get("IsWriter")]
        if not writers:
            raise TradedrError(
                f"refusing to fence {region}: the global database {global_id} has no writer "
                f"member (DescribeGlobalClusters in {asked}; a failover or switchover may be "
                "under way); run fence again once it has one"
            )
        writer = writers[0]
        if _arn_region(writer) == region:
            secondaries = ", ".join(
                _arn_region(str(m["DBClusterArn"])) for m in members if not m.get("IsWriter")
            )
            raise TradedrError(
                f"refusing to fence {region}: its cluster {writer} is the writer member of the "
                f"global database {global_id} (evidence: DescribeGlobalClusters in {asked}, "
                f"IsWriter true; secondaries: {secondaries or 'none'}); fencing it would stop "
                "the live region"
            )
        return
    raise TradedrError(
        f"refusing to fence {region}: no region answered DescribeGlobalClusters for "
        f"{global_id} ("
        + ", ".join(f"{r}: {why}" for r, why in unread.items())
        + "), so the writer of the global database cannot be checked"
    )


def check_fence_allowed(
    settings: Settings, provider: ClientProvider, region: str, *, target: Target = "local"
) -> None:
    """Refuse to fence a region that holds the global or authoritative writer."""
    if settings.database.is_aurora_global:
        check_aurora_authority(settings, provider, region, target=target)
    else:
        check_rds_authority(settings, provider, region)
