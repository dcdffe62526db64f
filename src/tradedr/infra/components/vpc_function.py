"""The hardened shape every tradedr Lambda function shares.

Both functions (secret rotation, region-loss detector) run inline Python in the VPC's private
subnets behind a security group with named egress only, log to a CMK-encrypted log group kept
a year, encrypt their environment with the region's CMK and use an immutable scoped role.
Building them here keeps those controls identical, so the cdk-nag findings and their
acknowledged reasons stay per function only where the functions really differ.

Children are created in the caller's scope (`SecurityGroup`, `Logs`, `Role`, `Function`), so
the logical IDs are those of the caller's construct.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

import aws_cdk as cdk
from aws_cdk import aws_ec2 as ec2
from aws_cdk import aws_iam as iam
from aws_cdk import aws_kms as kms
from aws_cdk import aws_lambda as lambda_
from aws_cdk import aws_logs as logs
from constructs import Construct

from tradedr.infra.components.compliance import acknowledge
from tradedr.infra.components.security import scoped_role

# The newest Python runtime CDK knows: cdk-nag's AwsSolutions-L1 accepts only that one.
RUNTIME = lambda_.Runtime.PYTHON_3_14
# Lambda names the function's network interfaces itself.
ENI_ARN = "arn:${AWS::Partition}:ec2:${AWS::Region}:${AWS::AccountId}:network-interface/*"

# What the function itself needs, given its log group: the caller's statements come first.
Statements = Callable[[logs.ILogGroup], list[iam.PolicyStatement]]


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


@dataclass(frozen=True)
class Egress:
    port: int
    description: str


@dataclass(frozen=True)
class VpcFunction:
    security_group: ec2.SecurityGroup
    log_group: logs.LogGroup
    role: iam.Role
    function: lambda_.Function


def vpc_function(
    scope: Construct,
    *,
    vpc: ec2.IVpc,
    key: kms.IKey,
    function_name: str,
    description: str,
    role_description: str,
    security_group_description: str,
    egress: Sequence[Egress],
    statements: Statements,
    unscoped_actions: Sequence[str],
    handler: str,
    source: str,
    environment: dict[str, str],
    timeout: cdk.Duration,
    dead_letter_reason: str,
    wildcard_reason: str,
    **function_options: Any,
) -> VpcFunction:
    """The function and what it runs with; `unscoped_actions` are the caller's actions
    without a resource type, granted on "*" pinned to this region (and acknowledged with
    `wildcard_reason`); `dead_letter_reason` says why no DLQ is needed."""
    stack = cdk.Stack.of(scope)
    security_group = ec2.SecurityGroup(
        scope,
        "SecurityGroup",
        vpc=vpc,
        description=security_group_description,
        allow_all_outbound=False,
    )
    for rule in egress:
        security_group.add_egress_rule(
            ec2.Peer.any_ipv4(), ec2.Port.tcp(rule.port), rule.description
        )
    # The config requires NAT gateways wherever the app runs, so these subnets have egress.
    subnets = vpc.select_subnets(subnet_type=ec2.SubnetType.PRIVATE_WITH_EGRESS)
    log_group = logs.LogGroup(
        scope,
        "Logs",
        retention=logs.RetentionDays.ONE_YEAR,
        encryption_key=key,
        removal_policy=cdk.RemovalPolicy.RETAIN,
    )
    role = scoped_role(
        scope,
        "Role",
        assumed_by=iam.ServicePrincipal("lambda.amazonaws.com"),
        description=role_description,
        statements=[
            *statements(log_group),
            # Lambda decrypts the CMK-encrypted environment on the role's behalf.
            iam.PolicyStatement(
                sid="OwnEnvironmentThroughLambda",
                actions=["kms:Decrypt"],
                resources=[key.key_arn],
                conditions={
                    "StringEquals": {"kms:ViaService": f"lambda.{stack.region}.amazonaws.com"}
                },
            ),
            iam.PolicyStatement(
                sid="OwnLogGroup",
                actions=["logs:CreateLogStream", "logs:PutLogEvents"],
                resources=[log_group.log_group_arn],
            ),
            # No resource type exists for these: "*" pinned to this region.
            iam.PolicyStatement(
                sid="NoResourceTypeActions",
                actions=[*unscoped_actions, "ec2:DescribeNetworkInterfaces", "ec2:DescribeSubnets"],
                resources=["*"],
                conditions={"StringEquals": {"aws:RequestedRegion": stack.region}},
            ),
            *network_interface_statements(
                stack, security_group=security_group, subnet_ids=subnets.subnet_ids
            ),
        ],
    )
    function = lambda_.Function(
        scope,
        "Function",
        function_name=function_name,
        description=description,
        runtime=RUNTIME,
        handler=handler,
        code=lambda_.Code.from_inline(source),
        # Immutable here: every permission lives in the reviewed managed policy above.
        role=role.without_policy_updates(),
        timeout=timeout,
        memory_size=256,
        # One at a time: neither function may race a second copy of itself.
        reserved_concurrent_executions=1,
        vpc=vpc,
        vpc_subnets=ec2.SubnetSelection(subnets=subnets.subnets),
        security_groups=[security_group],
        environment=environment,
        environment_encryption=key,
        log_group=log_group,
        **function_options,
    )
    acknowledge(function, rules=["NIST.800.53.R5-LambdaDLQ"], reason=dead_letter_reason)
    acknowledge(
        scope.node.find_child("RolePolicy"),
        rules=[
            "AwsSolutions-IAM5[Resource::*]",
            f"AwsSolutions-IAM5[Resource::{token_text(ENI_ARN)}]",
        ],
        reason=wildcard_reason,
    )
    return VpcFunction(security_group, log_group, role, function)
