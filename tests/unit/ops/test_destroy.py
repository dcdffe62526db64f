"""destroy's final backups and protection handling against the real RDS model (botocore
Stubber), for what the emulator cannot show: tags telling deployments apart, stopped and
renamed writers, Aurora writer and secondary clusters, and a failure while lifting."""

from __future__ import annotations

import tomllib
from pathlib import Path
from typing import Any

import pytest
from botocore.exceptions import ClientError
from botocore.stub import ANY
from tests.stubbed import StubbedProvider

from tradedr.config import Settings, load_settings
from tradedr.errors import AwsOperationError
from tradedr.ops import destroy
from tradedr.ops.destroy import DestroyResult, Lifted

pytestmark = pytest.mark.stubbed

PRIMARY, STANDBY = "us-east-1", "us-west-2"
FAST = Path(__file__).resolve().parents[3] / "examples" / "hot-standby-fast.toml"


@pytest.fixture(autouse=True)
def _fixed_stamp(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(destroy.time, "strftime", lambda *_a: "20260101-000000")


def instance(identifier: str, *, tags: dict[str, str] | None = None, **extra: Any) -> Any:
    return {
        "DBInstanceIdentifier": identifier,
        "DBInstanceStatus": "available",
        "TagList": [{"Key": k, "Value": v} for k, v in (tags or {}).items()],
        **extra,
    }


OURS = {"Application": "trading", "Environment": "prod"}


def expect_snapshot(provider: StubbedProvider, region: str, identifier: str) -> None:
    snapshot = f"{identifier}-final-20260101-000000"
    rds = provider.stub("rds", region)
    rds.add_response(
        "create_db_snapshot",
        {"DBSnapshot": {"DBSnapshotIdentifier": snapshot}},
        {"DBSnapshotIdentifier": snapshot, "DBInstanceIdentifier": identifier},
    )
    rds.add_response(
        "describe_db_snapshots",
        {"DBSnapshots": [{"DBSnapshotIdentifier": snapshot, "Status": "available"}]},
        {"DBSnapshotIdentifier": snapshot},
    )


def expect_table_backup(provider: StubbedProvider, settings: Settings) -> None:
    table = f"{settings.prefix}-sessions"
    provider.stub("dynamodb", PRIMARY).add_response(
        "create_backup",
        {
            "BackupDetails": {
                "BackupArn": "arn:aws:dynamodb:us-east-1:123456789012:table/t/backup/b",
                "BackupName": f"{table}-final-20260101-000000",
                "BackupStatus": "CREATING",
                "BackupType": "USER",
                "BackupCreationDateTime": "2026-01-01T00:00:00Z",
            }
        },
        {"TableName": table, "BackupName": f"{table}-final-20260101-000000"},
    )


def test_every_writer_of_this_deployment_whatever_its_name_and_nothing_else() -> None:
    settings = load_settings({})
    provider = StubbedProvider()
    stale = "trading-prod-orders-primary-use1-stale-20251231-120000"
    provider.stub("rds", PRIMARY).add_response(
        "describe_db_instances",
        {
            "DBInstances": [
                instance(stale, tags=OURS, DBInstanceStatus="stopped"),
                # Another deployment whose prefix extends ours: told apart by its tags.
                instance(
                    "trading-prod-orders-orders-primary-use1",
                    tags={"Application": "trading", "Environment": "prod-orders"},
                ),
                instance("someone-elses-db"),
            ]
        },
        {},
    )
    expect_snapshot(provider, PRIMARY, stale)
    promoted = "trading-prod-orders-replica-usw2"
    provider.stub("rds", STANDBY).add_response(
        "describe_db_instances",
        {
            "DBInstances": [
                instance(promoted, tags=OURS),
                instance(
                    "trading-prod-orders-replica-usw2-2",
                    tags=OURS,
                    ReadReplicaSourceDBInstanceIdentifier=promoted,
                ),
            ]
        },
        {},
    )
    expect_snapshot(provider, STANDBY, promoted)
    expect_table_backup(provider, settings)
    result = DestroyResult(target="aws")

    destroy._final_backups(settings, provider, result, lambda _m: None)

    provider.assert_done()
    assert result.final_backups[:2] == [
        f"rds snapshot {stale}-final-20260101-000000 ({PRIMARY})",
        f"rds snapshot {promoted}-final-20260101-000000 ({STANDBY})",
    ]
    assert result.retained == []  # the stale writer is deleted after its snapshot


def test_stale_instances_are_found_by_name_or_tag_and_deleted_unprotected_first() -> None:
    """After a failover and failback: the renamed stale writer and the detached standby
    replica (tagged tradedr:stale) go, each with protection lifted; the stable ones stay for
    their stacks."""
    settings = load_settings({})
    provider = StubbedProvider()
    renamed = "trading-prod-orders-primary-use1-stale-202601010000"
    rds = provider.stub("rds", PRIMARY)
    listing = {
        "DBInstances": [
            instance(renamed, tags=OURS, DBInstanceStatus="stopped", DeletionProtection=True),
            instance("trading-prod-orders-primary-use1", tags=OURS, DeletionProtection=True),
        ]
    }
    rds.add_response("describe_db_instances", listing, {})
    rds.add_response(
        "modify_db_instance",
        {},
        {"DBInstanceIdentifier": renamed, "DeletionProtection": False, "ApplyImmediately": True},
    )
    rds.add_response(
        "delete_db_instance",
        {},
        {
            "DBInstanceIdentifier": renamed,
            "SkipFinalSnapshot": True,
            "DeleteAutomatedBackups": False,
        },
    )
    rds.add_client_error(
        "describe_db_instances",
        service_error_code="DBInstanceNotFound",
        http_status_code=404,
        expected_params={"DBInstanceIdentifier": renamed},
    )
    tagged = "trading-prod-orders-replica-usw2"  # stable name, but tagged stale
    standby = provider.stub("rds", STANDBY)
    standby.add_response(
        "describe_db_instances",
        {"DBInstances": [instance(tagged, tags={**OURS, "tradedr:stale": "x"})]},
        {},
    )
    standby.add_response(
        "delete_db_instance",
        {},
        {
            "DBInstanceIdentifier": tagged,
            "SkipFinalSnapshot": True,
            "DeleteAutomatedBackups": False,
        },
    )
    standby.add_response(
        "describe_db_instances", {"DBInstances": []}, {"DBInstanceIdentifier": tagged}
    )
    result, lifted = DestroyResult(target="aws"), Lifted()

    destroy._delete_stale(settings, provider, result, lambda _m: None, lifted)

    provider.assert_done()
    assert result.deleted == [
        f"rds instance {renamed} ({PRIMARY})",
        f"rds instance {tagged} ({STANDBY})",
    ]
    assert lifted.instances == [(PRIMARY, renamed)]


def test_a_stale_delete_that_fails_stops_before_any_data_stack() -> None:
    settings = load_settings({})
    provider = StubbedProvider()
    renamed = "trading-prod-orders-primary-use1-stale-202601010000"
    rds = provider.stub("rds", PRIMARY)
    rds.add_response("describe_db_instances", {"DBInstances": [instance(renamed, tags=OURS)]}, {})
    rds.add_client_error("delete_db_instance", service_error_code="InvalidDBInstanceState")
    result = DestroyResult(target="aws")
    with pytest.raises(AwsOperationError, match="no data stack was deleted"):
        destroy._delete_stale(settings, provider, result, lambda _m: None, Lifted())
    assert len(result.failed) == 1
    assert renamed in result.failed[0]


def test_aurora_snapshots_the_writer_cluster_only() -> None:
    settings = load_settings(tomllib.loads(FAST.read_text(encoding="utf-8")))
    provider = StubbedProvider()
    global_id = "trading-fast-orders-global"
    arn = {
        r: f"arn:aws:rds:{r}:123456789012:cluster:trading-fast-orders-{c}"
        for r, c in (
            (PRIMARY, "use1"),
            (STANDBY, "usw2"),
        )
    }
    members = {
        "GlobalClusters": [
            {
                "GlobalClusterIdentifier": global_id,
                "GlobalClusterMembers": [
                    {"DBClusterArn": arn[STANDBY], "IsWriter": True},
                    {"DBClusterArn": arn[PRIMARY], "IsWriter": False},
                ],
            }
        ]
    }
    for region, code in ((PRIMARY, "use1"), (STANDBY, "usw2")):
        rds = provider.stub("rds", region)
        rds.add_response(
            "describe_db_instances",
            {
                "DBInstances": [
                    instance(
                        f"trading-fast-orders-{code}-1",
                        DBClusterIdentifier=f"trading-fast-orders-{code}",
                    )
                ]
            },
            {},
        )
        cluster = f"trading-fast-orders-{code}"
        rds.add_response(
            "describe_db_clusters",
            {
                "DBClusters": [
                    {
                        "DBClusterIdentifier": cluster,
                        "DBClusterArn": arn[region],
                        "Status": "available",
                        "GlobalClusterIdentifier": global_id,
                    }
                ]
            },
            {},
        )
        rds.add_response(
            "describe_global_clusters", members, {"GlobalClusterIdentifier": global_id}
        )
    # After a failover the standby's cluster writes: only its snapshot is the final copy.
    writer = "trading-fast-orders-usw2"
    snapshot = f"{writer}-final-20260101-000000"
    rds = provider.stub("rds", STANDBY)
    rds.add_response(
        "create_db_cluster_snapshot",
        {"DBClusterSnapshot": {"DBClusterSnapshotIdentifier": snapshot}},
        {"DBClusterSnapshotIdentifier": snapshot, "DBClusterIdentifier": writer},
    )
    rds.add_response(
        "describe_db_cluster_snapshots",
        {"DBClusterSnapshots": [{"DBClusterSnapshotIdentifier": snapshot, "Status": "available"}]},
        {"DBClusterSnapshotIdentifier": snapshot},
    )
    expect_table_backup(provider, settings)
    result = DestroyResult(target="aws")

    destroy._final_backups(settings, provider, result, lambda _m: None)

    provider.assert_done()
    assert result.final_backups[0] == f"rds cluster snapshot {snapshot} ({STANDBY})"


def test_a_snapshot_that_fails_stops_the_destroy_before_any_data_goes() -> None:
    settings = load_settings({})
    provider = StubbedProvider()
    rds = provider.stub("rds", PRIMARY)
    rds.add_response(
        "describe_db_instances",
        {"DBInstances": [instance("trading-prod-orders-primary-use1", tags=OURS)]},
        {},
    )
    rds.add_client_error("create_db_snapshot", "InvalidDBInstanceState", "not available")

    with pytest.raises(AwsOperationError, match="no data stack was deleted"):
        destroy._final_backups(settings, provider, DestroyResult(target="aws"), print)


def test_a_failure_while_lifting_restores_what_was_already_lifted() -> None:
    settings = load_settings({})
    provider = StubbedProvider()
    primary, replica = "trading-prod-orders-primary-use1", "trading-prod-orders-replica-usw2"
    east = provider.stub("rds", PRIMARY)
    east.add_response(
        "describe_db_instances",
        {"DBInstances": [instance(primary, DeletionProtection=True)]},
        {"DBInstanceIdentifier": primary},
    )
    east.add_response(
        "modify_db_instance",
        {"DBInstance": instance(primary)},
        {"DBInstanceIdentifier": primary, "DeletionProtection": False, "ApplyImmediately": True},
    )
    west = provider.stub("rds", STANDBY)
    west.add_response(
        "describe_db_instances",
        {"DBInstances": [instance(replica, DeletionProtection=True)]},
        {"DBInstanceIdentifier": replica},
    )
    west.add_client_error("modify_db_instance", "AccessDenied", "not allowed", 403)
    east.add_response(
        "modify_db_instance",
        {"DBInstance": instance(primary)},
        {"DBInstanceIdentifier": primary, "DeletionProtection": True, "ApplyImmediately": ANY},
    )
    lifted = Lifted()
    result = DestroyResult(target="aws")

    with pytest.raises(ClientError, match="AccessDenied"):
        destroy._lift_protection(settings, provider, [], print, lifted, emulator=True)
    # What destroy_all's `finally` does with what was lifted before the failure.
    destroy._restore_protection(provider, lifted, result, print)

    provider.assert_done()
    assert lifted.instances == [(PRIMARY, primary)]
    assert result.reprotected == [f"{PRIMARY} {primary}"]
