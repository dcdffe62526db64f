"""Tear down a deployment in reverse order, keeping stateful data unless told otherwise.

Without `--delete-data` only the stateless stacks go (global routing, app tiers); the data
and replica stacks stay. With it, a final snapshot of every writable orders DB instance and
Aurora cluster of the deployment (found by the `<prefix>-orders-` name and the deployment's
tags, so a failover's promoted standby and its renamed stale writer are included) and an
on-demand DynamoDB backup are taken first, deletion protection is lifted, the stale
instances failovers and failbacks left (renamed `<id>-stale-<stamp>` or tagged
`tradedr:stale`; no stack owns them, and they keep the VPC from going) are deleted after
their final snapshot, and then the data stacks; resources whose DeletionPolicy is Retain
(backup vault, bucket, key, table) stay, and are listed. When anything fails after
protection was lifted, it is put back on every instance (and stack) that still exists.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from botocore.exceptions import BotoCoreError, ClientError

from tradedr.config import Settings
from tradedr.errors import AwsOperationError
from tradedr.names import Names
from tradedr.ops.actions.base import STALE_TAG, replication_source
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
    # Protection lifted then put back because the destroy failed ("<region> <identifier>").
    reprotected: list[str] = field(default_factory=list)
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
            "reprotected": self.reprotected,
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
    lifted = Lifted()
    succeeded = False
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
            _lift_protection(settings, provider, stateful, say, lifted, emulator=target == "local")
            _delete_stale(settings, provider, result, say, lifted)
            for name, region in stateful:
                _delete_stack(provider, name, region, result, say)
                if result.failed:
                    break  # a data stack must not go while the stack before it stands
        succeeded = result.ok
    except BotoCoreError as exc:
        raise AwsOperationError(f"destroy: {exc}") from None
    finally:
        if not succeeded:
            # A failed destroy must not leave the surviving data unprotected.
            _restore_protection(provider, lifted, result, say)
    result.seconds = time.monotonic() - started
    return result


@dataclass
class Lifted:
    """What _lift_protection turned off, so a failed destroy can turn it back on."""

    instances: list[tuple[str, str]] = field(default_factory=list)  # (region, identifier)
    stacks: list[tuple[str, str]] = field(default_factory=list)  # (region, stack name)


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
    """A final snapshot of every writable orders DB instance and Aurora cluster of the
    deployment, whatever its name or role now, and a backup of the table, before anything
    stateful goes. Any failure stops the destroy with no data stack deleted."""
    names = Names(settings)
    stamp = time.strftime("%Y%m%d-%H%M%S", time.gmtime())
    for region in settings.all_regions:
        rds = provider.client("rds", region)
        try:
            for instance in _deployment_instances(rds, settings):
                identifier = instance["DBInstanceIdentifier"]
                if instance.get("DBClusterIdentifier"):
                    continue  # an Aurora member: the cluster's snapshot holds its data
                if replication_source(instance):
                    continue  # RDS takes no snapshot of a read replica; its source's is the copy
                snapshot = f"{identifier}-final-{stamp}"
                rds.create_db_snapshot(
                    DBSnapshotIdentifier=snapshot, DBInstanceIdentifier=identifier
                )
                _wait_snapshot(rds, snapshot)
                result.final_backups.append(f"rds snapshot {snapshot} ({region})")
                say(f"final snapshot {snapshot} in {region}")
            for cluster in _deployment_clusters(rds, settings):
                identifier = cluster["DBClusterIdentifier"]
                if not _writable_cluster(rds, cluster):
                    continue  # an Aurora secondary: the writer cluster's snapshot is the copy
                snapshot = f"{identifier}-final-{stamp}"
                rds.create_db_cluster_snapshot(
                    DBClusterSnapshotIdentifier=snapshot, DBClusterIdentifier=identifier
                )
                _wait_cluster_snapshot(rds, snapshot)
                result.final_backups.append(f"rds cluster snapshot {snapshot} ({region})")
                say(f"final cluster snapshot {snapshot} in {region}")
        except ClientError as exc:
            raise AwsOperationError(
                f"final snapshot in {region} failed ({exc}); no data stack was deleted"
            ) from None
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


def stale(instance: dict[str, Any], settings: Settings, region: str) -> bool:
    """An instance a plan retired: not under its region's stable name, or tagged stale."""
    tags = {t.get("Key"): t.get("Value") for t in instance.get("TagList") or []}
    identifier = instance.get("DBInstanceIdentifier")
    return identifier != Names(settings).db_identifier(region) or STALE_TAG in tags


def _delete_stale(
    settings: Settings,
    provider: ClientProvider,
    result: DestroyResult,
    say: Progress,
    lifted: Lifted,
) -> None:
    """Delete the stale instances (their final snapshots are already taken): no stack owns
    them (a stack's DB resource keeps its stable name), and while they stand their subnets
    keep the data stack's VPC from deleting."""
    for region in settings.all_regions:
        rds = provider.client("rds", region)
        gone: list[str] = []
        # Replicas first: their source is deleted after them.
        instances = sorted(
            _deployment_instances(rds, settings), key=lambda i: replication_source(i) is None
        )
        for instance in instances:
            identifier = instance["DBInstanceIdentifier"]
            if not stale(instance, settings, region) or instance.get("DBClusterIdentifier"):
                continue
            if instance.get("DeletionProtection"):
                rds.modify_db_instance(
                    DBInstanceIdentifier=identifier, DeletionProtection=False, ApplyImmediately=True
                )
                lifted.instances.append((region, identifier))
                say(f"{identifier}: deletion protection off")
            try:
                rds.delete_db_instance(
                    DBInstanceIdentifier=identifier,
                    SkipFinalSnapshot=True,  # taken by _final_backups (none of a replica)
                    DeleteAutomatedBackups=False,
                )
            except ClientError as exc:
                result.failed.append(f"rds instance {identifier} ({region}): {exc}")
                say(f"{identifier}: delete FAILED {exc}")
                raise AwsOperationError(
                    f"could not delete the stale instance {identifier} in {region} ({exc}); "
                    "no data stack was deleted"
                ) from None
            say(f"{identifier}: stale instance deleting (final snapshot taken)")
            gone.append(identifier)
        for identifier in gone:
            _wait_instance_deleted(rds, identifier)
            result.deleted.append(f"rds instance {identifier} ({region})")
            say(f"{identifier}: deleted")


def _wait_instance_deleted(rds: Any, identifier: str) -> None:
    deadline = time.monotonic() + DELETE_TIMEOUT_SECONDS
    while True:
        try:
            found = rds.describe_db_instances(DBInstanceIdentifier=identifier)["DBInstances"]
        except ClientError as exc:
            if exc.response.get("Error", {}).get("Code") == "DBInstanceNotFound":
                return
            raise
        if not found:
            return
        if time.monotonic() > deadline:
            raise AwsOperationError(f"{identifier} still {found[0].get('DBInstanceStatus')}")
        time.sleep(POLL_SECONDS)


def _ours(resource: dict[str, Any], identifier_key: str, settings: Settings) -> bool:
    """Named `<prefix>-orders-...` and, where it carries them, tagged with this deployment's
    Application and Environment (so `app-env-orders` cannot claim `app-env`'s databases)."""
    if not str(resource.get(identifier_key, "")).startswith(f"{settings.prefix}-orders-"):
        return False
    tags = {t.get("Key"): t.get("Value") for t in resource.get("TagList") or []}
    expected = {"Application": settings.application, "Environment": settings.environment}
    return all(tags.get(key, value) == value for key, value in expected.items())


def _deployment_instances(rds: Any, settings: Settings) -> list[dict[str, Any]]:
    """Every DB instance of the deployment in this region, by name prefix and tags."""
    found: list[dict[str, Any]] = []
    for page in rds.get_paginator("describe_db_instances").paginate():
        for instance in page.get("DBInstances", []):
            if _ours(instance, "DBInstanceIdentifier", settings) and instance.get(
                "DBInstanceStatus"
            ) not in ("deleting", "deleted"):
                found.append(instance)
    return found


def _deployment_clusters(rds: Any, settings: Settings) -> list[dict[str, Any]]:
    """Every Aurora cluster of the deployment in this region (none on plain RDS)."""
    if not settings.database.is_aurora_global:
        return []
    found: list[dict[str, Any]] = []
    for page in rds.get_paginator("describe_db_clusters").paginate():
        for cluster in page.get("DBClusters", []):
            if _ours(cluster, "DBClusterIdentifier", settings) and cluster.get("Status") not in (
                "deleting",
                "deleted",
            ):
                found.append(cluster)
    return found


def _writable_cluster(rds: Any, cluster: dict[str, Any]) -> bool:
    """A cluster that takes writes: not replicating from another, and the writer of its
    global cluster when it belongs to one."""
    if cluster.get("ReplicationSourceIdentifier"):
        return False
    global_id = cluster.get("GlobalClusterIdentifier")
    if not global_id:
        return True
    found = rds.describe_global_clusters(GlobalClusterIdentifier=global_id)["GlobalClusters"]
    for member in found[0].get("GlobalClusterMembers", []) if found else []:
        if member.get("DBClusterArn") == cluster.get("DBClusterArn"):
            return bool(member.get("IsWriter"))
    return False


def _wait_cluster_snapshot(rds: Any, snapshot: str) -> None:
    deadline = time.monotonic() + DELETE_TIMEOUT_SECONDS
    while True:
        status = rds.describe_db_cluster_snapshots(DBClusterSnapshotIdentifier=snapshot)[
            "DBClusterSnapshots"
        ][0]["Status"]
        if status == "available":
            return
        if time.monotonic() > deadline:
            raise AwsOperationError(f"snapshot {snapshot} still {status}; nothing was deleted")
        time.sleep(POLL_SECONDS)


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
    lifted: Lifted,
    *,
    emulator: bool,
) -> None:
    """Turn deletion protection off where the data stacks must delete, recording each one
    turned off in `lifted` as it goes (a failure midway still restores the earlier ones)."""
    names = Names(settings)
    for region in settings.all_regions:
        rds = provider.client("rds", region)
        identifier = names.db_identifier(region)
        try:
            found = rds.describe_db_instances(DBInstanceIdentifier=identifier)["DBInstances"]
        except ClientError:
            continue
        if not found or not found[0].get("DeletionProtection"):
            continue
        rds.modify_db_instance(
            DBInstanceIdentifier=identifier, DeletionProtection=False, ApplyImmediately=True
        )
        lifted.instances.append((region, identifier))
        say(f"{identifier}: deletion protection off")
    if emulator:
        return  # moto does not implement termination protection (the deployer sets none)
    for name, region in stateful:
        cf = provider.client("cloudformation", region)
        if _exists(cf, name):
            stack = cf.describe_stacks(StackName=name)["Stacks"][0]
            if not stack.get("EnableTerminationProtection"):
                continue
            cf.update_termination_protection(StackName=name, EnableTerminationProtection=False)
            lifted.stacks.append((region, name))


def _restore_protection(
    provider: ClientProvider, lifted: Lifted, result: DestroyResult, say: Progress
) -> None:
    """Put protection back on everything _lift_protection turned off that still exists.
    Best effort: runs while another failure is on its way out, so it never raises."""
    for region, identifier in lifted.instances:
        try:
            provider.client("rds", region).modify_db_instance(
                DBInstanceIdentifier=identifier, DeletionProtection=True, ApplyImmediately=True
            )
        except (ClientError, BotoCoreError) as exc:
            if "DBInstanceNotFound" not in str(exc):
                result.failed.append(f"{identifier}: deletion protection NOT restored: {exc}")
                say(f"{identifier}: deletion protection NOT restored: {exc}")
            continue
        result.reprotected.append(f"{region} {identifier}")
        say(f"{identifier}: deletion protection restored")
    for region, name in lifted.stacks:
        cf = provider.client("cloudformation", region)
        try:
            if _exists(cf, name):
                cf.update_termination_protection(StackName=name, EnableTerminationProtection=True)
                result.reprotected.append(f"{region} {name}")
                say(f"{name}: termination protection restored")
        except (ClientError, BotoCoreError) as exc:
            result.failed.append(f"{name}: termination protection NOT restored: {exc}")
            say(f"{name}: termination protection NOT restored: {exc}")


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
