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

from tradedr.infra.components.compliance import acknowledge
from tradedr.infra.components.security import scoped_role

ROTATION_DAYS = 30
HANDLER_SOURCE = Path(__file__).with_name("rotation_handler.py")
# The newest Python runtime CDK knows: cdk-nag's AwsSolutions-L1 accepts only that one.
RUNTIME = lambda_.Runtime.PYTHON_3_14
TIMEOUT = cdk.Duration.minutes(5)
SECRETS_MANAGER = "secretsmanager.amazonaws.com"
# Lambda names the function's network interfaces itself.
ENI_ARN = "arn:${AWS::Partition}:ec2:${AWS::Region}:${AWS::AccountId}:network-interface/*"

DbKind = Literal["instance", "cluster"]


def handler_source() -> str:
    return HANDLER_SOURCE.read_text(encoding="utf-8")


def token_text(value: str) -> str:
    """How cdk-nag prints `${AWS::X}` pseudo parameters in a finding's resource."""
    return value.replace("${", "<").replace("}", ">")


def network_interface_statements(
    stack: cdk.Stack, *, security_group: ec2.ISecurityGroup, subnet_ids: list[str]
) -> list[iam.PolicyStatement]:
    """What Lambda needs, with the function's role, to place it in a VPC: its own network
    interfaces in these subnets and this security group (the ENI names are Lambda's)."""
    eni_arn = cdk.Fn.sub(ENI_ARN)
    region_only = {"StringEquals": {"aws:RequestedRegion": stack.region}}
    return [
        iam.PolicyStatement(
            sid="OwnNetworkInterfaces",
            actions=["ec2:CreateNetworkInterface"],
            resources=[
                eni_arn,
                f"arn:{stack.partition}:ec2:{stack.region}:{stack.account}:"
                f"security-group/{security_group.security_group_id}",
                *(
                    f"arn:{stack.partition}:ec2:{stack.region}:{stack.account}:subnet/{s}"
                    for s in subnet_ids
                ),
            ],
        ),
        iam.PolicyStatement(
            sid="ManageOwnNetworkInterfaces",
            actions=[
                "ec2:DeleteNetworkInterface",
                "ec2:AssignPrivateIpAddresses",
                "ec2:UnassignPrivateIpAddresses",
            ],
            resources=[eni_arn],
            conditions=region_only,
        ),
    ]


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
        region_only = {"StringEquals": {"aws:RequestedRegion": stack.region}}
        # Only HTTPS out, to the Secrets Manager and RDS endpoints through the NAT gateways;
        # nothing connects to the function.
        self.security_group = ec2.SecurityGroup(
            self,
            "SecurityGroup",
            vpc=vpc,
            description="DB secret rotation function: HTTPS to AWS APIs only",
            allow_all_outbound=False,
        )
        self.security_group.add_egress_rule(
            ec2.Peer.any_ipv4(), ec2.Port.tcp(443), "HTTPS to the Secrets Manager and RDS APIs"
        )
        # The config requires NAT gateways wherever the app runs, so the primary has egress.
        subnets = vpc.select_subnets(subnet_type=ec2.SubnetType.PRIVATE_WITH_EGRESS)
        self.log_group = logs.LogGroup(
            self,
            "Logs",
            retention=logs.RetentionDays.ONE_YEAR,
            encryption_key=key,
            removal_policy=cdk.RemovalPolicy.RETAIN,
        )
        db_actions = (
            ["rds:ModifyDBInstance", "rds:DescribeDBInstances"]
            if db_kind == "instance"
            else ["rds:ModifyDBCluster", "rds:DescribeDBClusters"]
        )
        statements = [
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
            # Lambda decrypts the CMK-encrypted environment on the role's behalf.
            iam.PolicyStatement(
                sid="OwnEnvironmentThroughLambda",
                actions=["kms:Decrypt"],
                resources=[key.key_arn],
                conditions={
                    "StringEquals": {"kms:ViaService": f"lambda.{stack.region}.amazonaws.com"}
                },
            ),
            iam.PolicyStatement(sid="ChangeThisDbPassword", actions=db_actions, resources=[db_arn]),
            iam.PolicyStatement(
                sid="OwnLogGroup",
                actions=["logs:CreateLogStream", "logs:PutLogEvents"],
                resources=[self.log_group.log_group_arn],
            ),
            # No resource type exists for these: "*" pinned to this region.
            iam.PolicyStatement(
                sid="NoResourceTypeActions",
                actions=[
                    "secretsmanager:GetRandomPassword",
                    "ec2:DescribeNetworkInterfaces",
                    "ec2:DescribeSubnets",
                ],
                resources=["*"],
                conditions=region_only,
            ),
            *network_interface_statements(
                stack, security_group=self.security_group, subnet_ids=subnets.subnet_ids
            ),
        ]
        self.role = scoped_role(
            self,
            "Role",
            assumed_by=iam.ServicePrincipal("lambda.amazonaws.com"),
            description=f"Rotation of {function_name}'s DB master secret",
            statements=statements,
        )
        policy = self.node.find_child("RolePolicy")
        self.function = lambda_.Function(
            self,
            "Function",
            function_name=function_name,
            description="Rotates the orders DB master secret through the RDS control plane",
            runtime=RUNTIME,
            handler="index.lambda_handler",
            code=lambda_.Code.from_inline(handler_source()),
            # Immutable here: every permission lives in the reviewed managed policy above.
            role=self.role.without_policy_updates(),
            timeout=TIMEOUT,
            memory_size=256,
            # One rotation at a time; Secrets Manager never runs two for one secret anyway.
            reserved_concurrent_executions=1,
            vpc=vpc,
            vpc_subnets=ec2.SubnetSelection(subnets=subnets.subnets),
            security_groups=[self.security_group],
            environment={"DB_KIND": db_kind, "DB_IDENTIFIER": db_identifier},
            environment_encryption=key,
            log_group=self.log_group,
        )
        acknowledge(
            self.function,
            rules=["NIST.800.53.R5-LambdaDLQ"],
            reason=(
                "Secrets Manager invokes the rotation function synchronously and records a "
                "failed step on the secret (and retries it), so a dead-letter queue, which "
                "only catches asynchronous invocations, would never receive anything."
            ),
        )
        acknowledge(
            policy,
            rules=[
                "AwsSolutions-IAM5[Resource::*]",
                f"AwsSolutions-IAM5[Resource::{token_text(ENI_ARN)}]",
            ],
            reason=(
                "GetRandomPassword and ec2:Describe* have no resource type, and Lambda names "
                "the function's network interfaces itself, so those statements need a "
                "wildcard; they are pinned to this region and grant no data access."
            ),
        )
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
