"""RPO per data store: how much a failover can lose, read from the replication settings,
lag alarms and backup schedule in the templates."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from tradedr.analysis import assumptions
from tradedr.analysis.rto.readers import (
    as_int,
    aurora_secondary,
    metric_alarm,
    mrsc_table,
    replica_db,
    replication_alarm,
    sessions_table,
)
from tradedr.analysis.templates import Resource, TemplateSet


@dataclass(frozen=True)
class RpoEntry:
    """What one data store can lose in a failover, with its basis and the target it is held
    against (`target_name` names the config key: rpo_seconds, objects_rpo_seconds, ...)."""

    store: str
    rpo_seconds: float | None
    basis: str
    source: str
    target_seconds: int
    target_name: str

    @property
    def met(self) -> bool:
        return self.rpo_seconds is not None and self.rpo_seconds <= self.target_seconds

    def to_dict(self) -> dict[str, Any]:
        return {
            "store": self.store,
            "rpo_seconds": self.rpo_seconds,
            "basis": self.basis,
            "source": self.source,
            "target_seconds": self.target_seconds,
            "target": self.target_name,
            "met": self.met,
        }


_CRON = re.compile(r"cron\(\s*(\S+)\s+(\S+)")


def backup_interval_seconds(schedule: str) -> int:
    """Hourly when the cron hour field is '*' (or a step), else daily."""
    match = _CRON.match(schedule or "")
    if not match:
        return 24 * 3600
    hour = match.group(2)
    if hour == "*":
        return 3600
    if hour.startswith("*/") or "/" in hour:
        return 3600 * as_int(hour.split("/")[-1], 1)
    if "," in hour:
        return 24 * 3600 // len(hour.split(","))
    return 24 * 3600


def rpo_entries(templates: TemplateSet, warnings: list[str]) -> list[RpoEntry]:
    """Orders DB per standby, sessions, objects and backups, in that order."""
    settings = templates.settings
    targets = settings.targets
    primary = settings.primary_region
    entries: list[RpoEntry] = []
    plan = templates.first("AWS::Backup::BackupPlan", region=primary)
    backup_rpo: int | None = None
    backup_source = "no backup plan"
    if plan is not None:
        schedule = str(plan.prop("BackupPlan.BackupPlanRule.0.ScheduleExpression", ""))
        backup_rpo = backup_interval_seconds(schedule)
        backup_source = plan.source("BackupPlan.BackupPlanRule.0.ScheduleExpression")

    orders = mrsc_table(templates)
    if orders is not None:
        entries.append(
            RpoEntry(
                "orders (DynamoDB MRSC global table)",
                0.0,
                assumptions.get("mrsc-acknowledged-write").what,
                orders.source("MultiRegionConsistency"),
                targets.rpo_seconds,
                "rpo_seconds",
            )
        )
    for standby in [] if orders is not None else settings.standby_regions:
        replica = replica_db(templates, standby)
        alarm = templates.alarm(standby, "ReplicaLag")
        secondary = aurora_secondary(templates, standby)
        if secondary is not None:
            entries.append(_aurora_rpo(templates, secondary, standby, warnings))
        elif replica is not None and alarm is not None:
            entries.append(
                RpoEntry(
                    f"orders-db ({standby} replica)",
                    float(alarm.prop("Threshold")),
                    "cross-region read replica; failover requires the replica-lag alarm "
                    "OK, so the lag it loses is at most the alarm threshold",
                    alarm.source("Threshold"),
                    targets.rpo_seconds,
                    "rpo_seconds",
                )
            )
        elif replica is not None:
            warnings.append(f"no ReplicaLag alarm in {standby}: replica lag is unbounded")
            entries.append(
                RpoEntry(
                    f"orders-db ({standby} replica)",
                    None,
                    "cross-region read replica without a replica-lag alarm: unbounded",
                    replica.source("SourceDBInstanceIdentifier"),
                    targets.rpo_seconds,
                    "rpo_seconds",
                )
            )
        else:
            entries.append(
                RpoEntry(
                    f"orders-db ({standby} from backups)",
                    backup_rpo,
                    "no replica: restore from the latest copied snapshot",
                    backup_source,
                    targets.rpo_seconds,
                    "rpo_seconds",
                )
            )

    table = sessions_table(templates, primary)
    if table is not None:
        entries.append(
            _sessions_rpo(
                templates, table, backup_rpo, backup_source, warnings, gated=orders is None
            )
        )

    for bucket in templates.resources("AWS::S3::Bucket", region=primary):
        if bucket.holds_logs:
            continue
        rules = bucket.prop("ReplicationConfiguration.Rules") or []
        if not rules:
            entries.append(
                RpoEntry(
                    "objects (S3)",
                    None,
                    "not replicated and not in the backup plan: lost with the region",
                    bucket.source("ReplicationConfiguration", "none"),
                    targets.objects_rpo_seconds,
                    "objects_rpo_seconds",
                )
            )
            continue
        minutes = bucket.prop(
            "ReplicationConfiguration.Rules.0.Destination.ReplicationTime.Time.Minutes"
        )
        if minutes:
            entries.append(
                RpoEntry(
                    "objects (S3 replication with RTC)",
                    float(as_int(minutes) * 60),
                    assumptions.get("s3-rtc").what,
                    bucket.source(
                        "ReplicationConfiguration.Rules.0.Destination.ReplicationTime.Time.Minutes"
                    ),
                    targets.objects_rpo_seconds,
                    "objects_rpo_seconds",
                )
            )
        else:
            entries.append(
                RpoEntry(
                    "objects (S3 replication, no RTC)",
                    assumptions.get("s3-crr-no-rtc").worst,
                    assumptions.get("s3-crr-no-rtc").what,
                    bucket.source("ReplicationConfiguration.Rules.0.Status"),
                    targets.objects_rpo_seconds,
                    "objects_rpo_seconds",
                )
            )

    if plan is not None:
        copies = plan.prop("BackupPlan.BackupPlanRule.0.CopyActions") or []
        entries.append(
            RpoEntry(
                "backups (AWS Backup vault copies)",
                backup_rpo if copies else None,
                f"{len(copies)} cross-region copy action(s); a copy every "
                f"{(backup_rpo or 0) // 3600} h"
                if copies
                else "no cross-region copy: backups are lost with the region",
                backup_source,
                targets.backup_rpo_seconds,
                "backup_rpo_seconds",
            )
        )
    return entries


def _aurora_rpo(
    templates: TemplateSet, secondary: Resource, standby: str, warnings: list[str]
) -> RpoEntry:
    """Storage-level replication is typically sub-second, but only the lag alarm bounds it."""
    target = templates.settings.targets.rpo_seconds
    store = f"orders-db ({standby} Aurora global secondary)"
    typical = assumptions.get("aurora-global-replication")
    alarm = metric_alarm(templates, standby, "AWS/RDS", "AuroraGlobalDBReplicationLag")
    if alarm is None:
        warnings.append(
            f"no AuroraGlobalDBReplicationLag alarm in {standby}: the global database's lag is "
            "typically under a second but unbounded"
        )
        return RpoEntry(
            store,
            None,
            f"Aurora global database with no lag alarm: {typical.what}",
            secondary.source("GlobalClusterIdentifier"),
            target,
            "rpo_seconds",
        )
    statistic = str(alarm.prop("Statistic", "") or alarm.prop("ExtendedStatistic", ""))
    threshold_ms = float(alarm.prop("Threshold", 0) or 0)
    basis = (
        "Aurora global database (storage-level replication, typically under a second); "
        f"failover requires the lag alarm OK, so the loss is at most its threshold "
        f"({threshold_ms:g} ms, {statistic} per {alarm.prop('Period')} s)"
    )
    if statistic != "Maximum":
        warnings.append(
            f"{alarm.logical_id} uses {statistic or 'no'} statistic: lag spikes inside a period "
            "can exceed its threshold unseen"
        )
        return RpoEntry(store, None, basis, alarm.source("Statistic"), target, "rpo_seconds")
    return RpoEntry(
        store, threshold_ms / 1000.0, basis, alarm.source("Threshold"), target, "rpo_seconds"
    )


def _sessions_rpo(
    templates: TemplateSet,
    table: Resource,
    backup_rpo: int | None,
    backup_source: str,
    warnings: list[str],
    *,
    gated: bool = True,
) -> RpoEntry:
    """Global tables replicate 'usually within one second' with no bound; an alarm on the
    Maximum ReplicationLatency per receiving region bounds what a failover can lose.
    `gated=False` (active-active on MRSC): traffic leaves a lost region on the accelerator's
    own health checks, no step waits for that alarm, so only the planning figure holds."""
    target = templates.settings.targets.rpo_seconds
    replicas = [str(r.get("Region")) for r in table.prop("Replicas", [])]
    ddb = assumptions.get("dynamodb-replication")
    if len(replicas) < 2:
        return RpoEntry(
            "sessions (DynamoDB table)",
            backup_rpo,
            "single-region table: restore from the vault copy",
            backup_source,
            target,
            "rpo_seconds",
        )
    store = "sessions (DynamoDB global table)"
    # DynamoDB emits ReplicationLatency in the writing region, one series per receiving
    # region: the alarms that bound the lag live in the primary.
    alarms = [
        replication_alarm(templates, templates.settings.primary_region, region)
        for region in templates.settings.standby_regions
    ]
    bounding = [a for a in alarms if a is not None and a.prop("Statistic") == "Maximum"]
    if not gated:
        return RpoEntry(
            store,
            ddb.worst,
            f"global table replicas in {', '.join(replicas)}, eventually consistent; traffic "
            "leaves a lost region on the accelerator's health checks and no step waits for the "
            f"ReplicationLatency alarm, so: {ddb.what}",
            table.source("Replicas"),
            target,
            "rpo_seconds",
        )
    if alarms and len(bounding) == len(alarms):
        worst = max(bounding, key=lambda a: float(a.prop("Threshold", 0) or 0))
        threshold_ms = float(worst.prop("Threshold", 0) or 0)
        return RpoEntry(
            store,
            threshold_ms / 1000.0,
            f"global table replicas in {', '.join(replicas)}; failover requires the "
            f"ReplicationLatency alarm (Maximum) OK, so the loss is at most {threshold_ms:g} ms",
            worst.source("Threshold"),
            target,
            "rpo_seconds",
        )
    weak = next((a for a in alarms if a is not None), None)
    if weak is not None:
        warnings.append(
            f"{weak.logical_id} watches the {weak.prop('Statistic')} ReplicationLatency: it does "
            f"not bound the sessions' lag, so their RPO is the planning figure {ddb.worst:g} s"
        )
    return RpoEntry(
        store,
        ddb.worst,
        f"global table replicas in {', '.join(replicas)}: {ddb.what}",
        weak.source("Statistic") if weak is not None else table.source("Replicas", replicas),
        target,
        "rpo_seconds",
    )
