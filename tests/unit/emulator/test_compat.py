"""Emulator template transforms: each one fixes a named moto limitation, by type/property."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from tradedr.emulator import compat
from tradedr.emulator.compat import PreparedStack, prepare_for_emulator
from tradedr.infra.synth import StackTemplate


def _stack(
    tmp_path: Path, name: str, region: str, kind: str, template: dict[str, Any]
) -> StackTemplate:
    path = tmp_path / f"{name}.template.json"
    path.write_text(json.dumps(template), encoding="utf-8")
    return StackTemplate(name, region, kind, path, len(template.get("Resources", {})), 0)


def _prepare(
    tmp_path: Path, resources: dict[str, Any], outputs: dict[str, Any] | None = None
) -> PreparedStack:
    template = {"Resources": resources, "Outputs": outputs or {}}
    stack = _stack(tmp_path, "s-data-us-east-1", "us-east-1", "data", template)
    return prepare_for_emulator([stack])["s-data-us-east-1"]


@pytest.mark.parametrize(
    ("resource_type", "emulated"),
    [
        ("AWS::EC2::VPC", True),
        ("AWS::RDS::DBInstance", True),
        ("AWS::DynamoDB::Table", True),
        ("Custom::Anything", True),
        ("AWS::CloudWatch::Alarm", False),
        ("AWS::Backup::BackupVault", False),
        ("AWS::SecretsManager::Secret", False),
        ("AWS::WAFv2::WebACL", False),
        ("AWS::CloudTrail::Trail", False),
    ],
)
def test_emulated_types_come_from_moto_registry(resource_type: str, emulated: bool) -> None:
    assert compat.is_emulated(resource_type) is emulated


def test_kms_key_tags_dropped_and_policy_passed_as_json(tmp_path: Path) -> None:
    policy = {"Statement": [{"Effect": "Allow", "Action": "kms:*", "Resource": "*"}]}
    prepared = _prepare(
        tmp_path,
        {
            "Key": {
                "Type": "AWS::KMS::Key",
                "Properties": {"KeyPolicy": policy, "Tags": [{"Key": "a", "Value": "b"}]},
            }
        },
    )
    props = prepared.template["Resources"]["Key"]["Properties"]
    assert "Tags" not in props
    assert props["KeyPolicy"] == {"Fn::ToJsonString": policy}


@pytest.mark.parametrize(
    ("resource_type", "attribute", "expected"),
    [
        ("AWS::Route53::HealthCheck", "HealthCheckId", {"Ref": "R"}),
        (
            "AWS::ElasticLoadBalancingV2::TargetGroup",
            "TargetGroupFullName",
            {
                "Fn::Join": [
                    "/",
                    [
                        "targetgroup",
                        {"Fn::Select": [1, {"Fn::Split": ["/", {"Ref": "R"}]}]},
                        {"Fn::Select": [2, {"Fn::Split": ["/", {"Ref": "R"}]}]},
                    ],
                ]
            },
        ),
        (
            "AWS::ElasticLoadBalancingV2::LoadBalancer",
            "CanonicalHostedZoneID",
            compat.MOTO_ALB_HOSTED_ZONE,
        ),
        # Implemented by moto: left alone.
        ("AWS::ElasticLoadBalancingV2::LoadBalancer", "DNSName", {"Fn::GetAtt": ["R", "DNSName"]}),
    ],
)
def test_unimplemented_getatts_rewritten(
    tmp_path: Path, resource_type: str, attribute: str, expected: Any
) -> None:
    prepared = _prepare(
        tmp_path,
        {"R": {"Type": resource_type, "Properties": {}}},
        {"Out": {"Value": {"Fn::GetAtt": ["R", attribute]}}},
    )
    assert prepared.template["Outputs"]["Out"]["Value"] == expected


def test_refs_to_skipped_types_become_placeholders_and_are_reported(tmp_path: Path) -> None:
    prepared = _prepare(
        tmp_path,
        {
            "Vault": {"Type": "AWS::Backup::BackupVault", "Properties": {"BackupVaultName": "v"}},
            "Topic": {"Type": "AWS::SNS::Topic", "Properties": {}, "DependsOn": ["Vault"]},
            "Alarm": {
                "Type": "AWS::CloudWatch::Alarm",
                "Properties": {"AlarmActions": [{"Ref": "Topic"}]},
            },
        },
        {
            "VaultName": {"Value": {"Ref": "Vault"}},
            "VaultArn": {"Value": {"Fn::GetAtt": ["Vault", "BackupVaultArn"]}},
            "TopicArn": {"Value": {"Ref": "Topic"}},
        },
    )
    template = prepared.template
    assert set(template["Outputs"]) == {"TopicArn"}
    assert "DependsOn" not in template["Resources"]["Topic"]
    # The skipped resources stay in the template: moto lists them, the deployer checks.
    assert {"Vault", "Alarm"} <= set(template["Resources"])
    notes = {(n.logical_id, n.resource_type, n.handling) for n in prepared.notes}
    assert notes == {
        ("Alarm", "AWS::CloudWatch::Alarm", compat.NOT_EMULATED),
        ("Vault", "AWS::Backup::BackupVault", compat.NOT_EMULATED),
    }


def test_global_table_becomes_a_table_per_region(tmp_path: Path) -> None:
    global_table = {
        "Type": "AWS::DynamoDB::GlobalTable",
        "DeletionPolicy": "Retain",
        "Properties": {
            "TableName": "sessions",
            "AttributeDefinitions": [{"AttributeName": "pk", "AttributeType": "S"}],
            "KeySchema": [{"AttributeName": "pk", "KeyType": "HASH"}],
            "BillingMode": "PAY_PER_REQUEST",
            "SSESpecification": {"SSEEnabled": True, "SSEType": "KMS"},
            "Replicas": [
                {
                    "Region": "us-east-1",
                    "PointInTimeRecoverySpecification": {"PointInTimeRecoveryEnabled": True},
                    "SSESpecification": {"KMSMasterKeyId": "alias/a"},
                },
                {"Region": "us-west-2", "SSESpecification": {"KMSMasterKeyId": "alias/b"}},
            ],
        },
    }
    primary = _stack(
        tmp_path,
        "s-data-us-east-1",
        "us-east-1",
        "data",
        {
            "Resources": {"Sessions": global_table},
            "Outputs": {"Arn": {"Value": {"Fn::GetAtt": ["Sessions", "Arn"]}}},
        },
    )
    standby = _stack(tmp_path, "s-data-us-west-2", "us-west-2", "data", {"Resources": {}})
    prepared = prepare_for_emulator([standby, primary])
    east = prepared["s-data-us-east-1"].template["Resources"]["Sessions"]
    west = prepared["s-data-us-west-2"].template["Resources"]["SessionsReplica"]
    assert east["Type"] == west["Type"] == "AWS::DynamoDB::Table"
    assert east["Properties"]["SSESpecification"]["KMSMasterKeyId"] == "alias/a"
    assert west["Properties"]["SSESpecification"]["KMSMasterKeyId"] == "alias/b"
    assert "Replicas" not in east["Properties"]
    assert east["DeletionPolicy"] == "Retain"
    # GetAtt Arn keeps working because the logical id is unchanged.
    assert prepared["s-data-us-east-1"].template["Outputs"]["Arn"]["Value"] == {
        "Fn::GetAtt": ["Sessions", "Arn"]
    }
    handled = [n.handling for s in prepared.values() for n in s.notes]
    assert handled == [compat.SUBSTITUTED, compat.SUBSTITUTED]


def test_secret_and_attachment_substituted_by_api_token(tmp_path: Path) -> None:
    prepared = _prepare(
        tmp_path,
        {
            "Secret": {
                "Type": "AWS::SecretsManager::Secret",
                "Properties": {
                    "Name": "app/db",
                    "ReplicaRegions": [
                        {"Region": "us-west-2", "KmsKeyId": "alias/b"},
                        {"Region": "eu-west-1", "KmsKeyId": {"Ref": "SomeKey"}},
                    ],
                    "GenerateSecretString": {
                        "SecretStringTemplate": '{"username": "admin"}',
                        "GenerateStringKey": "password",
                        "PasswordLength": 20,
                        "ExcludeCharacters": '"@/\\',
                    },
                },
            },
            "Attach": {
                "Type": "AWS::SecretsManager::SecretTargetAttachment",
                "Properties": {"SecretId": {"Ref": "Secret"}, "TargetId": {"Ref": "Db"}},
            },
            "Db": {
                "Type": "AWS::RDS::DBInstance",
                "Properties": {
                    "MasterUsername": {
                        "Fn::Join": [
                            "",
                            [
                                "{{resolve:secretsmanager:",
                                {"Ref": "Secret"},
                                ":SecretString:username::}}",
                            ],
                        ]
                    }
                },
                "DependsOn": ["Secret"],
            },
        },
        {"SecretArn": {"Value": {"Ref": "Attach"}}},
    )
    resources = prepared.template["Resources"]
    assert set(resources) == {"Db"}
    assert "DependsOn" not in resources["Db"]
    token = compat.SECRET_TOKEN % "Secret"
    assert prepared.template["Outputs"]["SecretArn"]["Value"] == token
    assert [s.name for s in prepared.secrets] == ["app/db"]
    assert prepared.secrets[0].replica_regions == (("us-west-2", "alias/b"), ("eu-west-1", None))
    assert {n.handling for n in prepared.notes} == {compat.SUBSTITUTED}


@pytest.mark.parametrize(
    ("spec", "check"),
    [
        ({"PasswordLength": 12}, lambda v: len(v) == 12),
        (
            {"SecretStringTemplate": '{"u": "x"}', "GenerateStringKey": "p", "PasswordLength": 8},
            lambda v: json.loads(v)["u"] == "x" and len(json.loads(v)["p"]) == 8,
        ),
        ({"PasswordLength": 200, "ExcludeCharacters": "abc"}, lambda v: not set(v) & set("abc")),
    ],
)
def test_generated_secret_honours_spec(spec: dict[str, Any], check: Any) -> None:
    assert check(compat._generated_secret(spec))


def test_ssm_parameter_map_tags_become_a_list(tmp_path: Path) -> None:
    prepared = _prepare(
        tmp_path,
        {"P": {"Type": "AWS::SSM::Parameter", "Properties": {"Tags": {"a": "1"}, "Value": "v"}}},
    )
    assert prepared.template["Resources"]["P"]["Properties"]["Tags"] == [{"Key": "a", "Value": "1"}]


@pytest.mark.parametrize(
    ("props", "keeps_subnet_group"),
    [
        ({"SourceDBInstanceIdentifier": "arn:x", "DBSubnetGroupName": "g"}, False),
        ({"DBSubnetGroupName": "g"}, True),
    ],
)
def test_replica_loses_subnet_group_only(
    tmp_path: Path, props: dict[str, Any], keeps_subnet_group: bool
) -> None:
    prepared = _prepare(
        tmp_path, {"Db": {"Type": "AWS::RDS::DBInstance", "Properties": dict(props)}}
    )
    assert (
        "DBSubnetGroupName" in prepared.template["Resources"]["Db"]["Properties"]
    ) is keeps_subnet_group


def test_ignored_properties_resolved_through_extra_outputs(tmp_path: Path) -> None:
    replication = {"Role": {"Fn::GetAtt": ["Role", "Arn"]}, "Rules": []}
    prepared = _prepare(
        tmp_path,
        {
            "Bucket": {
                "Type": "AWS::S3::Bucket",
                "Properties": {
                    "VersioningConfiguration": {"Status": "Enabled"},
                    "ReplicationConfiguration": replication,
                },
            }
        },
    )
    props = [(a.logical_id, a.prop) for a in prepared.applications]
    assert props == [("Bucket", "VersioningConfiguration"), ("Bucket", "ReplicationConfiguration")]
    outputs = prepared.template["Outputs"]
    assert outputs[prepared.applications[1].output_key]["Value"] == {
        "Fn::ToJsonString": replication
    }
    assert compat.public_outputs(dict.fromkeys(outputs, "x") | {"Real": "y"}) == {"Real": "y"}


def test_transforms_never_touch_the_synthesized_file(tmp_path: Path) -> None:
    template = {
        "Resources": {"K": {"Type": "AWS::KMS::Key", "Properties": {"Tags": [], "KeyPolicy": {}}}}
    }
    stack = _stack(tmp_path, "s-data-us-east-1", "us-east-1", "data", template)
    prepare_for_emulator([stack])
    assert stack.load() == template


def test_dependents_of_skipped_resources_are_left_out(tmp_path: Path) -> None:
    prepared = _prepare(
        tmp_path,
        {
            "Cluster": {"Type": "AWS::RDS::DBCluster", "Properties": {"Engine": "aurora-mysql"}},
            "Writer": {
                "Type": "AWS::RDS::DBInstance",
                "Properties": {"DBClusterIdentifier": {"Ref": "Cluster"}},
            },
            # Mentions the cluster only inside a string it builds: kept, with placeholder text.
            "Dashboard": {
                "Type": "AWS::CloudWatch::Dashboard",
                "Properties": {"DashboardBody": {"Fn::Join": ["", ["x", {"Ref": "Cluster"}]]}},
            },
            "Param": {
                "Type": "AWS::SSM::Parameter",
                "Properties": {
                    "Type": "String",
                    "Value": {"Fn::Sub": "${Writer.Endpoint.Address}:${AWS::Region}"},
                },
            },
        },
        {
            "WriterEndpoint": {
                "Value": {"Fn::GetAtt": ["Writer", "Endpoint.Address"]},
                "Export": {"Name": "s:WriterEndpoint"},
            }
        },
    )
    resources = prepared.template["Resources"]
    assert "Writer" not in resources
    assert {"Cluster", "Dashboard", "Param"} <= set(resources)
    body = resources["Dashboard"]["Properties"]["DashboardBody"]["Fn::Join"][1]
    assert body == ["x", f"{compat.PLACEHOLDER_PREFIX}Cluster"]
    assert resources["Param"]["Properties"]["Value"] == {
        "Fn::Sub": f"{compat.PLACEHOLDER_PREFIX}Writer.Endpoint.Address:${{AWS::Region}}"
    }
    assert prepared.dropped_exports == ["s:WriterEndpoint"]
    notes = {n.logical_id: n for n in prepared.notes}
    assert notes["Writer"].handling == compat.NOT_EMULATED
    assert notes["Writer"].resource_type == "AWS::RDS::DBInstance"
    assert "needs Cluster" in notes["Writer"].detail


def test_imports_of_dropped_exports_get_placeholders(tmp_path: Path) -> None:
    exporter = _stack(
        tmp_path,
        "s-data-us-east-1",
        "us-east-1",
        "data",
        {
            "Resources": {"Vault": {"Type": "AWS::Backup::BackupVault", "Properties": {}}},
            "Outputs": {"V": {"Value": {"Ref": "Vault"}, "Export": {"Name": "s:V"}}},
        },
    )
    importer = _stack(
        tmp_path,
        "s-app-us-east-1",
        "us-east-1",
        "app",
        {
            "Resources": {
                "P": {
                    "Type": "AWS::SSM::Parameter",
                    "Properties": {"Type": "String", "Value": {"Fn::ImportValue": "s:V"}},
                }
            }
        },
    )
    prepared = prepare_for_emulator([exporter, importer])
    value = prepared["s-app-us-east-1"].template["Resources"]["P"]["Properties"]["Value"]
    assert value == f"{compat.PLACEHOLDER_PREFIX}import:s:V"


@pytest.mark.parametrize(
    ("resource_type", "attribute", "placeholder"),
    [
        # moto's SNS Topic model has no such attribute: a placeholder, reported.
        ("AWS::SNS::Topic", "NoSuchAttribute", True),
        # Implemented: untouched.
        ("AWS::SNS::Topic", "TopicName", False),
    ],
)
def test_attributes_moto_lacks_read_a_placeholder(
    tmp_path: Path, resource_type: str, attribute: str, placeholder: bool
) -> None:
    prepared = _prepare(
        tmp_path,
        {
            "R": {"Type": resource_type, "Properties": {}},
            "P": {
                "Type": "AWS::SSM::Parameter",
                "Properties": {"Type": "String", "Value": {"Fn::GetAtt": ["R", attribute]}},
            },
        },
        {"Out": {"Value": {"Fn::GetAtt": ["R", attribute]}}},
    )
    value = prepared.template["Resources"]["P"]["Properties"]["Value"]
    assert (value == f"{compat.PLACEHOLDER_PREFIX}R.{attribute}") is placeholder
    assert ("Out" not in prepared.template["Outputs"]) is placeholder
    noted = [n.logical_id for n in prepared.notes]
    assert noted == ([f"R.{attribute}"] if placeholder else [])


def test_db_instance_arn_built_from_identifier(tmp_path: Path) -> None:
    prepared = _prepare(
        tmp_path,
        {"Db": {"Type": "AWS::RDS::DBInstance", "Properties": {}}},
        {"Arn": {"Value": {"Fn::GetAtt": ["Db", "DBInstanceArn"]}}},
    )
    value = prepared.template["Outputs"]["Arn"]["Value"]["Fn::Sub"]
    assert value.endswith(":db:${Db}")  # Ref of a DBInstance is its identifier
    assert value.startswith("arn:${AWS::Partition}:rds:${AWS::Region}:${AWS::AccountId}")
