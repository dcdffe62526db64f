"""Per-region security controls: the customer-managed key, audit trail, Config rules,
and roles whose permissions live in customer-managed policies scoped to named ARNs."""

from __future__ import annotations

import aws_cdk as cdk
from aws_cdk import aws_cloudtrail as cloudtrail
from aws_cdk import aws_config as config
from aws_cdk import aws_iam as iam
from aws_cdk import aws_kms as kms
from aws_cdk import aws_logs as logs
from aws_cdk import aws_s3 as s3
from aws_cdk import aws_securityhub as securityhub
from constructs import Construct

from tradedr.infra.components.compliance import acknowledge
from tradedr.infra.components.tagging import mark_purpose
from tradedr.templates.markers import AUDIT_LOGS


def cmk_bucket(
    scope: Construct, *, bucket_name: str, key: kms.IKey, access_log_bucket: s3.IBucket
) -> s3.Bucket:
    """A data bucket as every one of ours is: versioned, CMK-encrypted, TLS-only, private,
    access-logged and kept on stack delete."""
    return s3.Bucket(
        scope,
        "Bucket",
        bucket_name=bucket_name,
        versioned=True,
        encryption=s3.BucketEncryption.KMS,
        encryption_key=key,
        bucket_key_enabled=True,
        block_public_access=s3.BlockPublicAccess.BLOCK_ALL,
        enforce_ssl=True,
        object_ownership=s3.ObjectOwnership.BUCKET_OWNER_ENFORCED,
        server_access_logs_bucket=access_log_bucket,
        server_access_logs_prefix=f"s3/{bucket_name}/",
        removal_policy=cdk.RemovalPolicy.RETAIN,
    )


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
        # CloudTrail encrypts log files with this key, only for this account's trails.
        self.key.add_to_resource_policy(
            iam.PolicyStatement(
                sid="AllowCloudTrailEncrypt",
                principals=[iam.ServicePrincipal("cloudtrail.amazonaws.com")],
                actions=["kms:GenerateDataKey*", "kms:DescribeKey"],
                resources=["*"],
                conditions={
                    "StringEquals": {"aws:SourceAccount": stack.account},
                    "StringLike": {
                        "kms:EncryptionContext:aws:cloudtrail:arn": (
                            f"arn:{stack.partition}:cloudtrail:*:{stack.account}:trail/*"
                        )
                    },
                },
            )
        )


def scoped_role(
    scope: Construct,
    construct_id: str,
    *,
    assumed_by: iam.IPrincipal,
    description: str,
    statements: list[iam.PolicyStatement],
) -> iam.Role:
    """A role whose permissions sit in one customer-managed policy (no inline policies).

    PCI DSS and NIST packs flag inline policies because they cannot be reviewed or reused
    on their own; a managed policy per role keeps every permission in one named document.
    """
    role = iam.Role(scope, construct_id, assumed_by=assumed_by, description=description)
    policy = iam.ManagedPolicy(
        scope, f"{construct_id}Policy", description=description, statements=statements
    )
    role.add_managed_policy(policy)
    return role


class AuditTrail(Construct):
    """Multi-region CloudTrail with log file validation, CMK-encrypted, to a TLS-only,
    versioned, access-logged bucket, and mirrored to an encrypted log group."""

    def __init__(
        self,
        scope: Construct,
        construct_id: str,
        *,
        trail_name: str,
        bucket_name: str,
        key: kms.IKey,
        access_log_bucket: s3.IBucket,
        retention: logs.RetentionDays = logs.RetentionDays.ONE_YEAR,
    ) -> None:
        super().__init__(scope, construct_id)
        stack = cdk.Stack.of(self)
        trail_arn = (
            f"arn:{stack.partition}:cloudtrail:{stack.region}:{stack.account}:trail/{trail_name}"
        )
        self.bucket = cmk_bucket(
            self, bucket_name=bucket_name, key=key, access_log_bucket=access_log_bucket
        )
        mark_purpose(self.bucket, AUDIT_LOGS)
        source = {"StringEquals": {"aws:SourceArn": trail_arn}}
        self.bucket.add_to_resource_policy(
            iam.PolicyStatement(
                sid="CloudTrailAclCheck",
                principals=[iam.ServicePrincipal("cloudtrail.amazonaws.com")],
                actions=["s3:GetBucketAcl"],
                resources=[self.bucket.bucket_arn],
                conditions=source,
            )
        )
        self.bucket.add_to_resource_policy(
            iam.PolicyStatement(
                sid="CloudTrailWrite",
                principals=[iam.ServicePrincipal("cloudtrail.amazonaws.com")],
                actions=["s3:PutObject"],
                resources=[self.bucket.arn_for_objects(f"AWSLogs/{stack.account}/*")],
                conditions={
                    "StringEquals": {
                        "aws:SourceArn": trail_arn,
                        "s3:x-amz-acl": "bucket-owner-full-control",
                    }
                },
            )
        )
        acknowledge(
            self.bucket,
            rules=[
                "PCI.DSS.321-S3BucketReplicationEnabled",
                "NIST.800.53.R5-S3BucketReplicationEnabled",
            ],
            reason=(
                "Audit logs are not replicated cross-region: the trail is multi-region, so a "
                "standby-region outage loses no events, and a copy would double trail storage; "
                "versioning and Retain protect the objects in this region."
            ),
        )
        self.log_group = logs.LogGroup(
            self,
            "Logs",
            retention=retention,
            encryption_key=key,
            removal_policy=cdk.RemovalPolicy.RETAIN,
        )
        self.role = scoped_role(
            self,
            "LogsRole",
            assumed_by=iam.ServicePrincipal("cloudtrail.amazonaws.com"),
            description="CloudTrail delivery to its CloudWatch Logs group",
            statements=[
                iam.PolicyStatement(
                    actions=["logs:CreateLogStream", "logs:PutLogEvents"],
                    resources=[self.log_group.log_group_arn],
                )
            ],
        )
        self.trail = cloudtrail.CfnTrail(
            self,
            "Trail",
            trail_name=trail_name,
            is_logging=True,
            is_multi_region_trail=True,
            include_global_service_events=True,
            enable_log_file_validation=True,
            kms_key_id=key.key_arn,
            s3_bucket_name=self.bucket.bucket_name,
            cloud_watch_logs_log_group_arn=self.log_group.log_group_arn,
            cloud_watch_logs_role_arn=self.role.role_arn,
        )
        # CloudTrail checks its bucket policy on create.
        if self.bucket.policy is not None:
            self.trail.node.add_dependency(self.bucket.policy)


class ConfigRules(Construct):
    """AWS Config managed rules for this region (a configuration recorder must exist)."""

    def __init__(
        self,
        scope: Construct,
        construct_id: str,
        *,
        prefix: str,
        required_tags: list[str],
        enable_security_hub: bool,
    ) -> None:
        super().__init__(scope, construct_id)
        # REQUIRED_TAGS takes at most six keys per rule.
        for index in range(0, len(required_tags), 6):
            chunk = required_tags[index : index + 6]
            config.ManagedRule(
                self,
                f"RequiredTags{index // 6 + 1}",
                config_rule_name=f"{prefix}-required-tags-{index // 6 + 1}",
                identifier=config.ManagedRuleIdentifiers.REQUIRED_TAGS,
                input_parameters={f"tag{i + 1}Key": key for i, key in enumerate(chunk)},
                description="Every taggable resource carries the tags tradedr requires",
            )
        for name, identifier, description in (
            (
                "encrypted-volumes",
                config.ManagedRuleIdentifiers.EBS_ENCRYPTED_VOLUMES,
                "Attached EBS volumes are encrypted",
            ),
            (
                "rds-storage-encrypted",
                config.ManagedRuleIdentifiers.RDS_STORAGE_ENCRYPTED,
                "RDS storage is encrypted",
            ),
            (
                "s3-public-read-prohibited",
                config.ManagedRuleIdentifiers.S3_BUCKET_PUBLIC_READ_PROHIBITED,
                "No bucket allows public read",
            ),
        ):
            config.ManagedRule(
                self,
                name,
                config_rule_name=f"{prefix}-{name}",
                identifier=identifier,
                description=description,
            )
        if enable_security_hub:
            securityhub.CfnHub(self, "SecurityHub", enable_default_standards=True)
