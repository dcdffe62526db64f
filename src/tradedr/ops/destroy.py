"""Tear down a deployment in reverse order, keeping stateful data unless told otherwise.

Without `--delete-data` only the stateless stacks go (global routing, app tiers); the data
and replica stacks stay. With it, a final RDS snapshot of every orders DB and an on-demand
DynamoDB backup are taken first, deletion protection is lifted, and the data stacks are
deleted; resources whose DeletionPolicy is Retain (backup vault, bucket, key, table)
stay, and are listed.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from botocore.exceptions import BotoCoreError, ClientError

from tradedr.config import Settings
from tradedr.errors import AwsOperationError
from tradedr.infra.names import Names
from tradedr.ops.clients import ClientProvider

Progress = Callable[[str], None]
POLL_SECONDS = 2.0
DELETE_TIMEOUT_SECONDS = 3 * 3600


@dataclass
class DestroyResult:
    target: str
    deleted: list[str] = field(default_factory=list)
    kept: list[str] = field(default_factory=list)
    absent: list[str] = field(default_factory=list)
    final_backups: list[str] = field(default_factory=list)
    retained: list[str] = field(default_factory=list)
    failed: list[str] = field(default_factory=list)
    seconds: float = 0.0

    @property
    def ok(self) -> bool:
        return not self.failed

    def to_dict(self) -> dict[str, Any]:
        return {
            "target": self.target,
            "ok": self.ok,
            "deleted": self.deleted,
            "kept": self.kept,
            "absent": self.absent,
            "final_backups": self.final_backups,
            "retained": self.retained,
            "failed": self.failed,
            "seconds": round(self.seconds, 2),
        }


def destruction_order(settings: Settings) -> tuple[list[tuple[str, str]], list[tuple[str, str]]]:
    """(stateless stacks, stateful stacks), each as (name, region), in deletion order."""
    names = Names(settings)
    posture = settings.posture
    app_regions = [
        r for r in settings.all_regions if r == settings.primary_region or posture.runs_standby_app
    ]
    stateless = [(names.global_stack, settings.primary_region)]
    stateless += [(names.app_stack(r), r) for r in reversed(app_regions)]
    stateful: list[tuple[str, str]] = []
    if posture.replicates_data:
        stateful += [(names.replica_stack(r), r) for r in settings.standby_regions]
    # The primary's data stack depends on the standbys' (replica keys, buckets, vaults).
    stateful += [(names.data_stack(r), r) for r in settings.all_regions]
    return stateless, stateful


def destroy_all(
    settings: Settings,
    provider: ClientProvider,
    *,
    target: str,
    delete_data: bool,
    progress: Progress | None = None,
) -> DestroyResult:
    say = progress or (lambda _message: None)
    started = time.monotonic()
    result = DestroyResult(target=target)
    stateless, stateful = destruction_order(settings)
    try:
        for name, region in stateless:
            _delete_stack(provider, name, region, result, say)
        if not delete_data:
            for name, region in stateful:
                if _exists(provider.client("cloudformation", region), name):
                    result.kept.append(name)
            if result.kept:
                say(f"kept {len(result.kept)} stateful stacks; pass --delete-data to remove them")
        else:
            _final_backups(settings, provider, result, say)
            _lift_protection(settings, provider, stateful, say, emulator=target == "local")
            for name, region in stateful:
                _delete_stack(provider, name, region, result, say)
                if result.failed:
                    break  # a data stack must not go while the stack before it stands
    except BotoCoreError as exc:
        raise AwsOperationError(f"destroy: {exc}") from None
    result.seconds = time.monotonic() - started
    return result


def _exists(cf: Any, name: str) -> bool:
    try:
        stack = cf.describe_stacks(StackName=name)["Stacks"][0]
    except ClientError:
        return False
    return bool(stack["StackStatus"] != "DELETE_COMPLETE")


def _delete_stack(
    provider: ClientProvider, name: str, region: str, result: DestroyResult, say: Progress
) -> None:
    cf = provider.client("cloudformation", region)
    if not _exists(cf, name):
        result.absent.append(name)
        return
    body = cf.get_template(StackName=name, TemplateStage="Original")["TemplateBody"]
    template = body if isinstance(body, dict) else _json(body)
    say(f"{name}: deleting")
    try:
        cf.delete_stack(StackName=name)
        deadline = time.monotonic() + DELETE_TIMEOUT_SECONDS
        while _exists(cf, name):
            status = cf.describe_stacks(StackName=name)["Stacks"][0]["StackStatus"]
            if status == "DELETE_FAILED" or time.monotonic() > deadline:
                result.failed.append(f"{name}: {status}")
                say(f"{name}: {status}")
                return
            time.sleep(POLL_SECONDS)
    except ClientError as exc:
        result.failed.append(f"{name}: {exc}")
        say(f"{name}: FAILED {exc}")
        return
    result.deleted.append(name)
    for logical_id, resource in template.get("Resources", {}).items():
        if resource.get("DeletionPolicy") == "Retain":
            result.retained.append(f"{name}/{logical_id} ({resource.get('Type')})")
    say(f"{name}: deleted")


def _json(body: str) -> dict[str, Any]:
    import json

    loaded: dict[str, Any] = json.loads(body)
    return loaded


def _final_backups(
    settings: Settings, provider: ClientProvider, result: DestroyResult, say: Progress
) -> None:
    """A final snapshot of every orders DB and a backup of the table, before anything goes."""
    names = Names(settings)
    stamp = time.strftime("%Y%m%d-%H%M%S", time.gmtime())
    regions = [settings.primary_region]
    if settings.posture.replicates_data:
        regions += settings.standby_regions
    for region in regions:
        rds = provider.client("rds", region)
        identifier = names.db_identifier(region)
        try:
            rds.describe_db_instances(DBInstanceIdentifier=identifier)
        except ClientError:
            continue
        if region != settings.primary_region:
            # RDS takes no snapshot of a read replica; the primary's is the final copy.
            continue
        snapshot = f"{identifier}-final-{stamp}"
        rds.create_db_snapshot(DBSnapshotIdentifier=snapshot, DBInstanceIdentifier=identifier)
        _wait_snapshot(rds, snapshot)
        result.final_backups.append(f"rds snapshot {snapshot} ({region})")
        say(f"final snapshot {snapshot} in {region}")
    ddb = provider.client("dynamodb", settings.primary_region)
    try:
        backup = ddb.create_backup(
            TableName=names.sessions_table, BackupName=f"{names.sessions_table}-final-{stamp}"
        )["BackupDetails"]
        result.final_backups.append(
            f"dynamodb backup {backup['BackupName']} ({settings.primary_region})"
        )
        say(f"final table backup {backup['BackupName']}")
    except ClientError as exc:
        if "not found" not in str(exc).lower():
            raise


def _wait_snapshot(rds: Any, snapshot: str) -> None:
    deadline = time.monotonic() + DELETE_TIMEOUT_SECONDS
    while True:
        status = rds.describe_db_snapshots(DBSnapshotIdentifier=snapshot)["DBSnapshots"][0][
            "Status"
        ]
        if status == "available":
            return
        if time.monotonic() > deadline:
            raise AwsOperationError(f"snapshot {snapshot} still {status}; nothing was deleted")
        time.sleep(POLL_SECONDS)


def _lift_protection(
    settings: Settings,
    provider: ClientProvider,
    stateful: list[tuple[str, str]],
    say: Progress,
    *,
    emulator: bool,
) -> None:
    names = Names(settings)
    for region in settings.all_regions:
        rds = provider.client("rds", region)
        identifier = names.db_identifier(region)
        try:
            rds.modify_db_instance(
                DBInstanceIdentifier=identifier, DeletionProtection=False, ApplyImmediately=True
            )
            say(f"{identifier}: deletion protection off")
        except ClientError:
            continue
    if emulator:
        return  # moto does not implement termination protection (the deployer sets none)
    for name, region in stateful:
        cf = provider.client("cloudformation", region)
        if _exists(cf, name):
            cf.update_termination_protection(StackName=name, EnableTerminationProtection=False)


def run_destroy(
    settings: Settings,
    *,
    target: str,
    profile: str | None,
    delete_data: bool,
    progress: Progress | None = None,
) -> DestroyResult:
    from tradedr.ops.target import open_target

    with open_target(target, profile) as opened:
        return destroy_all(
            settings, opened.provider, target=target, delete_data=delete_data, progress=progress
        )
