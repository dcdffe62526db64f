"""Scheduled rotation of the orders DB master secret, without RDS-managed passwords.

RDS-managed master passwords (`ManageMasterUserPassword`) cannot be used on the source of a
cross-region read replica nor on an Aurora global cluster, and the hosted rotation functions
come from a SAR application (a template transform the emulator and the bootstrapless
synthesizer cannot use). So the rotation function is our own, inline in the template
(`rotation_handler.py`, boto3 only): it changes the password through the RDS control plane.

The secret is replicated to every standby; Secrets Manager copies each new version there, so
only the primary's secret has a schedule (replicas cannot rotate on their own).
"""

from __future__ import annotations

from pathlib import Path
from typing import Literal

import aws_cdk as cdk
from aws_cdk import aws_ec2 as ec2
from aws_cdk import aws_iam as iam
from aws_cdk import aws_kms as kms
from aws_cdk import aws_lambda as lambda_
from aws_cdk import aws_logs as logs
from aws_cdk import aws_secretsmanager as secretsmanager
from constructs import Construct, IConstruct

from tradedr.infra.components.vpc_function import Egress, vpc_function

ROTATION_DAYS = 30
HANDLER_SOURCE = Path(__file__).with_name("rotation_handler.py")
TIMEOUT = cdk.Duration.minutes(5)
SECRETS_MANAGER = "secretsmanager.amazonaws.com"

DbKind = Literal["instance", "cluster"]


def handler_source() -> str:
    return HANDLER_SOURCE.read_text(encoding="utf-8")


class SecretRotation(Construct):
    """The rotation function (in the VPC's private subnets), its role, and a 30-day schedule.

    The function's role can touch only this secret (through the region's CMK, for this
    secret's encryption context) and this one DB; `Resource: "*"` remains only where the
    API has no resource type (GetRandomPassword, ec2:Describe*), pinned to the region.
    """

    def __init__(
        self,
        scope: Construct,
        construct_id: str,
        *,
        secret: secretsmanager.ISecret,
        key: kms.IKey,
        vpc: ec2.IVpc,
        function_name: str,
        db_kind: DbKind,
        db_identifier: str,
        db_arn: str,
        after: list[IConstruct],
    ) -> None:
        super().__init__(scope, construct_id)
        stack = cdk.Stack.of(self)
        db_actions = (
            ["rds:ModifyDBInstance", "rds:DescribeDBInstances"]
            if db_kind == "instance"
            else ["rds:ModifyDBCluster", "rds:DescribeDBClusters"]
        )

        def statements(log_group: logs.ILogGroup) -> list[iam.PolicyStatement]:
            return [
                iam.PolicyStatement(
                    sid="RotateThisSecret",
                    actions=[
                        "secretsmanager:DescribeSecret",
                        "secretsmanager:GetSecretValue",
                        "secretsmanager:PutSecretValue",
                        "secretsmanager:UpdateSecretVersionStage",
                    ],
                    resources=[secret.secret_arn],
                ),
                iam.PolicyStatement(
                    sid="SecretKeyForThisSecretOnly",
                    actions=["kms:Decrypt", "kms:GenerateDataKey"],
                    resources=[key.key_arn],
                    conditions={
                        "StringEquals": {
                            "kms:ViaService": f"secretsmanager.{stack.region}.amazonaws.com",
                            "kms:EncryptionContext:SecretARN": secret.secret_arn,
                        }
                    },
                ),
                iam.PolicyStatement(
                    sid="ChangeThisDbPassword", actions=db_actions, resources=[db_arn]
                ),
            ]

        # Only HTTPS out, to the Secrets Manager and RDS endpoints; nothing connects in.
        parts = vpc_function(
            self,
            vpc=vpc,
            key=key,
            function_name=function_name,
            description="Rotates the orders DB master secret through the RDS control plane",
            role_description=f"Rotation of {function_name}'s DB master secret",
            security_group_description="DB secret rotation function: HTTPS to AWS APIs only",
            egress=[Egress(443, "HTTPS to the Secrets Manager and RDS APIs")],
            statements=statements,
            unscoped_actions=["secretsmanager:GetRandomPassword"],
            handler="index.lambda_handler",
            source=handler_source(),
            environment={"DB_KIND": db_kind, "DB_IDENTIFIER": db_identifier},
            timeout=TIMEOUT,
            dead_letter_reason=(
                "Secrets Manager invokes the rotation function synchronously and records a "
                "failed step on the secret (and retries it), so a dead-letter queue, which "
                "only catches asynchronous invocations, would never receive anything."
            ),
            wildcard_reason=(
                "GetRandomPassword and ec2:Describe* have no resource type, and Lambda names "
                "the function's network interfaces itself, so those statements need a "
                "wildcard; they are pinned to this region and grant no data access."
            ),
        )
        self.security_group = parts.security_group
        self.log_group = parts.log_group
        self.role = parts.role
        self.function = parts.function
        self.permission = lambda_.CfnPermission(
            self,
            "InvokeBySecretsManager",
            action="lambda:InvokeFunction",
            function_name=self.function.function_arn,
            principal=SECRETS_MANAGER,
            source_account=stack.account,
        )
        self.schedule = secretsmanager.CfnRotationSchedule(
            self,
            "Schedule",
            secret_id=secret.secret_arn,
            rotation_lambda_arn=self.function.function_arn,
            rotation_rules=secretsmanager.CfnRotationSchedule.RotationRulesProperty(
                automatically_after_days=ROTATION_DAYS
            ),
            # No rotation as a side effect of a deploy: a password change while the replica
            # stack creates the cross-region replica would fail that create. The first
            # rotation comes on schedule, or now with `aws secretsmanager rotate-secret`.
            rotate_immediately_on_update=False,
        )
        self.schedule.node.add_dependency(self.permission, *after)
