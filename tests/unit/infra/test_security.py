"""Security basics: encryption at rest everywhere, key rotation, TLS, nothing public, stateful
resources survive a stack deletion."""

from __future__ import annotations

import json

import pytest

from tests.conftest import Synthesized

# (type, property proving customer-managed encryption)
ENCRYPTED = [
    ("AWS::RDS::DBInstance", "KmsKeyId"),
    ("AWS::SecretsManager::Secret", "KmsKeyId"),
    ("AWS::Logs::LogGroup", "KmsKeyId"),
    ("AWS::SNS::Topic", "KmsMasterKeyId"),
    ("AWS::Backup::BackupVault", "EncryptionKeyArn"),
    ("AWS::S3::Bucket", "BucketEncryption"),
    ("AWS::DynamoDB::GlobalTable", "SSESpecification"),
]

STATEFUL = [
    ("AWS::RDS::DBInstance", {"Snapshot"}),
    ("AWS::DynamoDB::GlobalTable", {"Retain"}),
    ("AWS::S3::Bucket", {"Retain"}),
    ("AWS::KMS::Key", {"Retain"}),
    ("AWS::Backup::BackupVault", {"Retain"}),
    ("AWS::Logs::LogGroup", {"Retain"}),
    ("AWS::SecretsManager::Secret", {"Retain"}),
]


@pytest.mark.parametrize(("type_", "prop"), ENCRYPTED)
def test_data_at_rest_is_encrypted_with_a_customer_key(
    default_synth: Synthesized, type_: str, prop: str
) -> None:
    found = default_synth.all_resources(type_)
    assert found
    for stack, logical, res in found:
        assert prop in res["Properties"], f"{stack}/{logical}"


@pytest.mark.parametrize(("type_", "policies"), STATEFUL)
def test_stateful_resources_survive_stack_deletion(
    default_synth: Synthesized, type_: str, policies: set[str]
) -> None:
    for stack, logical, res in default_synth.all_resources(type_):
        assert res.get("DeletionPolicy") in policies, f"{stack}/{logical}"
        assert res.get("UpdateReplacePolicy") in policies, f"{stack}/{logical}"


def test_kms_keys_rotate(default_synth: Synthesized) -> None:
    keys = default_synth.all_resources("AWS::KMS::Key")
    assert len(keys) == 2
    for _, _, res in keys:
        assert res["Properties"]["EnableKeyRotation"] is True
        assert res["Properties"]["PendingWindowInDays"] >= 7


def test_every_data_stack_has_its_own_key_with_a_stable_alias(default_synth: Synthesized) -> None:
    aliases = [
        res["Properties"]["AliasName"]
        for _, _, res in default_synth.all_resources("AWS::KMS::Alias")
    ]
    assert sorted(aliases) == ["alias/trading-prod-data-use1", "alias/trading-prod-data-usw2"]


def test_no_database_is_public(default_synth: Synthesized) -> None:
    for _, _, res in default_synth.all_resources("AWS::RDS::DBInstance"):
        assert res["Properties"]["PubliclyAccessible"] is False


def test_iam_database_authentication_enabled(default_synth: Synthesized) -> None:
    for _, _, res in default_synth.all_resources("AWS::RDS::DBInstance"):
        assert res["Properties"]["EnableIAMDatabaseAuthentication"] is True


def test_sns_topics_require_tls(default_synth: Synthesized) -> None:
    for stack, _, res in default_synth.all_resources("AWS::SNS::TopicPolicy"):
        text = json.dumps(res["Properties"]["PolicyDocument"])
        assert '"aws:SecureTransport": "false"' in text, stack


def test_buckets_block_public_access_and_enforce_owner(default_synth: Synthesized) -> None:
    for _, _, res in default_synth.all_resources("AWS::S3::Bucket"):
        props = res["Properties"]
        assert all(props["PublicAccessBlockConfiguration"].values())
        assert props["OwnershipControls"]["Rules"][0]["ObjectOwnership"] == "BucketOwnerEnforced"


def test_no_plaintext_secrets_in_templates(default_synth: Synthesized) -> None:
    for stack, template in default_synth.templates.items():
        text = json.dumps(template).lower()
        for needle in ("aws_secret_access_key", "begin rsa private key", "password123"):
            assert needle not in text, stack


def test_instances_have_no_public_ip(default_synth: Synthesized) -> None:
    for _, _, res in default_synth.all_resources("AWS::EC2::LaunchTemplate"):
        for interface in res["Properties"]["LaunchTemplateData"].get("NetworkInterfaces", []):
            assert not interface.get("AssociatePublicIpAddress")


def test_dynamodb_tables_have_deletion_protection(default_synth: Synthesized) -> None:
    for _, _, res in default_synth.all_resources("AWS::DynamoDB::GlobalTable"):
        assert all(r["DeletionProtectionEnabled"] for r in res["Properties"]["Replicas"])
