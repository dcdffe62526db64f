"""The backend seam: what the target can really do, asked by ops instead of `if emulator:`.

Operations run against real AWS or the embedded emulator. Where the two differ (the
emulator publishes no RDS metrics, serves no DNS, has no ARC...), an action does not branch
on the target: it asks the backend `gap(capability, detail)`, which is None when the
backend really performs the capability and otherwise the sentence the step reports as
"not-emulated" (the detail, then why the backend cannot). `AwsBackend` never reports a gap;
`tradedr.emulator.backend.EmulatorBackend` knows what the emulator cannot do and why, and a
running local data plane adds capabilities to it.

Ops modules get a backend from `tradedr.ops.target.backend_for` (the one wiring point) or
from the `ExecutionContext`/`Target` that carries it; they never import the emulator.
"""

from __future__ import annotations

import socket
import ssl
import urllib.request
from enum import StrEnum
from typing import Protocol


class Capability(StrEnum):
    """Something a plan step or check needs the target to really do."""

    # CloudWatch holds ReplicaLag / AuroraGlobalDBReplicationLag for the replicas.
    RDS_LAG_METRICS = "rds-lag-metrics"
    # Aurora global clusters exist and their failover/switchover moves the writer.
    AURORA_GLOBAL = "aurora-global"
    # Health-check failover really moves the public name (Route 53 DNS, or a local proxy).
    TRAFFIC = "traffic"
    # A fenced writer's last writes reach its replica, and the lag says so.
    DRAIN = "drain"
    # Instances, targets and the deep /health endpoint report real health.
    HEALTH = "health"
    # AWS Backup on-demand jobs run.
    BACKUP_JOBS = "backup-jobs"
    # DynamoDB global-table replicas (and S3 replication) copy data across regions.
    TABLE_REPLICAS = "table-replicas"
    # Route 53 ARC routing controls exist and steer traffic.
    ROUTING_CONTROL = "routing-control"
    # Global Accelerator endpoint-group traffic dials exist and steer traffic.
    TRAFFIC_DIAL = "traffic-dial"
    # A cross-region read replica can be created in the subnet group of the target region.
    REPLICA_SUBNET_GROUP = "replica-subnet-group"
    # The configured ACM certificates are the ones the ALBs serve.
    CERTIFICATES = "certificates"
    # The stacks create their CloudWatch alarms.
    ALARMS = "alarms"
    # The stacks create their own secrets (the database's managed master secret).
    SECRETS = "secrets"
    # DynamoDB global tables in multi-Region strong consistency: the mode, the replicas'
    # and the witness's status as DescribeTable reports them.
    MRSC = "mrsc"


class Backend(Protocol):
    """What the target can do, and how steps wait on it."""

    @property
    def name(self) -> str:
        """ "aws" or "emulator": for reports, never for branching."""
        ...

    @property
    def poll_seconds(self) -> float:
        """How often a step polls while it waits."""
        ...

    @property
    def wait_timeout_seconds(self) -> float:
        """How long a step waits for a change before it stops."""
        ...

    def has(self, capability: Capability) -> bool: ...

    def gap(self, capability: Capability, detail: str) -> str | None:
        """None when `capability` is real here; else `detail` and why it is not."""
        ...

    def resolve(self, name: str) -> set[str]:
        """The addresses `name` answers with, as a client of the platform would see them."""
        ...

    def http_status(self, url: str, *, verify_tls: bool = True, timeout: float = 10) -> int:
        """The status of GET `url` (raises OSError when it cannot be reached)."""
        ...


def dns_resolve(name: str) -> set[str]:
    """The system resolver's addresses for `name` (empty when it does not resolve)."""
    try:
        found = socket.getaddrinfo(name, 80, proto=socket.IPPROTO_TCP)
        return {str(info[4][0]) for info in found}
    except socket.gaierror:
        return set()


def http_get_status(url: str, *, verify_tls: bool = True, timeout: float = 10) -> int:
    context = None
    if url.startswith("https:") and not verify_tls:
        context = ssl.create_default_context()
        context.check_hostname = False
        context.verify_mode = ssl.CERT_NONE
    with urllib.request.urlopen(url, timeout=timeout, context=context) as response:
        status: int = response.status
        return status


class AwsBackend:
    """Real AWS: every capability is real, so it never reports a gap; AWS-paced waits."""

    name = "aws"
    poll_seconds = 10.0
    wait_timeout_seconds = 1800.0

    def has(self, capability: Capability) -> bool:
        return True

    def gap(self, capability: Capability, detail: str) -> str | None:
        return None

    def resolve(self, name: str) -> set[str]:
        return dns_resolve(name)

    def http_status(self, url: str, *, verify_tls: bool = True, timeout: float = 10) -> int:
        return http_get_status(url, verify_tls=verify_tls, timeout=timeout)
