"""On-demand backups and restore tests of the orders DB and the sessions table.

`backup_now` makes an RDS snapshot and copies it to every standby region, an on-demand
DynamoDB backup, a DynamoDB export to S3, and an AWS Backup job. `restore_test` restores
the latest snapshot (in a standby) and table backup into scratch resources, checks they
can be read, deletes them, and times each restore. Steps the emulator cannot perform
(AWS Backup jobs) are reported "not-emulated", never as made.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from functools import partial
from typing import Any

from botocore.exceptions import BotoCoreError, ClientError

from tradedr.config import Settings
from tradedr.errors import AwsOperationError, ConfigError
from tradedr.names import Names
from tradedr.ops.backend import Capability
from tradedr.ops.clients import ClientProvider
from tradedr.ops.target import backend_for

Progress = Callable[[str], None]
MADE = "made"
OK = "ok"
FAILED = "failed"
NOT_EMULATED = "not-emulated"
DELETED = "deleted"
LEFT = "left-behind"
# Every scratch instance a restore test creates carries this tag: cleanup lifts deletion
# protection on nothing else.
SCRATCH_TAG, SCRATCH_VALUE = "tradedr:scratch", "restore-test"
POLL_SECONDS = 5.0
WAIT_SECONDS = 2 * 3600


@dataclass(frozen=True)
class BackupItem:
    kind: str
    region: str
    identifier: str
    status: str
    seconds: float
    detail: str = ""


@dataclass
class BackupResult:
    target: str
    items: list[BackupItem] = field(default_factory=list)
    # Scratch resources a restore test could not delete ("<kind> <id> (<region>)").
    left_behind: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.left_behind and all(i.status not in (FAILED, LEFT) for i in self.items)

    def to_dict(self) -> dict[str, Any]:
        return {
            "target": self.target,
            "ok": self.ok,
            "items": [asdict(i) for i in self.items],
            "left_behind": self.left_behind,
        }


def _stamp() -> str:
    return time.strftime("%Y%m%d-%H%M%S", time.gmtime())


def _wait(describe: Callable[[], str], done: str, what: str) -> None:
    deadline = time.monotonic() + WAIT_SECONDS
    while True:
        status = describe()
        if status == done:
            return
        if status in ("failed", "error", "incompatible-restore", "FAILED"):
            raise AwsOperationError(f"{what} ended {status}")
        if time.monotonic() > deadline:
            raise AwsOperationError(f"{what} still {status} after {WAIT_SECONDS} s")
        time.sleep(POLL_SECONDS)


def _error(exc: ClientError) -> str:
    error = exc.response.get("Error", {})
    return f"{error.get('Code')}: {error.get('Message')}"


def _timed(
    result: BackupResult,
    kind: str,
    region: str,
    identifier: str,
    action: Callable[[], str],
    say: Progress,
    *,
    success: str = MADE,
) -> bool:
    """Run one step; record it as made (with its detail) or failed, never raise on API errors."""
    started = time.monotonic()
    try:
        detail = action()
    except ClientError as exc:
        result.items.append(
            BackupItem(kind, region, identifier, FAILED, time.monotonic() - started, _error(exc))
        )
        say(f"{kind} {identifier} ({region}): FAILED {_error(exc)}")
        return False
    seconds = time.monotonic() - started
    result.items.append(BackupItem(kind, region, identifier, success, seconds, detail))
    say(f"{kind} {identifier} ({region}): {success} in {seconds:.1f} s")
    return True


def backup_now(
    settings: Settings,
    provider: ClientProvider,
    *,
    target: str,
    progress: Progress | None = None,
) -> BackupResult:
    say = progress or (lambda _message: None)
    names = Names(settings)
    primary = settings.primary_region
    stamp = _stamp()
    result = BackupResult(target=target)
    db_id = names.db_identifier(primary)
    snapshot = f"{db_id}-{stamp}"
    rds = provider.client("rds", primary)

    def snapshot_primary() -> str:
        rds.create_db_snapshot(DBSnapshotIdentifier=snapshot, DBInstanceIdentifier=db_id)
        _wait(
            lambda: rds.describe_db_snapshots(DBSnapshotIdentifier=snapshot)["DBSnapshots"][0][
                "Status"
            ],
            "available",
            f"snapshot {snapshot}",
        )
        return f"of {db_id}"

    try:
        made = _timed(result, "rds-snapshot", primary, snapshot, snapshot_primary, say)
        if made:
            source_arn = rds.describe_db_snapshots(DBSnapshotIdentifier=snapshot)["DBSnapshots"][0][
                "DBSnapshotArn"
            ]
            for region in settings.standby_regions:
                _timed(
                    result,
                    "rds-snapshot-copy",
                    region,
                    snapshot,
                    partial(_copy_snapshot, provider, names, region, primary, source_arn, snapshot),
                    say,
                )
        _table_backup(settings, provider, result, stamp, say)
        _table_export(settings, provider, result, stamp, say)
        _backup_job(settings, provider, result, target, say)
    except BotoCoreError as exc:
        raise AwsOperationError(f"backup now: {exc}") from None
    return result


def _copy_snapshot(
    provider: ClientProvider,
    names: Names,
    region: str,
    source_region: str,
    source_arn: str,
    snapshot: str,
) -> str:
    rds = provider.client("rds", region)
    rds.copy_db_snapshot(
        SourceDBSnapshotIdentifier=source_arn,
        TargetDBSnapshotIdentifier=snapshot,
        KmsKeyId=names.kms_alias(region),
        CopyTags=True,
        SourceRegion=source_region,
    )
    _wait(
        lambda: rds.describe_db_snapshots(DBSnapshotIdentifier=snapshot)["DBSnapshots"][0][
            "Status"
        ],
        "available",
        f"snapshot copy {snapshot} in {region}",
    )
    return f"copied from {source_region}"


def _table_backup(
    settings: Settings, provider: ClientProvider, result: BackupResult, stamp: str, say: Progress
) -> None:
    names = Names(settings)
    primary = settings.primary_region
    ddb = provider.client("dynamodb", primary)
    backup_name = f"{names.sessions_table}-{stamp}"

    def backup() -> str:
        details = ddb.create_backup(TableName=names.sessions_table, BackupName=backup_name)[
            "BackupDetails"
        ]
        return f"{details['BackupStatus']} {details['BackupArn']}"

    _timed(result, "dynamodb-backup", primary, backup_name, backup, say)


def _table_export(
    settings: Settings, provider: ClientProvider, result: BackupResult, stamp: str, say: Progress
) -> None:
    names = Names(settings)
    primary = settings.primary_region
    ddb = provider.client("dynamodb", primary)
    bucket = names.bucket(primary)
    prefix = f"exports/{names.sessions_table}/{stamp}"

    def export() -> str:
        arn = ddb.describe_table(TableName=names.sessions_table)["Table"]["TableArn"]
        description = ddb.export_table_to_point_in_time(
            TableArn=arn, S3Bucket=bucket, S3Prefix=prefix, ExportFormat="DYNAMODB_JSON"
        )["ExportDescription"]
        return f"{description['ExportStatus']} to s3://{bucket}/{prefix}"

    _timed(result, "dynamodb-export", primary, prefix, export, say)


def _backup_job(
    settings: Settings, provider: ClientProvider, result: BackupResult, target: str, say: Progress
) -> None:
    """An on-demand AWS Backup job of the orders DB into the primary vault (copied to the
    standbys by the plan's copy rule)."""
    names = Names(settings)
    primary = settings.primary_region
    vault = names.backup_vault(primary)
    if gap := backend_for(target).gap(Capability.BACKUP_JOBS, "not emulated"):
        result.items.append(BackupItem("backup-job", primary, vault, NOT_EMULATED, 0.0, gap))
        say(f"backup-job {vault}: {gap}")
        return

    def job() -> str:
        backup = provider.client("backup", primary)
        role_arn = _selection_role(backup, Names(settings).backup_plan)
        rds = provider.client("rds", primary)
        db_arn = rds.describe_db_instances(DBInstanceIdentifier=names.db_identifier(primary))[
            "DBInstances"
        ][0]["DBInstanceArn"]
        job_id = backup.start_backup_job(
            BackupVaultName=vault, ResourceArn=db_arn, IamRoleArn=role_arn
        )["BackupJobId"]
        return f"job {job_id} started"

    _timed(result, "backup-job", primary, vault, job, say)


def _selection_role(backup: Any, plan_name: str) -> str:
    """The IAM role of the plan's selection: AWS Backup needs one to start a job."""
    for plan in backup.list_backup_plans()["BackupPlansList"]:
        if plan["BackupPlanName"] != plan_name:
            continue
        for selection in backup.list_backup_selections(BackupPlanId=plan["BackupPlanId"])[
            "BackupSelectionsList"
        ]:
            return str(selection["IamRoleArn"])
    raise ClientError(
        {"Error": {"Code": "NotFound", "Message": f"no backup selection in plan {plan_name}"}},
        "ListBackupSelections",
    )


def restore_test(
    settings: Settings,
    provider: ClientProvider,
    *,
    target: str,
    region: str | None = None,
    progress: Progress | None = None,
) -> BackupResult:
    """Restore into scratch resources, read them, delete them; time each restore.

    The DB and table restores run independently (one failing never skips the other), and
    every scratch resource is tracked from the moment its create call is made: cleanup runs
    in `finally`, lifts deletion protection only on a scratch instance this run created
    (its name and its `tradedr:scratch` tag), and reports each one deleted or left behind
    (`left_behind`; the command exits 3 then)."""
    say = progress or (lambda _message: None)
    names = Names(settings)
    region = region or settings.standby_regions[0]
    if region not in settings.all_regions:
        raise ConfigError(f"--region {region} is not one of {', '.join(settings.all_regions)}")
    result = BackupResult(target=target)
    stamp = _stamp()
    for restore in (
        partial(_restore_db, settings, provider, names, region, stamp, result, say),
        partial(_restore_table, settings, provider, names, stamp, result, say),
    ):
        try:
            restore()
        except BotoCoreError as exc:
            raise AwsOperationError(f"restore test: {exc}") from None
    return result


def _latest_snapshot(rds: Any, prefix: str) -> dict[str, Any] | None:
    snapshots = [
        s
        for s in rds.describe_db_snapshots(SnapshotType="manual")["DBSnapshots"]
        if s["DBSnapshotIdentifier"].startswith(prefix) and s.get("Status") == "available"
    ]
    return max(snapshots, key=lambda s: s["SnapshotCreateTime"]) if snapshots else None


def _subnet_group(rds: Any, stack_name: str) -> str | None:
    """The replica stack's DB subnet group (CloudFormation names it after the stack)."""
    for group in rds.describe_db_subnet_groups()["DBSubnetGroups"]:
        if group["DBSubnetGroupName"].startswith(stack_name.lower()):
            return str(group["DBSubnetGroupName"])
    return None


def _failure(exc: Exception) -> str:
    return _error(exc) if isinstance(exc, ClientError) else str(getattr(exc, "message", exc))


def _restore_db(
    settings: Settings,
    provider: ClientProvider,
    names: Names,
    region: str,
    stamp: str,
    result: BackupResult,
    say: Progress,
) -> None:
    rds = provider.client("rds", region)
    source = names.db_identifier(settings.primary_region)
    snapshot = _latest_snapshot(rds, source)
    scratch = f"{settings.prefix}-restore-test-{stamp}"[:63]
    if snapshot is None:
        result.items.append(
            BackupItem(
                "rds-restore",
                region,
                scratch,
                FAILED,
                0.0,
                f"no snapshot of {source} in {region}; run `tradedr backup now` first",
            )
        )
        return
    started = time.monotonic()
    created = False
    try:
        placement = {}
        subnet_group = _subnet_group(rds, names.replica_stack(region))
        if subnet_group:
            # The snapshot remembers the source region's subnet group; name one here.
            placement["DBSubnetGroupName"] = subnet_group
        created = True  # from here on the instance may exist: cleanup must look for it
        rds.restore_db_instance_from_db_snapshot(
            DBInstanceIdentifier=scratch,
            DBSnapshotIdentifier=snapshot["DBSnapshotIdentifier"],
            DBInstanceClass=settings.database.instance_class,
            MultiAZ=False,
            PubliclyAccessible=False,
            DeletionProtection=False,
            Tags=[{"Key": SCRATCH_TAG, "Value": SCRATCH_VALUE}],
            **placement,
        )
        _wait(
            lambda: rds.describe_db_instances(DBInstanceIdentifier=scratch)["DBInstances"][0][
                "DBInstanceStatus"
            ],
            "available",
            f"restore {scratch}",
        )
        db = rds.describe_db_instances(DBInstanceIdentifier=scratch)["DBInstances"][0]
        endpoint = db.get("Endpoint", {}).get("Address")
        if not endpoint:
            raise AwsOperationError(f"restored {scratch} has no endpoint")
        seconds = time.monotonic() - started
        result.items.append(
            BackupItem(
                "rds-restore",
                region,
                scratch,
                OK,
                seconds,
                f"from {snapshot['DBSnapshotIdentifier']}, readable at {endpoint}",
            )
        )
        say(f"rds-restore {scratch} ({region}): ok in {seconds:.1f} s")
    except (ClientError, AwsOperationError) as exc:
        result.items.append(
            BackupItem(
                "rds-restore", region, scratch, FAILED, time.monotonic() - started, _failure(exc)
            )
        )
        say(f"rds-restore {scratch} ({region}): FAILED {_failure(exc)}")
    finally:
        if created:
            _delete_scratch_db(rds, region, scratch, result, say)


def _delete_scratch_db(
    rds: Any, region: str, scratch: str, result: BackupResult, say: Progress
) -> None:
    """Delete the scratch instance this run created, and say whether anything is left."""
    started = time.monotonic()
    try:
        try:
            db = rds.describe_db_instances(DBInstanceIdentifier=scratch)["DBInstances"][0]
        except ClientError as exc:
            if exc.response.get("Error", {}).get("Code") == "DBInstanceNotFound":
                return  # the restore never created it: nothing to clean up
            raise
        tags = {t["Key"]: t["Value"] for t in db.get("TagList", [])}
        if db.get("DeletionProtection"):
            if tags.get(SCRATCH_TAG) != SCRATCH_VALUE:
                raise AwsOperationError(
                    f"{scratch} has deletion protection and no {SCRATCH_TAG} tag: not ours to "
                    "unprotect"
                )
            rds.modify_db_instance(
                DBInstanceIdentifier=scratch, DeletionProtection=False, ApplyImmediately=True
            )
        rds.delete_db_instance(
            DBInstanceIdentifier=scratch, SkipFinalSnapshot=True, DeleteAutomatedBackups=True
        )
    except (ClientError, AwsOperationError) as exc:
        _left(result, "rds-cleanup", region, scratch, started, f"db instance: {_failure(exc)}")
        say(f"{scratch}: scratch instance NOT deleted: {_failure(exc)}")
        return
    result.items.append(
        BackupItem("rds-cleanup", region, scratch, DELETED, time.monotonic() - started, "")
    )
    say(f"{scratch}: scratch instance deleted")


def _left(
    result: BackupResult, kind: str, region: str, identifier: str, started: float, why: str
) -> None:
    result.left_behind.append(f"{why.split(':')[0]} {identifier} ({region})")
    result.items.append(
        BackupItem(
            kind, region, identifier, LEFT, time.monotonic() - started, f"left behind: {why}"
        )
    )


def _restore_table(
    settings: Settings,
    provider: ClientProvider,
    names: Names,
    stamp: str,
    result: BackupResult,
    say: Progress,
) -> None:
    """DynamoDB restores an on-demand backup only in the backup's own region, so the table
    restore runs where the backups are made (the primary)."""
    region = settings.primary_region
    ddb = provider.client("dynamodb", region)
    scratch = f"{names.sessions_table}-restore-test-{stamp}"
    backups = ddb.list_backups(TableName=names.sessions_table)["BackupSummaries"]
    available = [b for b in backups if b.get("BackupStatus") == "AVAILABLE"]
    if not available:
        result.items.append(
            BackupItem(
                "dynamodb-restore",
                region,
                scratch,
                FAILED,
                0.0,
                f"no backup of {names.sessions_table}; run `tradedr backup now` first",
            )
        )
        return
    latest = max(available, key=lambda b: b["BackupCreationDateTime"])
    started = time.monotonic()
    created = False
    try:
        created = True
        ddb.restore_table_from_backup(TargetTableName=scratch, BackupArn=latest["BackupArn"])
        _wait(
            lambda: ddb.describe_table(TableName=scratch)["Table"]["TableStatus"],
            "ACTIVE",
            f"restore {scratch}",
        )
        items = ddb.scan(TableName=scratch, Limit=25, Select="COUNT")["Count"]
        seconds = time.monotonic() - started
        result.items.append(
            BackupItem(
                "dynamodb-restore",
                region,
                scratch,
                OK,
                seconds,
                f"from {latest['BackupName']}, readable ({items} items in the first page)",
            )
        )
        say(f"dynamodb-restore {scratch} ({region}): ok in {seconds:.1f} s")
    except (ClientError, AwsOperationError) as exc:
        result.items.append(
            BackupItem(
                "dynamodb-restore",
                region,
                scratch,
                FAILED,
                time.monotonic() - started,
                _failure(exc),
            )
        )
        say(f"dynamodb-restore {scratch} ({region}): FAILED {_failure(exc)}")
    finally:
        if created:
            _delete_scratch_table(ddb, region, scratch, result, say)


def _delete_scratch_table(
    ddb: Any, region: str, scratch: str, result: BackupResult, say: Progress
) -> None:
    started = time.monotonic()
    try:
        try:
            table = ddb.describe_table(TableName=scratch)["Table"]
        except ClientError as exc:
            if exc.response.get("Error", {}).get("Code") == "ResourceNotFoundException":
                return
            raise
        if table.get("DeletionProtectionEnabled"):
            # A restored table can inherit nothing else of ours: it has the scratch name.
            ddb.update_table(TableName=scratch, DeletionProtectionEnabled=False)
        ddb.delete_table(TableName=scratch)
    except ClientError as exc:
        _left(result, "dynamodb-cleanup", region, scratch, started, f"table: {_failure(exc)}")
        say(f"{scratch}: scratch table NOT deleted: {_failure(exc)}")
        return
    result.items.append(
        BackupItem("dynamodb-cleanup", region, scratch, DELETED, time.monotonic() - started, "")
    )
    say(f"{scratch}: scratch table deleted")


def run_backup_now(
    settings: Settings, *, target: str, profile: str | None, progress: Progress | None = None
) -> BackupResult:
    from tradedr.ops.target import open_target

    with open_target(target, profile) as opened:
        return backup_now(settings, opened.provider, target=target, progress=progress)


def run_restore_test(
    settings: Settings,
    *,
    target: str,
    profile: str | None,
    region: str | None,
    progress: Progress | None = None,
) -> BackupResult:
    from tradedr.ops.target import open_target

    with open_target(target, profile) as opened:
        return restore_test(
            settings, opened.provider, target=target, region=region, progress=progress
        )
