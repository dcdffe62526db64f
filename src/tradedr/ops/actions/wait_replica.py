"""Wait until a replica is available and caught up (lag within the limit).

Used twice: the drain after the old primary is fenced (limit 0: every write applied) and the
catch-up of a new replica during failback (limit: the RPO). Only a ReplicaLag datapoint
whose period starts at or after this step's start counts (for the drain, the step starts
once the fence group has completed, so that is "recorded after the fence"): a zero from
before proves nothing about the writes made just before the fence. The newest such
datapoint must be at or below the limit; a negative one (-1, replication broken) or none at
all leaves the lag unknown, and an unknown lag never passes: the step waits up to the
context's wait limit and then stops, unless the step has `allow_data_loss`, in which case it
proceeds and says so. On a backend without real draining (the emulator, unless a data plane
replicates and publishes the lag) an empty first window is reported "not-emulated".
"""

from __future__ import annotations

from datetime import datetime

from pydantic import Field

from tradedr.errors import ResourceNotFoundError, TradedrError
from tradedr.ops.actions import check_lag
from tradedr.ops.actions.base import (
    Action,
    ExecutionContext,
    Outcome,
    StepTimeoutError,
    db_instance,
    params_of,
    replication_source,
)
from tradedr.ops.actions.check_lag import LagPoint, LagWindow, replica_lag, utc_time
from tradedr.ops.backend import Capability
from tradedr.ops.plans import ActionKind, ApiCall, Step, StepParams


class WaitReplicaParams(StepParams):
    db_identifier: str
    max_lag_seconds: int = Field(ge=0)  # 0 for the drain: every write applied
    allow_data_loss: bool = False


def _after(window: LagWindow, started: datetime) -> LagPoint | None:
    """The newest datapoint whose period starts at or after `started`."""
    points = window.starting_at_or_after(started)
    return points[-1] if points else None


def _state(window: LagWindow | None, started: datetime) -> tuple[float | None, str]:
    """(lag, what the newest reading says) for a timeout message."""
    since = utc_time(started)
    if window is None:
        return None, "ReplicaLag never read"
    newest = _after(window, started)
    if newest is None:
        return None, (
            f"lag unknown: no ReplicaLag datapoint for a period starting at or after {since} "
            "(this step's start); an older zero does not show the last writes applied"
        )
    if newest.value < 0:
        return None, (
            f"lag unknown: ReplicaLag {newest.value:.0f} (replication broken) in the period "
            f"from {utc_time(newest.start)}"
        )
    return newest.value, f"ReplicaLag still {newest.value:.0f} s at {utc_time(newest.start)}"


class WaitReplica(Action):
    kind = ActionKind.WAIT_REPLICA
    Params = WaitReplicaParams

    def calls(self, step: Step) -> list[ApiCall]:
        return [
            ApiCall("rds", step.region, "DescribeDBInstances"),
            ApiCall("cloudwatch", step.region, "GetMetricStatistics"),
        ]

    def run(self, ctx: ExecutionContext, step: Step) -> Outcome:
        started = check_lag.wall_clock()
        params = params_of(step, WaitReplicaParams)
        identifier = params.db_identifier
        limit, allow_loss = float(params.max_lag_seconds), params.allow_data_loss
        instance = db_instance(ctx, step.region, identifier)
        if instance is None:
            raise ResourceNotFoundError(
                f"{step.id}: replica {identifier} not found in {step.region}"
            )
        if not replication_source(instance):
            return Outcome("skipped", f"{identifier} is already a writer; nothing to catch up")
        ctx.wait_for(
            f"{identifier} to be available",
            lambda: (
                (db_instance(ctx, step.region, identifier) or {}).get("DBInstanceStatus")
                == "available"
            ),
        )
        windows: list[LagWindow] = []

        def caught_up() -> bool:
            windows.append(replica_lag(ctx, step.region, identifier))
            newest = _after(windows[-1], started)
            return newest is not None and 0 <= newest.value <= limit

        try:
            gap = ctx.backend.gap(
                Capability.DRAIN, f"{identifier} is available; catching up is not verified"
            )
            if gap:
                # One read first: there an empty window means "not emulated", not "wait for
                # a datapoint that will never come".
                if caught_up():
                    return self._done(identifier, windows[-1], started)
                if not windows[-1].points:
                    return Outcome("not-emulated", gap)
            ctx.wait_for(
                f"a ReplicaLag datapoint of {identifier} at or below {limit:.0f} s for a "
                f"period starting after {utc_time(started)}",
                caught_up,
            )
        except StepTimeoutError as exc:
            lag, state = _state(windows[-1] if windows else None, started)
            if allow_loss:
                return Outcome(
                    "executed",
                    f"{identifier} not confirmed caught up ({state}); continuing because of "
                    "--allow-data-loss (writes not yet applied may be lost)",
                    {"lag_seconds": lag},
                )
            raise StepTimeoutError(f"{exc.message}: {state}") from None
        return self._done(identifier, windows[-1], started)

    @staticmethod
    def _done(identifier: str, window: LagWindow, started: datetime) -> Outcome:
        newest = _after(window, started)
        if newest is None:  # pragma: no cover - only called once caught_up() held
            raise TradedrError(f"{identifier}: no ReplicaLag datapoint after the step start")
        return Outcome(
            "executed",
            f"{identifier} caught up: ReplicaLag {newest.value:.0f} s in the period from "
            f"{utc_time(newest.start)}, after this step started at "
            f"{utc_time(started)}",
            {"lag_seconds": newest.value},
        )
