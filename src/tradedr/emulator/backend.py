"""The emulator's side of the backend seam: what moto cannot do, and why.

`EmulatorBackend` answers ops' `gap(capability, detail)` with the reason the embedded
emulator cannot perform a capability (moto publishes no RDS metrics, serves no DNS, has
no ARC...), so a step reports "not-emulated" instead of pretending. A local data plane
(real database replication, a proxy in front of real app processes) makes some of those
capabilities real; it announces them and they stop being gaps, so the steps really run:

- where the backend is built: `EmulatorBackend(extra=frozenset({Capability.TRAFFIC, ...}),
  resolver=..., http_status=...)`, passed as `RunOptions(backend=...)` (or to
  `ExecutionContext(backend=...)`);
- or for an emulator endpoint, while the data plane runs in this process:
  `with announced(endpoint_url, {Capability.RDS_LAG_METRICS, ...}): ...` (or `announce` /
  `withdraw`). Every backend for that endpoint (`emulator_backend(url)`, what
  `tradedr.ops.target.backend_for("local", url)` and `Target.backend` return) reads the
  announcements when asked, so a data plane started after the target was opened counts.

A data plane that announces TRAFFIC should pass a `resolver` (public name -> the addresses
its proxy now sends that name to, ALB name -> the region's app addresses), and one that
announces HEALTH an `http_status` that reaches its app's /health through the ALB's name;
without them the system resolver and urllib are used, as on AWS.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager

from tradedr.ops.backend import Capability, dns_resolve, http_get_status

# Why the embedded emulator (moto 5.2, control plane only) cannot perform each capability.
REASONS: dict[Capability, str] = {
    Capability.RDS_LAG_METRICS: "the emulator publishes no RDS metrics",
    Capability.AURORA_GLOBAL: (
        "the emulator deploys no Aurora cluster and has no global-cluster failover or switchover"
    ),
    Capability.TRAFFIC: "the emulator reports every health check healthy and serves no DNS",
    Capability.DRAIN: (
        "the emulator replicates no writes and publishes no RDS metrics, so a replica "
        "catching up cannot be verified"
    ),
    Capability.HEALTH: (
        "moto reports every health check and target healthy, and runs no instances"
    ),
    Capability.BACKUP_JOBS: "moto has no AWS Backup jobs",
    Capability.TABLE_REPLICAS: (
        "the emulator replicates neither DynamoDB global tables nor S3 buckets across regions"
    ),
    Capability.ROUTING_CONTROL: "the emulator has no Route 53 ARC routing controls",
    Capability.TRAFFIC_DIAL: "the emulator has no Global Accelerator traffic dials",
    Capability.MRSC: (
        "moto 5.2 has no multi-Region strong consistency: each replica is a plain table, with "
        "no MultiRegionConsistency, replica or witness status"
    ),
    Capability.REPLICA_SUBNET_GROUP: (
        "moto 5.2 resolves a cross-region replica's subnet group in the source region, so the "
        "replica keeps the default group"
    ),
    Capability.CERTIFICATES: (
        "the emulator holds no real certificate; it deploys a self-signed substitute"
    ),
    Capability.ALARMS: "moto's CloudFormation does not create CloudWatch alarms",
    Capability.SECRETS: "the emulator compat layer creates the secret, not the stack",
}

_lock = threading.Lock()
_announced: dict[str, frozenset[Capability]] = {}


def announce(endpoint_url: str, capabilities: Iterable[Capability]) -> None:
    """A data plane behind the emulator at `endpoint_url` now performs `capabilities`."""
    with _lock:
        _announced[endpoint_url] = _announced.get(endpoint_url, frozenset()) | frozenset(
            capabilities
        )


def withdraw(endpoint_url: str) -> None:
    """The data plane behind `endpoint_url` stopped: nothing it announced holds any more."""
    with _lock:
        _announced.pop(endpoint_url, None)


def announced_for(endpoint_url: str | None) -> frozenset[Capability]:
    if endpoint_url is None:
        return frozenset()
    with _lock:
        return _announced.get(endpoint_url, frozenset())


@contextmanager
def announced(endpoint_url: str, capabilities: Iterable[Capability]) -> Iterator[None]:
    """Announce `capabilities` for the block (the data plane's lifetime), then withdraw."""
    announce(endpoint_url, capabilities)
    try:
        yield
    finally:
        withdraw(endpoint_url)


class EmulatorBackend:
    """The embedded emulator, plus what a running local data plane adds (`extra`, and the
    announcements for `endpoint_url`). Quick polls: its API answers at once."""

    name = "emulator"

    def __init__(
        self,
        extra: frozenset[Capability] = frozenset(),
        *,
        endpoint_url: str | None = None,
        resolver: Callable[[str], set[str]] | None = None,
        http_status: Callable[..., int] | None = None,
        poll_seconds: float = 0.05,
        wait_timeout_seconds: float = 60.0,
    ) -> None:
        self.extra = frozenset(extra)
        self.endpoint_url = endpoint_url
        self._resolver = resolver or dns_resolve
        self._http_status = http_status or http_get_status
        self.poll_seconds = poll_seconds
        self.wait_timeout_seconds = wait_timeout_seconds

    @property
    def capabilities(self) -> frozenset[Capability]:
        """What this emulator really performs: only what a data plane added."""
        return self.extra | announced_for(self.endpoint_url)

    def has(self, capability: Capability) -> bool:
        return capability in self.capabilities

    def gap(self, capability: Capability, detail: str) -> str | None:
        if self.has(capability):
            return None
        return f"{detail}: {REASONS[capability]}"

    def resolve(self, name: str) -> set[str]:
        return self._resolver(name)

    def http_status(self, url: str, *, verify_tls: bool = True, timeout: float = 10) -> int:
        return self._http_status(url, verify_tls=verify_tls, timeout=timeout)


def emulator_backend(endpoint_url: str | None = None) -> EmulatorBackend:
    """The backend for the emulator at `endpoint_url` (what the target wiring calls)."""
    return EmulatorBackend(endpoint_url=endpoint_url)


__all__ = [
    "REASONS",
    "Capability",
    "EmulatorBackend",
    "announce",
    "announced",
    "announced_for",
    "emulator_backend",
    "withdraw",
]
