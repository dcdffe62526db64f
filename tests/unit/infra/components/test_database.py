"""Orders database: Multi-AZ, encrypted, generated secret, deletion protection, snapshot policies,
and a cross-region read replica per standby found by name."""

from __future__ import annotations

import json
from typing import Any

import pytest

from tests.conftest import Synthesized
from tradedr.config import Posture

PRIMARY = "trading-prod-data-us-east-1"
REPLICA = "trading-prod-replica-us-west-2"


def _db(synth: Synthesized, stack: str) -> dict[str, Any]:
    (res,) = synth.resources(stack, "AWS::RDS::DBInstance").values()
    return res


def test_primary_is_multi_az_mysql_from_config(default_synth: Synthesized) -> None:
    props = _db(default_synth, PRIMARY)["Properties"]
    assert props["MultiAZ"] is True
    assert props["Engine"] == "mysql"
    assert props["EngineVersion"] == "8.4.7"
    assert props["DBInstanceClass"] == "db.r6g.large"
    assert int(props["AllocatedStorage"]) == 100
    assert props["BackupRetentionPeriod"] == 7


def test_custom_database_settings_reach_the_template(custom_synth: Synthesized) -> None:
    props = _db(custom_synth, custom_synth.name("data", "eu-west-1"))["Properties"]
    assert props["EngineVersion"] == "8.4.6"
    assert props["DBInstanceClass"] == "db.r6g.xlarge"
    assert int(props["AllocatedStorage"]) == 250
    assert props["BackupRetentionPeriod"] == 14
    replica = _db(custom_synth, custom_synth.name("replica", "eu-central-1"))["Properties"]
    assert replica["DBInstanceClass"] == "db.r6g.xlarge"


@pytest.mark.parametrize("stack", [PRIMARY, REPLICA])
def test_storage_encrypted_with_the_regional_key(default_synth: Synthesized, stack: str) -> None:
    props = _db(default_synth, stack)["Properties"]
    # A replica inherits encryption (CloudFormation rejects StorageEncrypted on it) and
    # names this region's key.
    assert props.get("StorageEncrypted", "SourceDBInstanceIdentifier" in props) is True
    assert "KmsKeyId" in props


@pytest.mark.parametrize("stack", [PRIMARY, REPLICA])
def test_deletion_protection_and_snapshot_policies(default_synth: Synthesized, stack: str) -> None:
    res = _db(default_synth, stack)
    assert res["Properties"]["DeletionProtection"] is True
    assert res["DeletionPolicy"] == "Snapshot"
    assert res["UpdateReplacePolicy"] == "Snapshot"


@pytest.mark.parametrize("stack", [PRIMARY, REPLICA])
def test_not_publicly_accessible(default_synth: Synthesized, stack: str) -> None:
    assert _db(default_synth, stack)["Properties"]["PubliclyAccessible"] is False


def test_credentials_are_generated_not_typed(default_synth: Synthesized) -> None:
    props = _db(default_synth, PRIMARY)["Properties"]
    password = json.dumps(props["MasterUserPassword"])
    assert "{{resolve:secretsmanager:" in password
    secret = default_synth.one(PRIMARY, "AWS::SecretsManager::Secret")
    assert "GenerateSecretString" in secret
    assert "SecretString" not in secret
    assert secret["Name"] == "trading-prod/orders-db/us-east-1"
    assert "KmsKeyId" in secret


def test_no_static_password_anywhere(default_synth: Synthesized) -> None:
    for stack, template in default_synth.templates.items():
        for logical, res in template["Resources"].items():
            props = res.get("Properties", {})
            for key in ("MasterUserPassword", "Password", "SecretString"):
                if key in props:
                    assert "resolve:secretsmanager" in json.dumps(props[key]), f"{stack}/{logical}"


def test_primary_lives_in_isolated_subnets(default_synth: Synthesized) -> None:
    group = default_synth.one(PRIMARY, "AWS::RDS::DBSubnetGroup")
    assert all("isolatedSubnet" in json.dumps(s) for s in group["SubnetIds"])
    assert len(group["SubnetIds"]) >= 2


def test_replica_names_its_source_by_arn_not_by_reference(default_synth: Synthesized) -> None:
    props = _db(default_synth, REPLICA)["Properties"]
    source = props["SourceDBInstanceIdentifier"]
    assert source == {
        "Fn::Sub": "arn:${AWS::Partition}:rds:us-east-1:${AWS::AccountId}:db:"
        "trading-prod-orders-primary-use1"
    }
    assert props["DBInstanceIdentifier"] == "trading-prod-orders-replica-usw2"
    assert "MasterUserPassword" not in props


def test_replica_uses_its_own_region_key_and_subnets(default_synth: Synthesized) -> None:
    props = _db(default_synth, REPLICA)["Properties"]
    assert "trading-prod-data-us-west-2:" in json.dumps(props["KmsKeyId"])
    group = default_synth.one(REPLICA, "AWS::RDS::DBSubnetGroup")
    assert all("isolatedSubnet" in json.dumps(s) for s in group["SubnetIds"])


@pytest.mark.parametrize(
    ("posture", "multi_az"),
    [
        (Posture.PILOT_LIGHT, False),
        (Posture.WARM_STANDBY, False),
        (Posture.HOT_STANDBY, True),
        (Posture.ACTIVE_ACTIVE, True),
    ],
)
def test_replica_multi_az_only_at_full_capacity(
    posture_synths: dict[Posture, Synthesized], posture: Posture, multi_az: bool
) -> None:
    synth = posture_synths[posture]
    assert _db(synth, synth.name("replica", "us-west-2"))["Properties"]["MultiAZ"] is multi_az


def test_standby_data_stack_holds_no_database(default_synth: Synthesized) -> None:
    """The replica lives in its own stack so promoting it never updates the data stack."""
    assert not default_synth.resources("trading-prod-data-us-west-2", "AWS::RDS::DBInstance")


def test_database_logs_exported(default_synth: Synthesized) -> None:
    for stack in (PRIMARY, REPLICA):
        assert {"error", "slowquery"} <= set(
            _db(default_synth, stack)["Properties"]["EnableCloudwatchLogsExports"]
        )
