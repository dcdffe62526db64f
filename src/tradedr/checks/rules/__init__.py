"""tradedr's own DR rules: one class per module, registered here in id order."""

from __future__ import annotations

from tradedr.checks.rules.base import DrContext, DrRule
from tradedr.checks.rules.dr001_retain_stateful import RetainStatefulResources
from tradedr.checks.rules.dr002_table_pitr import TablePointInTimeRecovery
from tradedr.checks.rules.dr003_backup_retention import BackupRetention
from tradedr.checks.rules.dr004_cross_region_backup_copy import CrossRegionBackupCopy
from tradedr.checks.rules.dr005_standby_replicas import StandbyReplicas
from tradedr.checks.rules.dr006_health_check_rto import HealthCheckWithinRto
from tradedr.checks.rules.dr007_required_tags import RequiredTags
from tradedr.checks.rules.dr008_no_plaintext_secrets import NoPlaintextSecrets
from tradedr.checks.rules.dr009_cmk_encryption import CustomerManagedKeys
from tradedr.checks.rules.dr010_multi_az_primary import MultiAzPrimary
from tradedr.checks.rules.dr011_s3_replication_rtc import ReplicationTimeControl
from tradedr.checks.rules.dr012_monitoring_alarms import MonitoringAlarms
from tradedr.checks.rules.dr013_iam_data_wildcards import NoWildcardDataAccess
from tradedr.checks.rules.dr014_versioned_buckets import VersionedBuckets
from tradedr.checks.rules.dr015_failover_detector import FailoverDetectorGuards
from tradedr.checks.rules.dr016_mrsc_region_set import MrscRegionSet
from tradedr.checks.rules.dr017_accelerator_interval import AcceleratorCheckInterval
from tradedr.checks.rules.dr018_accelerator_threshold import AcceleratorCheckThreshold
from tradedr.checks.rules.dr019_full_capacity_everywhere import FullCapacityEverywhere
from tradedr.checks.rules.dr020_orders_table_protection import OrdersTableProtection

ALL_RULES: tuple[DrRule, ...] = (
    RetainStatefulResources(),
    TablePointInTimeRecovery(),
    BackupRetention(),
    CrossRegionBackupCopy(),
    StandbyReplicas(),
    HealthCheckWithinRto(),
    RequiredTags(),
    NoPlaintextSecrets(),
    CustomerManagedKeys(),
    MultiAzPrimary(),
    ReplicationTimeControl(),
    MonitoringAlarms(),
    NoWildcardDataAccess(),
    VersionedBuckets(),
    FailoverDetectorGuards(),
    MrscRegionSet(),
    AcceleratorCheckInterval(),
    AcceleratorCheckThreshold(),
    FullCapacityEverywhere(),
    OrdersTableProtection(),
)

__all__ = ["ALL_RULES", "DrContext", "DrRule"]
