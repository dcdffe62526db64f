"""Precondition: the standby replica is close enough to the primary to meet the RPO.

The lag is read from CloudWatch (`ReplicaLag`, or `AuroraGlobalDBReplicationLag` for an
Aurora secondary cluster) as 60-second periods with the Maximum statistic, over the last
5 minutes. The rules:

- The lag is the maximum over every datapoint in the window, not the latest one: a replica
  that was 70 s behind two minutes ago and 2 s behind now may still be missing writes from
  that spike when the primary is lost.
- The window must hold a fresh datapoint: one whose period covers the moment the step
  started or later (timestamp + period > step start). CloudWatch timestamps are wall-clock,
  so the step start is a wall-clock read (`wall_clock`, which tests replace). While the
  window holds only older datapoints, the step polls (ctx.poll_seconds) for up to
  FRESH_WAIT_PERIODS periods (3 min; less if the context's wait limit is shorter), which
  covers CloudWatch's publication delay.
- The lag is unknown when the window holds no datapoint at all (the metric is not being
  published: no waiting for it), when any datapoint in it is negative (RDS reports -1 while
  replication is broken, so the lag in that period cannot be known), or when no fresh
  datapoint arrived in time. An unknown lag never passes without `allow_data_loss`.
- A backend without RDS lag metrics (the emulator, unless a data plane publishes them):
  an empty window there is reported "not-emulated" (never "passed"); datapoints written
  into it are judged like AWS's. Without Aurora global clusters a missing cluster is too.
"""

from __future__ import annotations

from collections.abc import Callable
from contextlib import suppress
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from pydantic import Field, model_validator

from tradedr.ops.actions.base import (
    Action,
    ExecutionContext,
    Outcome,
    PreconditionFailedError,
    StepTimeoutError,
    db_cluster,
    db_instance,
    global_writer_arn,
    params_of,
    replication_source,
)
from tradedr.ops.backend import Capability
from tradedr.ops.plans import ActionKind, ApiCall, Step, StepParams

PERIOD_SECONDS = 60
WINDOW = timedelta(minutes=5)
# How long a check waits for a datapoint newer than its start, in periods.
FRESH_WAIT_PERIODS = 3


def wall_clock() -> datetime:
    """Now, in UTC: the clock CloudWatch timestamps are on (tests replace this function)."""
    return datetime.now(UTC)


def utc_time(moment: datetime) -> str:
    return moment.astimezone(UTC).strftime("%H:%M:%SZ")


@dataclass(frozen=True)
class LagPoint:
    start: datetime  # the start of the datapoint's period (CloudWatch's Timestamp)
    value: float  # Maximum, converted to seconds; negative = replication broken


@dataclass(frozen=True)
class LagWindow:
    """The datapoints of one lag metric over the last 5 minutes, as read at `read_at`."""

    metric: str
    points: list[LagPoint]  # oldest first
    read_at: datetime
    period: int = PERIOD_SECONDS

    @property
    def broken(self) -> bool:
        return any(p.value < 0 for p in self.points)

    def fresh(self, since: datetime) -> list[LagPoint]:
        """Datapoints whose period covers `since` or later."""
        span = timedelta(seconds=self.period)
        return [p for p in self.points if p.start + span > since]

    def starting_at_or_after(self, since: datetime) -> list[LagPoint]:
        """Datapoints whose period starts at `since` or later (recorded wholly after it)."""
        return [p for p in self.points if p.start >= since]

    def assess(self, since: datetime) -> tuple[float | None, str]:
        """(maximum lag in seconds, "") or (None, why the lag is unknown)."""
        if not self.points:
            return None, f"no {self.metric} datapoint in the last 5 minutes"
        if self.broken:
            bad = next(p for p in self.points if p.value < 0)
            return None, (
                f"{self.metric} was {bad.value:.0f} (replication broken) in the period from "
                f"{utc_time(bad.start)}"
            )
        if not self.fresh(since):
            newest = self.points[-1]
            return None, (
                f"the newest {self.metric} datapoint covers {utc_time(newest.start)} to "
                f"{utc_time(newest.start + timedelta(seconds=self.period))}, before this check "
                f"started at {utc_time(since)}"
            )
        return max(p.value for p in self.points), ""


def read_lag(
    ctx: ExecutionContext,
    region: str,
    metric: str,
    dimension: str,
    identifier: str,
    *,
    scale: float = 1.0,
) -> LagWindow:
    """Every datapoint (Maximum per 60 s period) of `metric` in the last 5 minutes; values
    are multiplied by `scale` (Aurora reports milliseconds), negatives kept as they are."""
    now = wall_clock()
    stats = ctx.call(
        "cloudwatch",
        region,
        "GetMetricStatistics",
        Namespace="AWS/RDS",
        MetricName=metric,
        Dimensions=[{"Name": dimension, "Value": identifier}],
        StartTime=now - WINDOW,
        EndTime=now,
        Period=PERIOD_SECONDS,
        Statistics=["Maximum"],
    )
    raw: list[dict[str, Any]] = stats.get("Datapoints", [])
    points = []
    for item in raw:
        value = float(item["Maximum"])
        stamp = item["Timestamp"]
        if stamp.tzinfo is None:
            stamp = stamp.replace(tzinfo=UTC)
        points.append(LagPoint(stamp, value if value < 0 else value * scale))
    points.sort(key=lambda p: p.start)
    return LagWindow(metric, points, now)


def replica_lag(ctx: ExecutionContext, region: str, identifier: str) -> LagWindow:
    """ReplicaLag (seconds) of an RDS read replica."""
    return read_lag(ctx, region, "ReplicaLag", "DBInstanceIdentifier", identifier)


def global_lag(ctx: ExecutionContext, region: str, cluster: str) -> LagWindow:
    """AuroraGlobalDBReplicationLag of a secondary cluster, converted to seconds."""
    return read_lag(
        ctx,
        region,
        "AuroraGlobalDBReplicationLag",
        "DBClusterIdentifier",
        cluster,
        scale=0.001,
    )


class CheckLagParams(StepParams):
    """An RDS replica (`db_identifier`) or an Aurora secondary cluster of a global one."""

    db_identifier: str | None = None
    db_cluster_identifier: str | None = None
    global_cluster_id: str | None = None
    max_lag_seconds: int = Field(ge=0)  # the RPO
    allow_data_loss: bool = False

    @model_validator(mode="after")
    def _one_database(self) -> CheckLagParams:
        if (self.db_identifier is None) == (self.db_cluster_identifier is None):
            raise ValueError("name exactly one of db_identifier and db_cluster_identifier")
        if self.db_cluster_identifier is not None and self.global_cluster_id is None:
            raise ValueError("an Aurora cluster needs its global_cluster_id")
        return self


class CheckReplicaLag(Action):
    kind = ActionKind.CHECK_REPLICA_LAG
    Params = CheckLagParams
    read_only = True

    def calls(self, step: Step) -> list[ApiCall]:
        if params_of(step, CheckLagParams).db_cluster_identifier:
            return [
                ApiCall("rds", step.region, "DescribeDBClusters"),
                ApiCall("rds", step.region, "DescribeGlobalClusters"),
                ApiCall("cloudwatch", step.region, "GetMetricStatistics"),
            ]
        return [
            ApiCall("rds", step.region, "DescribeDBInstances"),
            ApiCall("cloudwatch", step.region, "GetMetricStatistics"),
        ]

    def run(self, ctx: ExecutionContext, step: Step) -> Outcome:
        started = wall_clock()
        params = params_of(step, CheckLagParams)
        if params.db_identifier is None:
            return self._run_aurora(ctx, step, started)
        identifier = params.db_identifier
        instance = db_instance(ctx, step.region, identifier)
        if instance is None:
            raise PreconditionFailedError(
                f"{step.id}: no orders DB instance {identifier} in {step.region}; "
                "there is nothing to fail over to"
            )
        if not replication_source(instance):
            return Outcome("skipped", f"{identifier} is already a standalone writer (promoted)")
        window = self._fresh_window(ctx, lambda: replica_lag(ctx, step.region, identifier), started)
        return self._judge(ctx, step, identifier, window, started)

    def _run_aurora(self, ctx: ExecutionContext, step: Step, started: datetime) -> Outcome:
        params = params_of(step, CheckLagParams)
        identifier, global_id = str(params.db_cluster_identifier), str(params.global_cluster_id)
        cluster = db_cluster(ctx, step.region, identifier)
        if cluster is None and (
            gap := ctx.backend.gap(
                Capability.AURORA_GLOBAL,
                f"no Aurora cluster {identifier}; the RPO check over "
                "AuroraGlobalDBReplicationLag is not emulated",
            )
        ):
            return Outcome("not-emulated", gap)
        if cluster is None:
            raise PreconditionFailedError(
                f"{step.id}: no Aurora cluster {identifier} in {step.region}; there is nothing "
                "to fail over to"
            )
        found, writer = global_writer_arn(ctx, step.region, global_id)
        if found and writer and writer == cluster.get("DBClusterArn"):
            return Outcome("skipped", f"{identifier} is already the writer of {global_id}")
        if not found:
            gap = ctx.backend.gap(
                Capability.AURORA_GLOBAL,
                f"no global cluster {global_id}; the RPO check over "
                "AuroraGlobalDBReplicationLag is not emulated",
            )
            if gap:
                return Outcome("not-emulated", gap)
            raise PreconditionFailedError(
                f"{step.id}: {identifier} is not a member of the global cluster {global_id} "
                f"as {step.region} sees it"
            )
        window = self._fresh_window(ctx, lambda: global_lag(ctx, step.region, identifier), started)
        return self._judge(ctx, step, identifier, window, started)

    @staticmethod
    def _fresh_window(
        ctx: ExecutionContext, read: Callable[[], LagWindow], started: datetime
    ) -> LagWindow:
        """Read the window, polling while it holds no datapoint covering the start (for
        FRESH_WAIT_PERIODS periods, or the context's wait limit if that is shorter). An empty
        first read ends at once (the metric is not published); an older datapoint ageing out
        of the window while polling does not. Returns the last reading that held datapoints,
        so an unknown lag is explained by the newest datapoint seen."""
        windows: list[LagWindow] = []

        def settled() -> bool:
            window = read()
            windows.append(window)
            if not window.points:
                return len(windows) == 1
            return window.broken or bool(window.fresh(started))

        # A timeout is judged by the caller: no fresh datapoint arrived, so the lag is unknown.
        with suppress(StepTimeoutError):
            ctx.wait_for(
                f"a lag datapoint newer than {utc_time(started)}",
                settled,
                timeout=min(FRESH_WAIT_PERIODS * PERIOD_SECONDS, ctx.wait_timeout_seconds),
            )
        return next((w for w in reversed(windows) if w.points), windows[-1])

    def _judge(
        self,
        ctx: ExecutionContext,
        step: Step,
        identifier: str,
        window: LagWindow,
        started: datetime,
    ) -> Outcome:
        params = params_of(step, CheckLagParams)
        limit, allow_loss = float(params.max_lag_seconds), params.allow_data_loss
        metric = window.metric
        if not window.points and (
            gap := ctx.backend.gap(
                Capability.RDS_LAG_METRICS, f"{metric} unknown, so the RPO check is not emulated"
            )
        ):
            return Outcome("not-emulated", gap)
        lag, why = window.assess(started)
        if lag is None:
            if allow_loss:
                return Outcome(
                    "executed",
                    f"replica lag unknown ({why}); continuing because of --allow-data-loss "
                    f"(the RPO of {limit:.0f} s is not verified)",
                    {"lag_seconds": None},
                )
            raise PreconditionFailedError(
                f"{step.id}: the replica lag of {identifier} in {step.region} is unknown "
                f"({why}); an unknown lag is never treated as within the RPO of {limit:.0f} s. "
                "Re-run with --allow-data-loss to accept losing recent writes."
            )
        seen = f"maximum of {len(window.points)} {metric} datapoint(s) over the last 5 min"
        if lag > limit and not allow_loss:
            raise PreconditionFailedError(
                f"{step.id}: replica lag of {identifier} is {lag:.0f} s ({seen}), above the RPO "
                f"target of {limit:.0f} s; failing over now would lose those writes. Wait for "
                "the replica to catch up, or re-run with --allow-data-loss."
            )
        verdict = "within" if lag <= limit else "ABOVE (accepted by --allow-data-loss)"
        return Outcome(
            "executed",
            f"replica lag {lag:.0f} s ({seen}), {verdict} the RPO of {limit:.0f} s",
            {"lag_seconds": lag},
        )
