"""Replica lag of the real servers, published into the emulator's CloudWatch.

The lag is a GTID position difference, not Seconds_Behind_Master: every second the
publisher reads each writer's binlog position (domain 0 sequence number) and remembers
when each position was first seen; a replica's lag is how long ago the writer first had a
transaction the replica has not applied yet (0 when it has applied everything the writer
had, or that the replica itself received). Seconds_Behind_Master says NULL as soon as the
SQL thread stops or the source is gone, which tells nothing about what is missing.

After the writer is lost, the newest position known is the last one read from it or the
one the replica received, whichever is later: transactions the writer committed but never
shipped are invisible to any monitor, which is the RPO risk of asynchronous replication;
the checker measures that against the client history.

Measured every second, each measurement dated to the start of its minute (see `_publish`).
Published as `ReplicaLag` (seconds, dimension DBInstanceIdentifier) or
`AuroraGlobalDBReplicationLag` (milliseconds, dimension DBClusterIdentifier), in the
replica's region, as RDS does. A replica whose SQL thread stopped on an error publishes -1.
"""

from __future__ import annotations

import math
import threading
import time
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from tradedr.emulator.dataplane.mariadb import MariaDbServer

PERIOD = 60


@dataclass
class PositionHistory:
    """When a writer's binlog first reached each sequence number (sampled)."""

    samples: deque[tuple[float, int]] = field(default_factory=lambda: deque(maxlen=4000))

    def observe(self, seq: int, at: float) -> None:
        if not self.samples or seq > self.samples[-1][1]:
            self.samples.append((at, seq))

    @property
    def newest(self) -> int:
        return self.samples[-1][1] if self.samples else 0

    def first_seen_after(self, seq: int) -> float | None:
        """When the writer was first seen past `seq` (an upper bound of that commit)."""
        for at, known in self.samples:
            if known > seq:
                return at
        return None


def lag_seconds(
    history: PositionHistory, applied: int, received: int, now: float
) -> tuple[float, int]:
    """(lag in seconds, transactions behind) of a replica at `now`."""
    newest = max(history.newest, received)
    if applied >= newest:
        return 0.0, 0
    first = history.first_seen_after(applied)
    if first is None:
        # Received but never seen in a sample (committed after the last one): at least as
        # old as now minus that sample, on the safe (larger) side; unknown without one.
        first = history.samples[-1][0] if history.samples else now
    return max(0.0, now - first), newest - applied


@dataclass(frozen=True)
class LagTarget:
    """One replica to publish for: where, under which metric and dimension."""

    server: MariaDbServer
    region: str
    metric: str
    dimension: str
    identifier: str
    scale: float  # seconds -> the metric's unit


@dataclass
class LagSample:
    at: float
    identifier: str
    lag_seconds: float
    behind: int


class LagPublisher:
    """A thread: sample writers, compute each replica's lag, put it into CloudWatch."""

    def __init__(
        self,
        targets: Callable[[], list[LagTarget]],
        writers: Callable[[], list[MariaDbServer]],
        cloudwatch: Callable[[str], Any],
        *,
        interval: float = 1.0,
    ) -> None:
        self.targets, self.writers, self.cloudwatch = targets, writers, cloudwatch
        self.interval = interval
        self.histories: dict[str, PositionHistory] = {}
        self.samples: list[LagSample] = []
        self.errors = 0
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        self._lock = threading.Lock()

    def history(self, server: MariaDbServer) -> PositionHistory:
        return self.histories.setdefault(server.name, PositionHistory())

    def tick(self) -> None:
        """One round; also callable directly (tests, and right after a role change)."""
        with self._lock:
            now = time.time()
            for writer in self.writers():
                if not writer.running() or writer.frozen:
                    continue
                try:
                    self.history(writer).observe(writer.binlog_seq(), now)
                except Exception:
                    self.errors += 1
            for target in self.targets():
                source = target.server.source
                if source is None or not target.server.running() or target.server.frozen:
                    continue
                try:
                    status = target.server.replica_status()
                except Exception:
                    self.errors += 1
                    continue
                if status is None:
                    continue
                if status.sql_running != "Yes" and status.last_error:
                    value, behind = -1.0, 0
                else:
                    value, behind = lag_seconds(
                        self.history(source), status.applied_seq, status.received_seq, now
                    )
                self.samples.append(LagSample(now, target.identifier, value, behind))
                self._publish(target, value, now)

    def _publish(self, target: LagTarget, seconds: float, measured: float) -> None:
        value = seconds if seconds < 0 else seconds * target.scale
        # Stamped with the start of its minute: CloudWatch aggregates a 60 s period from the
        # minute boundary, and so does the emulator once every datapoint of the window sits
        # on one (it starts its periods at the oldest datapoint). A period's Maximum is then
        # the worst lag measured in that minute, and a period starting after a step began
        # holds only measurements taken after it, as on AWS.
        stamp = datetime.fromtimestamp(math.floor(measured / PERIOD) * PERIOD, UTC)
        unit = "Milliseconds" if target.scale == 1000.0 else "Seconds"
        try:
            self.cloudwatch(target.region).put_metric_data(
                Namespace="AWS/RDS",
                MetricData=[
                    {
                        "MetricName": target.metric,
                        "Dimensions": [{"Name": target.dimension, "Value": target.identifier}],
                        "Value": value,
                        "Unit": unit,
                        "Timestamp": stamp,
                    }
                ],
            )
        except Exception:
            self.errors += 1

    def _loop(self) -> None:
        while not self._stop.wait(self.interval):
            self.tick()

    def start(self) -> None:
        self.tick()
        self._thread = threading.Thread(target=self._loop, name="lag-publisher", daemon=True)
        self._thread.start()

    def stop(self) -> None:
        self._stop.set()
        if self._thread is not None:
            self._thread.join(timeout=5)
