"""Scheduled rotation of the DB master secret, read from the synthesized templates."""

from __future__ import annotations

from typing import Any

import pytest
from aws_cdk import aws_lambda as lambda_

from tests.conftest import Synthesized
from tradedr.config import Posture
from tradedr.infra.components.rotation import ROTATION_DAYS, handler_source
from tradedr.names import Names


def _only(synth: Synthesized, type_: str) -> tuple[str, str, dict[str, Any]]:
    found = synth.all_resources(type_)
    assert len(found) == 1, [(s, lid) for s, lid, _ in found]
    return found[0]


def _policy(synth: Synthesized) -> list[dict[str, Any]]:
    stack, _, function = _only(synth, "AWS::Lambda::Function")
    role_id = function["Properties"]["Role"]["Fn::GetAtt"][0]
    resources = synth.template(stack)["Resources"]
    [policy_ref] = resources[role_id]["Properties"]["ManagedPolicyArns"]
    policy = resources[policy_ref["Ref"]]
    assert policy["Type"] == "AWS::IAM::ManagedPolicy"
    assert "Policies" not in resources[role_id]["Properties"]  # no inline policy
    statements: list[dict[str, Any]] = policy["Properties"]["PolicyDocument"]["Statement"]
    return statements


def _as_list(value: Any) -> list[Any]:
    return value if isinstance(value, list) else [value]


def _by_action(statements: list[dict[str, Any]], action: str) -> dict[str, Any]:
    [found] = [s for s in statements if action in _as_list(s["Action"])]
    return found


def test_schedule_every_30_days_on_the_primary_secret(default_synth: Synthesized) -> None:
    stack, _, schedule = _only(default_synth, "AWS::SecretsManager::RotationSchedule")
    settings = default_synth.settings
    assert stack == Names(settings).data_stack(settings.primary_region)
    props = schedule["Properties"]
    assert ROTATION_DAYS == 30
    assert props["RotationRules"] == {"AutomaticallyAfterDays": 30}
    [secret_id] = default_synth.resources(stack, "AWS::SecretsManager::Secret")
    assert props["SecretId"] == {"Ref": secret_id}
    [function_id] = default_synth.resources(stack, "AWS::Lambda::Function")
    assert props["RotationLambdaARN"] == {"Fn::GetAtt": [function_id, "Arn"]}
    assert "HostedRotationLambda" not in props
    # No password change as a side effect of a deploy (it would race the replica's create).
    assert props["RotateImmediatelyOnUpdate"] is False
    [instance_id] = default_synth.resources(stack, "AWS::RDS::DBInstance")
    [permission_id] = default_synth.resources(stack, "AWS::Lambda::Permission")
    assert {instance_id, permission_id} <= set(schedule["DependsOn"])


def test_function_is_inline_newest_python_in_private_subnets(default_synth: Synthesized) -> None:
    stack, _, function = _only(default_synth, "AWS::Lambda::Function")
    props = function["Properties"]
    newest = max(
        (r.name for r in lambda_.Runtime.ALL if r.name.startswith("python3.")),
        key=lambda name: int(name.split(".")[1]),
    )
    assert props["Runtime"] == newest
    assert props["Code"] == {"ZipFile": handler_source()}  # no asset, no S3 bucket
    assert props["Handler"] == "index.lambda_handler"
    assert props["ReservedConcurrentExecutions"] >= 1
    resources = default_synth.template(stack)["Resources"]
    for subnet in props["VpcConfig"]["SubnetIds"]:
        assert "privateSubnet" in subnet["Ref"], subnet
    [group] = props["VpcConfig"]["SecurityGroupIds"]
    egress = resources[group["Fn::GetAtt"][0]]["Properties"]["SecurityGroupEgress"]
    assert [(e["IpProtocol"], e["FromPort"], e["ToPort"]) for e in egress] == [("tcp", 443, 443)]
    assert "SecurityGroupIngress" not in resources[group["Fn::GetAtt"][0]]["Properties"]
    [key_id] = default_synth.resources(stack, "AWS::KMS::Key")
    assert props["KmsKeyArn"] == {"Fn::GetAtt": [key_id, "Arn"]}
    log_group = resources[props["LoggingConfig"]["LogGroup"]["Ref"]]
    assert log_group["Properties"]["KmsKeyId"] == {"Fn::GetAtt": [key_id, "Arn"]}
    assert log_group["Properties"]["RetentionInDays"] >= 365
    assert log_group["DeletionPolicy"] == "Retain"
    assert props["Environment"]["Variables"] == {
        "DB_KIND": "instance",
        "DB_IDENTIFIER": Names(default_synth.settings).db_identifier("us-east-1"),
    }


def test_policy_names_the_secret_and_the_db(default_synth: Synthesized) -> None:
    statements = _policy(default_synth)
    stack, _, _ = _only(default_synth, "AWS::Lambda::Function")
    [secret_id] = default_synth.resources(stack, "AWS::SecretsManager::Secret")
    [instance_id] = default_synth.resources(stack, "AWS::RDS::DBInstance")
    secret = _by_action(statements, "secretsmanager:PutSecretValue")
    assert secret["Resource"] == {"Ref": secret_id}
    assert set(secret["Action"]) == {
        "secretsmanager:DescribeSecret",
        "secretsmanager:GetSecretValue",
        "secretsmanager:PutSecretValue",
        "secretsmanager:UpdateSecretVersionStage",
    }
    db = _by_action(statements, "rds:ModifyDBInstance")
    assert db["Resource"] == {"Fn::GetAtt": [instance_id, "DBInstanceArn"]}
    assert not any("rds:ModifyDBCluster" in _as_list(s["Action"]) for s in statements)
    for statement in statements:
        if any(a.startswith("kms:") for a in _as_list(statement["Action"])):
            assert statement["Condition"]["StringEquals"]["kms:ViaService"]
    secret_key = _by_action(statements, "kms:GenerateDataKey")
    assert secret_key["Condition"]["StringEquals"]["kms:EncryptionContext:SecretARN"] == {
        "Ref": secret_id
    }


def test_wildcards_only_where_no_resource_type_exists(default_synth: Synthesized) -> None:
    for statement in _policy(default_synth):
        assert not any("*" in action for action in _as_list(statement["Action"]))
        if "*" in _as_list(statement["Resource"]):
            assert set(statement["Action"]) == {
                "secretsmanager:GetRandomPassword",
                "ec2:DescribeNetworkInterfaces",
                "ec2:DescribeSubnets",
            }
            assert statement["Condition"]["StringEquals"]["aws:RequestedRegion"] == "us-east-1"


def test_only_secrets_manager_of_this_account_may_invoke(default_synth: Synthesized) -> None:
    _, _, permission = _only(default_synth, "AWS::Lambda::Permission")
    props = permission["Properties"]
    assert props["Principal"] == "secretsmanager.amazonaws.com"
    assert props["Action"] == "lambda:InvokeFunction"
    assert props["SourceAccount"] == {"Ref": "AWS::AccountId"}


def test_aurora_global_rotates_the_cluster_secret(fast_arc_synth: Synthesized) -> None:
    stack, _, schedule = _only(fast_arc_synth, "AWS::SecretsManager::RotationSchedule")
    settings = fast_arc_synth.settings
    names = Names(settings)
    assert stack == names.data_stack(settings.primary_region)
    assert schedule["Properties"]["RotationRules"] == {"AutomaticallyAfterDays": 30}
    # The cluster's secret, through its attachment (whose Ref is the secret's ARN).
    [attachment] = fast_arc_synth.resources(
        stack, "AWS::SecretsManager::SecretTargetAttachment"
    ).items()
    assert schedule["Properties"]["SecretId"] == {"Ref": attachment[0]}
    assert attachment[1]["Properties"]["TargetType"] == "AWS::RDS::DBCluster"
    [cluster_id] = fast_arc_synth.resources(stack, "AWS::RDS::DBCluster")
    assert cluster_id in schedule["DependsOn"]
    _, _, function = _only(fast_arc_synth, "AWS::Lambda::Function")
    assert function["Properties"]["Environment"]["Variables"] == {
        "DB_KIND": "cluster",
        "DB_IDENTIFIER": names.db_cluster(settings.primary_region),
    }
    statements = _policy(fast_arc_synth)
    db = _by_action(statements, "rds:ModifyDBCluster")
    assert "rds:ModifyDBInstance" not in _as_list(db["Action"])
    assert cluster_id in str(db["Resource"])


@pytest.mark.parametrize("posture", list(Posture), ids=[p.value for p in Posture])
def test_every_posture_rotates_once_in_the_primary(
    posture_synths: dict[Posture, Synthesized], posture: Posture
) -> None:
    synth = posture_synths[posture]
    for type_ in ("AWS::SecretsManager::RotationSchedule", "AWS::Lambda::Function"):
        stack, _, _ = _only(synth, type_)
        assert stack == Names(synth.settings).data_stack(synth.settings.primary_region)
