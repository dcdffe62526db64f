"""The checker: the client history against the final databases and the writer timeline.

- acknowledged_lost: acknowledged client order ids missing from the writer, read once
  after the failover and once after the failback (each time only the acks made before
  that read count);
- lost_window_seconds: the span of the lost acks, from the earliest to the loss (the
  measured RPO; 0 when nothing was lost);
- split_brain_writes: acknowledged orders committed by a server that was not the writer at
  the commit time (the writer is the server most recently promoted, from the data plane's
  role events; a promotion fenced again before it committed any acknowledged order, as a
  detached standby replica is, made no writer), so two writers never accepted orders at
  once unless this is > 0;
- duplicates: client order ids stored more than once, or acknowledged with two different
  order ids;
- client_unavailable_seconds: per phase, from the first failed request to the first
  acknowledged one sent after it that starts a second of acknowledgements (the RTO the
  clients saw).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from tradedr.emulator.dataplane.plane import RoleEvent
from tradedr.emulator.dataplane.workload import Request


@dataclass(frozen=True)
class Phase:
    name: str
    start: float
    end: float


@dataclass(frozen=True)
class Outage:
    phase: str
    first_failure: float | None
    first_success_after: float | None
    failed_requests: int

    @property
    def seconds(self) -> float | None:
        if self.first_failure is None:
            return 0.0
        if self.first_success_after is None:
            return None
        return self.first_success_after - self.first_failure


@dataclass
class DataPlaneResult:
    orders_sent: int
    orders_acknowledged: int
    orders_failed: int
    acknowledged_lost: dict[str, int]
    lost_ids: dict[str, list[str]]
    lost_window_seconds: float
    split_brain_writes: int
    split_brain_ids: list[str]
    duplicates: int
    outages: list[Outage]
    acks_by_region: dict[str, int]
    timeline: list[dict[str, Any]] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    allow_data_loss: bool = False

    @property
    def lost_total(self) -> int:
        return max(self.acknowledged_lost.values(), default=0)

    @property
    def passed(self) -> bool:
        return self.split_brain_writes == 0 and (self.allow_data_loss or self.lost_total == 0)

    def client_unavailable_seconds(self) -> float | None:
        total = 0.0
        for outage in self.outages:
            seconds = outage.seconds
            if seconds is None:
                return None
            total += seconds
        return total

    def as_dict(self) -> dict[str, Any]:
        unavailable = self.client_unavailable_seconds()
        return {
            "passed": self.passed,
            "orders_sent": self.orders_sent,
            "orders_acknowledged": self.orders_acknowledged,
            "orders_failed": self.orders_failed,
            "acknowledged_lost": self.acknowledged_lost,
            "acknowledged_lost_ids": self.lost_ids,
            "lost_window_seconds": round(self.lost_window_seconds, 3),
            "split_brain_writes": self.split_brain_writes,
            "split_brain_ids": self.split_brain_ids[:50],
            "duplicates": self.duplicates,
            "client_unavailable_seconds": None if unavailable is None else round(unavailable, 3),
            "client_unavailability": [
                {
                    "phase": o.phase,
                    "first_failure": o.first_failure,
                    "first_success_after": o.first_success_after,
                    "seconds": None if o.seconds is None else round(o.seconds, 3),
                    "failed_requests": o.failed_requests,
                }
                for o in self.outages
            ],
            "acks_by_region": self.acks_by_region,
            "allow_data_loss": self.allow_data_loss,
            "timeline": self.timeline,
            "notes": self.notes,
        }


def never_wrote(roles: list[RoleEvent], acked_by: set[int]) -> list[RoleEvent]:
    """The role events without the promotions that never made a writer: a server promoted
    and then fenced without committing one acknowledged order (a three-region plan
    detaches a standby's old replica so: promote, then stop at once). Such a server took
    no orders, so it did not take authority from the writer the apps use."""
    ordered = sorted(roles, key=lambda e: e.at)
    dropped: set[int] = set()
    for index, event in enumerate(ordered):
        fenced_later = any(
            later.role == "fenced" and later.server_id == event.server_id
            for later in ordered[index + 1 :]
        )
        if event.role == "writer" and fenced_later and event.server_id not in acked_by:
            dropped.add(index)
    return [event for index, event in enumerate(ordered) if index not in dropped]


def authorized_writer(roles: list[RoleEvent], at: float) -> int | None:
    """The server most recently made writer at or before `at` (None before any)."""
    writer: int | None = None
    for event in sorted(roles, key=lambda e: e.at):
        if event.at > at:
            break
        if event.role == "writer":
            writer = event.server_id
    return writer


def outage(history: list[Request], phase: Phase, *, steady_seconds: float = 1.0) -> Outage:
    """From the first failed request of the phase to the first acknowledged one that
    starts `steady_seconds` of acknowledgements without a failure (a lone success amid
    failures does not end an outage)."""
    inside = sorted(
        (r for r in history if phase.start <= r.sent_at < phase.end), key=lambda r: r.sent_at
    )
    failures = [r for r in inside if not r.acked]
    if not failures:
        return Outage(phase.name, None, None, 0)
    first = failures[0].sent_at
    success: float | None = None
    for index, request in enumerate(inside):
        if request.sent_at <= first or not request.acked:
            continue
        run = inside[index:]
        broken = next((r for r in run if not r.acked), None)
        last = run[-1].sent_at if broken is None else broken.sent_at
        if last - request.sent_at >= steady_seconds or broken is None:
            success = request.sent_at
            break
    return Outage(phase.name, first, success, len(failures))


def check(
    history: list[Request],
    *,
    roles: list[RoleEvent],
    reads: dict[str, tuple[float, set[str]]],
    final_rows: Iterable[dict[str, Any]],
    loss_at: float | None,
    phases: list[Phase],
    allow_data_loss: bool = False,
) -> DataPlaneResult:
    """`reads`: name -> (when the writer was read, client order ids it held)."""
    acked = [r for r in history if r.acked]
    lost: dict[str, int] = {}
    lost_ids: dict[str, list[str]] = {}
    every_lost: dict[str, Request] = {}
    for name, (read_at, present) in reads.items():
        missing = [
            r
            for r in acked
            if r.acked_at is not None and r.acked_at < read_at and r.client_order_id not in present
        ]
        lost[name] = len(missing)
        lost_ids[name] = sorted(r.client_order_id for r in missing)
        every_lost.update({r.client_order_id: r for r in missing})
    window = 0.0
    if every_lost:
        times = [r.acked_at for r in every_lost.values() if r.acked_at is not None]
        end = loss_at if loss_at is not None else max(times)
        window = max(0.0, end - min(times))
    authority = never_wrote(roles, {r.server_id for r in acked if r.server_id is not None})
    split = [
        r.client_order_id
        for r in acked
        if r.committed_at is not None
        and r.server_id is not None
        and authorized_writer(authority, r.committed_at) != r.server_id
    ]
    rows = list(final_rows)
    stored = Counter(str(row["client_order_id"]) for row in rows)
    order_ids: dict[str, set[str]] = {}
    for r in acked:
        order_ids.setdefault(r.client_order_id, set()).add(r.order_id)
    duplicates = sum(1 for n in stored.values() if n > 1) + sum(
        1 for ids in order_ids.values() if len(ids) > 1
    )
    return DataPlaneResult(
        orders_sent=len(history),
        orders_acknowledged=len(acked),
        orders_failed=len(history) - len(acked),
        acknowledged_lost=lost,
        lost_ids=lost_ids,
        lost_window_seconds=window,
        split_brain_writes=len(split),
        split_brain_ids=sorted(split),
        duplicates=duplicates,
        outages=[outage(history, p) for p in phases],
        acks_by_region=dict(Counter(r.region for r in acked)),
        allow_data_loss=allow_data_loss,
    )
