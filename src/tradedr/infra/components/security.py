"""Customer-managed KMS key per region, shared by every data store of that region."""

from __future__ import annotations

import aws_cdk as cdk
from aws_cdk import aws_iam as iam
from aws_cdk import aws_kms as kms
from constructs import Construct


class DataKey(Construct):
    """One rotating CMK with a stable alias, so other regions can name it without references."""

    def __init__(self, scope: Construct, construct_id: str, *, alias: str) -> None:
        super().__init__(scope, construct_id)
        self.key = kms.Key(
            self,
            "Key",
            alias=alias,
            description=f"tradedr data key ({alias})",
            enable_key_rotation=True,
            removal_policy=cdk.RemovalPolicy.RETAIN,
            pending_window=cdk.Duration.days(30),
        )
        stack = cdk.Stack.of(self)
        # CloudWatch Logs and SNS encrypt with this key too; scope them to this account/region.
        self.key.add_to_resource_policy(
            iam.PolicyStatement(
                sid="AllowRegionalServiceUse",
                principals=[
                    iam.ServicePrincipal(f"logs.{stack.region}.amazonaws.com"),
                    iam.ServicePrincipal("sns.amazonaws.com"),
                    iam.ServicePrincipal("cloudwatch.amazonaws.com"),
                ],
                actions=[
                    "kms:Encrypt*",
                    "kms:Decrypt*",
                    "kms:ReEncrypt*",
                    "kms:GenerateDataKey*",
                    "kms:Describe*",
                ],
                resources=["*"],
                conditions={"StringEquals": {"aws:SourceAccount": stack.account}},
            )
        )
