"""`backup restore-test` cleans up whatever happens, checked with botocore's Stubber
against the RDS and DynamoDB models: every scratch resource is deleted in `finally` or
reported left behind (exit 3), deletion protection is lifted only on the scratch instance
the run created, and a failed DB restore never skips the table restore."""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

import pytest
from tests.stubbed import StubbedProvider
from typer.testing import CliRunner

from tradedr.config import Settings
from tradedr.names import Names
from tradedr.ops import backup
from tradedr.ops.backup import LEFT, restore_test

pytestmark = pytest.mark.stubbed

SETTINGS = Settings()
NAMES = Names(SETTINGS)
STANDBY, PRIMARY = "us-west-2", "us-east-1"
STAMP = "20260101-000000"
SCRATCH_DB = f"{SETTINGS.prefix}-restore-test-{STAMP}"
SCRATCH_TABLE = f"{NAMES.sessions_table}-restore-test-{STAMP}"
SNAPSHOT = f"{NAMES.db_identifier(PRIMARY)}-{STAMP}"
BACKUP_ARN = f"arn:aws:dynamodb:{PRIMARY}:111122223333:table/t/backup/01"


@pytest.fixture(autouse=True)
def _fixed(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(backup, "_stamp", lambda: STAMP)
    monkeypatch.setattr(backup, "POLL_SECONDS", 0)


def db(status: str = "available", **extra: Any) -> dict[str, Any]:
    return {
        "DBInstances": [
            {
                "DBInstanceIdentifier": SCRATCH_DB,
                "DBInstanceStatus": status,
                "Endpoint": {"Address": f"{SCRATCH_DB}.x.rds.amazonaws.com"},
                "TagList": [{"Key": "tradedr:scratch", "Value": "restore-test"}],
                **extra,
            }
        ]
    }


def queue_db_restore(provider: StubbedProvider, *, restore_status: str = "available") -> Any:
    rds = provider.stub("rds", STANDBY)
    rds.add_response(
        "describe_db_snapshots",
        {
            "DBSnapshots": [
                {
                    "DBSnapshotIdentifier": SNAPSHOT,
                    "Status": "available",
                    "SnapshotCreateTime": dt.datetime(2026, 1, 1, tzinfo=dt.UTC),
                }
            ]
        },
        {"SnapshotType": "manual"},
    )
    rds.add_response("describe_db_subnet_groups", {"DBSubnetGroups": []}, {})
    rds.add_response("restore_db_instance_from_db_snapshot", {}, None)
    rds.add_response(
        "describe_db_instances", db(restore_status), {"DBInstanceIdentifier": SCRATCH_DB}
    )
    if restore_status == "available":
        rds.add_response("describe_db_instances", db(), {"DBInstanceIdentifier": SCRATCH_DB})
    return rds


def queue_db_cleanup(rds: Any, *, protected: bool, delete_fails: bool) -> None:
    rds.add_response(
        "describe_db_instances",
        db(DeletionProtection=protected),
        {"DBInstanceIdentifier": SCRATCH_DB},
    )
    if protected:
        rds.add_response(
            "modify_db_instance",
            {},
            {
                "DBInstanceIdentifier": SCRATCH_DB,
                "DeletionProtection": False,
                "ApplyImmediately": True,
            },
        )
    expected = {
        "DBInstanceIdentifier": SCRATCH_DB,
        "SkipFinalSnapshot": True,
        "DeleteAutomatedBackups": True,
    }
    if delete_fails:
        rds.add_client_error(
            "delete_db_instance",
            service_error_code="InvalidDBInstanceState",
            service_message="injected: the instance is being modified",
            expected_params=expected,
        )
    else:
        rds.add_response("delete_db_instance", {}, expected)


def queue_table(provider: StubbedProvider) -> None:
    ddb = provider.stub("dynamodb", PRIMARY)
    ddb.add_response(
        "list_backups",
        {
            "BackupSummaries": [
                {
                    "BackupArn": BACKUP_ARN,
                    "BackupName": "backup-1",
                    "BackupStatus": "AVAILABLE",
                    "BackupCreationDateTime": dt.datetime(2026, 1, 1, tzinfo=dt.UTC),
                }
            ]
        },
        {"TableName": NAMES.sessions_table},
    )
    ddb.add_response(
        "restore_table_from_backup",
        {},
        {"TargetTableName": SCRATCH_TABLE, "BackupArn": BACKUP_ARN},
    )
    active = {"Table": {"TableName": SCRATCH_TABLE, "TableStatus": "ACTIVE"}}
    ddb.add_response("describe_table", active, {"TableName": SCRATCH_TABLE})
    ddb.add_response(
        "scan", {"Count": 3}, {"TableName": SCRATCH_TABLE, "Limit": 25, "Select": "COUNT"}
    )
    ddb.add_response("describe_table", active, {"TableName": SCRATCH_TABLE})
    ddb.add_response("delete_table", {}, {"TableName": SCRATCH_TABLE})


def test_an_injected_delete_failure_is_reported_exactly_and_the_table_still_runs() -> None:
    provider = StubbedProvider()
    rds = queue_db_restore(provider)
    queue_db_cleanup(rds, protected=True, delete_fails=True)
    queue_table(provider)

    result = restore_test(SETTINGS, provider, target="aws")

    provider.assert_done()
    assert result.left_behind == [f"db instance {SCRATCH_DB} ({STANDBY})"]
    assert not result.ok
    kinds = [(i.kind, i.status) for i in result.items]
    assert kinds == [
        ("rds-restore", "ok"),
        ("rds-cleanup", LEFT),
        ("dynamodb-restore", "ok"),
        ("dynamodb-cleanup", "deleted"),
    ]
    assert "injected: the instance is being modified" in result.items[1].detail


def test_a_failed_restore_is_still_cleaned_up_and_never_skips_the_table() -> None:
    """The restore ends `failed` (an AwsOperationError, not a ClientError): the instance it
    started is deleted in `finally`, and the DynamoDB restore runs anyway."""
    provider = StubbedProvider()
    rds = queue_db_restore(provider, restore_status="failed")
    queue_db_cleanup(rds, protected=False, delete_fails=False)
    queue_table(provider)

    result = restore_test(SETTINGS, provider, target="aws")

    provider.assert_done()
    assert result.left_behind == []
    assert [(i.kind, i.status) for i in result.items] == [
        ("rds-restore", "failed"),
        ("rds-cleanup", "deleted"),
        ("dynamodb-restore", "ok"),
        ("dynamodb-cleanup", "deleted"),
    ]


def test_protection_is_never_lifted_on_an_instance_without_the_scratch_tag() -> None:
    provider = StubbedProvider()
    rds = queue_db_restore(provider)
    foreign = db(DeletionProtection=True)
    foreign["DBInstances"][0]["TagList"] = []
    rds.add_response("describe_db_instances", foreign, {"DBInstanceIdentifier": SCRATCH_DB})
    queue_table(provider)

    result = restore_test(SETTINGS, provider, target="aws")

    provider.assert_done()  # no ModifyDBInstance was queued, so none was made
    assert result.left_behind == [f"db instance {SCRATCH_DB} ({STANDBY})"]
    assert "not ours to unprotect" in result.items[1].detail


def test_the_cli_exits_3_and_names_what_it_left(monkeypatch: pytest.MonkeyPatch) -> None:
    from tradedr.cli import app
    from tradedr.ops import service

    def fake(settings: Settings, **_kwargs: Any) -> backup.BackupResult:
        provider = StubbedProvider()
        rds = queue_db_restore(provider)
        queue_db_cleanup(rds, protected=False, delete_fails=True)
        queue_table(provider)
        return restore_test(settings, provider, target="aws")

    monkeypatch.setattr(service, "restore_test", fake)
    result = CliRunner().invoke(app, ["backup", "restore-test", "--json"])
    assert result.exit_code == 3, result.output
    data = json.loads(result.stdout)
    assert data["left_behind"] == [f"db instance {SCRATCH_DB} ({STANDBY})"]
