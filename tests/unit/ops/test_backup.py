"""Real-AWS-only paths of backup, checked with botocore's Stubber: the AWS Backup job the
emulator cannot run, with every request validated against the real service model."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from tests.stubbed import StubbedProvider

from tradedr.config import Settings
from tradedr.names import Names
from tradedr.ops.backup import BackupResult, _backup_job

pytestmark = pytest.mark.stubbed

SETTINGS = Settings()
NAMES = Names(SETTINGS)


@pytest.fixture
def provider() -> Iterator[StubbedProvider]:
    stubbed = StubbedProvider()
    yield stubbed
    stubbed.assert_done()


def test_backup_job_on_aws_uses_the_plan_selection_role(provider: StubbedProvider) -> None:
    primary = SETTINGS.primary_region
    db_arn = f"arn:aws:rds:{primary}:1:db:{NAMES.db_identifier(primary)}"
    provider.stub("rds", primary).add_response(
        "describe_db_instances",
        {"DBInstances": [{"DBInstanceArn": db_arn}]},
        {"DBInstanceIdentifier": NAMES.db_identifier(primary)},
    )
    backup = provider.stub("backup", primary)
    backup.add_response(
        "list_backup_plans",
        {
            "BackupPlansList": [
                {"BackupPlanName": "other", "BackupPlanId": "p0"},
                {"BackupPlanName": f"{SETTINGS.prefix}-plan", "BackupPlanId": "p1"},
            ]
        },
        {},
    )
    backup.add_response(
        "list_backup_selections",
        {"BackupSelectionsList": [{"IamRoleArn": "arn:aws:iam::1:role/backup"}]},
        {"BackupPlanId": "p1"},
    )
    backup.add_response(
        "start_backup_job",
        {"BackupJobId": "job-1"},
        {
            "BackupVaultName": NAMES.backup_vault(primary),
            "ResourceArn": db_arn,
            "IamRoleArn": "arn:aws:iam::1:role/backup",
        },
    )
    result = BackupResult(target="aws")
    _backup_job(SETTINGS, provider, result, "aws", lambda _m: None)
    (item,) = result.items
    assert (item.kind, item.status, item.detail) == ("backup-job", "made", "job job-1 started")


def test_backup_job_failure_is_recorded_not_raised(provider: StubbedProvider) -> None:
    provider.stub("backup", SETTINGS.primary_region).add_client_error(
        "list_backup_plans", service_error_code="AccessDeniedException", service_message="denied"
    )
    result = BackupResult(target="aws")
    _backup_job(SETTINGS, provider, result, "aws", lambda _m: None)
    (item,) = result.items
    assert item.status == "failed"
    assert "AccessDeniedException" in item.detail
    assert not result.ok


def test_backup_job_is_not_emulated_locally(provider: StubbedProvider) -> None:
    result = BackupResult(target="local")
    _backup_job(SETTINGS, provider, result, "local", lambda _m: None)
    (item,) = result.items
    assert item.status == "not-emulated"
    assert item.detail == "not emulated: moto has no AWS Backup jobs"
    assert provider.asked == []
    assert result.ok
