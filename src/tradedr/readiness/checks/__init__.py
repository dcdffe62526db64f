"""The readiness checks, in the order they run and report (one class per module)."""

from __future__ import annotations

from tradedr.readiness.checks.backups import BackupCopiesCheck
from tradedr.readiness.checks.capacity import InstanceCapacityCheck
from tradedr.readiness.checks.drift import DriftCheck
from tradedr.readiness.checks.permissions import PermissionsCheck
from tradedr.readiness.checks.quotas import QuotasCheck
from tradedr.readiness.checks.replica import ReplicaCheck
from tradedr.readiness.checks.routing_health import RoutingHealthCheck
from tradedr.readiness.checks.secrets_keys import SecretsAndKeysCheck
from tradedr.readiness.model import ReadinessCheck

CHECKS: tuple[ReadinessCheck, ...] = (
    ReplicaCheck(),
    SecretsAndKeysCheck(),
    InstanceCapacityCheck(),
    QuotasCheck(),
    PermissionsCheck(),
    RoutingHealthCheck(),
    BackupCopiesCheck(),
    DriftCheck(),
)

__all__ = ["CHECKS", "ReadinessCheck"]
