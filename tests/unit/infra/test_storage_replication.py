"""Objects bucket and its replication (RTC), the sessions global table, and backups."""

from __future__ import annotations

import json
from typing import Any

import pytest

from tests.conftest import Synthesized
from tradedr.config import Posture

REGIONS = ["us-east-1", "us-west-2"]


def _bucket(synth: Synthesized, region: str) -> dict[str, Any]:
    """The objects bucket (the data stack also holds access-log and trail buckets)."""
    buckets = synth.resources(synth.name("data", region), "AWS::S3::Bucket")
    (res,) = [r for logical, r in buckets.items() if logical.startswith("Objects")]
    return res


@pytest.mark.parametrize("region", REGIONS)
def test_bucket_versioned_encrypted_private_and_retained(
    default_synth: Synthesized, region: str
) -> None:
    res = _bucket(default_synth, region)
    props = res["Properties"]
    assert props["BucketName"] == f"trading-prod-objects-{region}"
    assert props["VersioningConfiguration"]["Status"] == "Enabled"
    (rule,) = props["BucketEncryption"]["ServerSideEncryptionConfiguration"]
    assert rule["ServerSideEncryptionByDefault"]["SSEAlgorithm"] == "aws:kms"
    assert all(
        props["PublicAccessBlockConfiguration"][k] is True
        for k in (
            "BlockPublicAcls",
            "BlockPublicPolicy",
            "IgnorePublicAcls",
            "RestrictPublicBuckets",
        )
    )
    assert res["DeletionPolicy"] == "Retain"
    assert res["UpdateReplacePolicy"] == "Retain"


@pytest.mark.parametrize("region", REGIONS)
def test_bucket_policy_denies_plain_http(default_synth: Synthesized, region: str) -> None:
    stack = default_synth.name("data", region)
    (policy,) = [
        p["Properties"]
        for logical, p in default_synth.resources(stack, "AWS::S3::BucketPolicy").items()
        if logical.startswith("Objects")
    ]
    denies = [s for s in policy["PolicyDocument"]["Statement"] if s["Effect"] == "Deny"]
    assert any(s["Condition"] == {"Bool": {"aws:SecureTransport": "false"}} for s in denies)


def test_primary_replicates_to_the_standby_with_rtc(default_synth: Synthesized) -> None:
    config = _bucket(default_synth, "us-east-1")["Properties"]["ReplicationConfiguration"]
    (rule,) = config["Rules"]
    assert rule["Status"] == "Enabled"
    assert rule["Id"] == "to-us-west-2"
    destination = rule["Destination"]
    assert destination["Bucket"] == {
        "Fn::Sub": "arn:${AWS::Partition}:s3:::trading-prod-objects-us-west-2"
    }
    assert destination["ReplicationTime"] == {"Status": "Enabled", "Time": {"Minutes": 15}}
    assert destination["Metrics"]["Status"] == "Enabled"
    assert "ReplicaKmsKeyID" in destination["EncryptionConfiguration"]
    assert rule["DeleteMarkerReplication"]["Status"] == "Enabled"
    assert rule["SourceSelectionCriteria"]["SseKmsEncryptedObjects"]["Status"] == "Enabled"


def test_replication_role_is_assumed_by_s3(default_synth: Synthesized) -> None:
    config = _bucket(default_synth, "us-east-1")["Properties"]["ReplicationConfiguration"]
    role_id = config["Role"]["Fn::GetAtt"][0]
    role = default_synth.template("trading-prod-data-us-east-1")["Resources"][role_id]
    principal = role["Properties"]["AssumeRolePolicyDocument"]["Statement"][0]["Principal"]
    assert principal == {"Service": "s3.amazonaws.com"}


def test_standby_bucket_does_not_replicate(default_synth: Synthesized) -> None:
    assert "ReplicationConfiguration" not in _bucket(default_synth, "us-west-2")["Properties"]


def test_three_regions_replicate_to_each_standby(three_region_synth: Synthesized) -> None:
    config = _bucket(three_region_synth, "us-east-1")["Properties"]["ReplicationConfiguration"]
    assert {r["Id"] for r in config["Rules"]} == {"to-us-west-2", "to-eu-west-1"}
    assert len({r["Priority"] for r in config["Rules"]}) == 2
    assert all(r["Destination"]["ReplicationTime"]["Status"] == "Enabled" for r in config["Rules"])


def test_backup_restore_does_not_replicate_objects(
    posture_synths: dict[Posture, Synthesized],
) -> None:
    synth = posture_synths[Posture.BACKUP_RESTORE]
    assert "ReplicationConfiguration" not in _bucket(synth, "us-east-1")["Properties"]


def _table(synth: Synthesized) -> dict[str, Any]:
    (res,) = synth.resources(
        synth.name("data", synth.settings.primary_region), "AWS::DynamoDB::GlobalTable"
    ).values()
    return res


def test_sessions_table_has_a_replica_per_region_with_pitr(default_synth: Synthesized) -> None:
    res = _table(default_synth)
    props = res["Properties"]
    assert props["TableName"] == "trading-prod-sessions"
    assert {r["Region"] for r in props["Replicas"]} == set(REGIONS)
    for replica in props["Replicas"]:
        assert replica["PointInTimeRecoverySpecification"]["PointInTimeRecoveryEnabled"] is True
        assert replica["DeletionProtectionEnabled"] is True
        assert "KMSMasterKeyId" in replica["SSESpecification"]
    assert props["SSESpecification"] == {"SSEEnabled": True, "SSEType": "KMS"}
    assert res["DeletionPolicy"] == "Retain"


def test_sessions_table_is_on_demand_by_default(default_synth: Synthesized) -> None:
    assert _table(default_synth)["Properties"]["BillingMode"] == "PAY_PER_REQUEST"


def test_provisioned_sessions_table_uses_configured_capacity(custom_synth: Synthesized) -> None:
    props = _table(custom_synth)["Properties"]
    assert props["BillingMode"] == "PROVISIONED"
    text = json.dumps(props)
    assert '"ReadCapacityUnits": 20' in text
    assert '"MinCapacity": 10' in text


def test_replica_keys_are_named_by_alias_in_each_region(three_region_synth: Synthesized) -> None:
    replicas = {r["Region"]: r for r in _table(three_region_synth)["Properties"]["Replicas"]}
    for region, code in [("us-west-2", "usw2"), ("eu-west-1", "euw1")]:
        key = replicas[region]["SSESpecification"]["KMSMasterKeyId"]
        alias = f"alias/trading-tri-data-{code}"
        assert key == {
            "Fn::Sub": f"arn:${{AWS::Partition}}:kms:{region}:${{AWS::AccountId}}:{alias}"
        }


def test_backup_restore_table_has_only_the_primary_replica(
    posture_synths: dict[Posture, Synthesized],
) -> None:
    props = _table(posture_synths[Posture.BACKUP_RESTORE])["Properties"]
    assert [r["Region"] for r in props["Replicas"]] == ["us-east-1"]


@pytest.mark.parametrize("region", REGIONS)
def test_backup_vault_per_region_encrypted_and_retained(
    default_synth: Synthesized, region: str
) -> None:
    (vault,) = default_synth.resources(
        default_synth.name("data", region), "AWS::Backup::BackupVault"
    ).values()
    assert vault["Properties"]["BackupVaultName"] == f"trading-prod-vault-{region}"
    assert "EncryptionKeyArn" in vault["Properties"]
    assert vault["DeletionPolicy"] == "Retain"


def test_backup_plan_copies_to_every_standby_vault(three_region_synth: Synthesized) -> None:
    plan = three_region_synth.one("trading-tri-data-us-east-1", "AWS::Backup::BackupPlan")
    (rule,) = plan["BackupPlan"]["BackupPlanRule"]
    destinations = [json.dumps(c["DestinationBackupVaultArn"]) for c in rule["CopyActions"]]
    assert len(destinations) == 2
    assert any("trading-tri-vault-us-west-2" in d for d in destinations)
    assert any("trading-tri-vault-eu-west-1" in d for d in destinations)


def test_backup_selection_covers_database_and_table(default_synth: Synthesized) -> None:
    selection = default_synth.one("trading-prod-data-us-east-1", "AWS::Backup::BackupSelection")
    resources = json.dumps(selection["BackupSelection"]["Resources"])
    assert "OrdersInstance" in resources
    assert "SessionsTable" in resources


@pytest.mark.parametrize(
    ("posture", "rule_name"),
    [
        (Posture.BACKUP_RESTORE, "hourly"),
        (Posture.PILOT_LIGHT, "daily"),
        (Posture.WARM_STANDBY, "daily"),
    ],
)
def test_backup_schedule_follows_posture(
    posture_synths: dict[Posture, Synthesized], posture: Posture, rule_name: str
) -> None:
    synth = posture_synths[posture]
    plan = synth.one(synth.name("data", "us-east-1"), "AWS::Backup::BackupPlan")
    (rule,) = plan["BackupPlan"]["BackupPlanRule"]
    assert rule["RuleName"] == rule_name
    assert rule["Lifecycle"]["DeleteAfterDays"] >= 7
