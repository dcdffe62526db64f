"""The objects bucket: versioned, CMK-encrypted, TLS-only, replicated with RTC to standbys."""

from __future__ import annotations

import aws_cdk as cdk
from aws_cdk import aws_iam as iam
from aws_cdk import aws_kms as kms
from aws_cdk import aws_s3 as s3
from constructs import Construct

from tradedr.infra.components.compliance import acknowledge
from tradedr.infra.components.security import cmk_bucket, scoped_role
from tradedr.infra.components.tagging import mark_purpose
from tradedr.templates.markers import ACCESS_LOGS


class LogBucket(Construct):
    """Where ALB and S3 server access logs land in one region.

    Both log deliveries support only SSE-S3 on the target bucket, so this is the one
    bucket not encrypted with the CMK; it holds request metadata, not trade data.
    """

    def __init__(self, scope: Construct, construct_id: str, *, bucket_name: str) -> None:
        super().__init__(scope, construct_id)
        self.bucket = s3.Bucket(
            self,
            "Bucket",
            bucket_name=bucket_name,
            versioned=True,
            encryption=s3.BucketEncryption.S3_MANAGED,
            block_public_access=s3.BlockPublicAccess.BLOCK_ALL,
            enforce_ssl=True,
            object_ownership=s3.ObjectOwnership.BUCKET_OWNER_ENFORCED,
            lifecycle_rules=[
                s3.LifecycleRule(
                    id="expire-after-400-days",
                    expiration=cdk.Duration.days(400),
                    noncurrent_version_expiration=cdk.Duration.days(30),
                )
            ],
            removal_policy=cdk.RemovalPolicy.RETAIN,
        )
        mark_purpose(self.bucket, ACCESS_LOGS)
        acknowledge(
            self.bucket,
            rules=[
                "PCI.DSS.321-S3BucketReplicationEnabled",
                "NIST.800.53.R5-S3BucketReplicationEnabled",
            ],
            reason=(
                "Access logs stay in their region: they describe that region's requests, lose "
                "value once it is gone, and replicating them would double log storage cost."
            ),
        )
        acknowledge(
            self.bucket,
            rules=["PCI.DSS.321-S3DefaultEncryptionKMS", "NIST.800.53.R5-S3DefaultEncryptionKMS"],
            reason=(
                "ALB access logs and S3 server access logs can only be delivered to SSE-S3 "
                "buckets, so this bucket trades the CMK for working log delivery."
            ),
        )


class ObjectsBucket(Construct):
    """A bucket in one region; in the primary it replicates to each named standby bucket."""

    def __init__(
        self,
        scope: Construct,
        construct_id: str,
        *,
        bucket_name: str,
        key: kms.IKey,
        access_log_bucket: s3.IBucket,
        replicate_to: dict[str, tuple[str, str]] | None = None,
    ) -> None:
        """`replicate_to` maps region -> (destination bucket ARN, destination key alias ARN),
        both as `Fn::Sub` strings with ${AWS::AccountId}."""
        super().__init__(scope, construct_id)
        self.bucket = cmk_bucket(
            self, bucket_name=bucket_name, key=key, access_log_bucket=access_log_bucket
        )
        if replicate_to:
            self.replication_role = self._replicate(key, bucket_name, replicate_to)
        else:
            acknowledge(
                self.bucket,
                rules=[
                    "PCI.DSS.321-S3BucketReplicationEnabled",
                    "NIST.800.53.R5-S3BucketReplicationEnabled",
                ],
                reason=(
                    "Standby bucket is the replication destination; replicating back to the "
                    "primary is a failback step, because configured here it would name a "
                    "bucket whose stack deploys after this one."
                ),
            )

    def _replicate(
        self, key: kms.IKey, bucket_name: str, replicate_to: dict[str, tuple[str, str]]
    ) -> iam.Role:
        source_arn = cdk.Stack.of(self).format_arn(
            service="s3", region="", account="", resource=bucket_name
        )
        statements = [
            # By name, not by reference: the bucket refers to this role, so a reference
            # back from the role's policy would be a cycle.
            iam.PolicyStatement(
                actions=["s3:GetReplicationConfiguration", "s3:ListBucket"],
                resources=[source_arn],
            ),
            iam.PolicyStatement(
                actions=[
                    "s3:GetObjectVersionForReplication",
                    "s3:GetObjectVersionAcl",
                    "s3:GetObjectVersionTagging",
                ],
                resources=[f"{source_arn}/*"],
            ),
            iam.PolicyStatement(actions=["kms:Decrypt"], resources=[key.key_arn]),
        ]
        cfn_bucket = self.bucket.node.default_child
        assert isinstance(cfn_bucket, s3.CfnBucket)
        wildcard_findings = [
            f"AwsSolutions-IAM5[Resource::arn:<AWS::Partition>:s3:::{bucket_name}/*]"
        ]
        for region, (bucket_arn, key_alias_arn) in sorted(replicate_to.items()):
            statements.append(
                iam.PolicyStatement(
                    actions=["s3:ReplicateObject", "s3:ReplicateDelete", "s3:ReplicateTags"],
                    resources=[cdk.Fn.sub(bucket_arn + "/*")],
                )
            )
            key_pattern = f"arn:${{AWS::Partition}}:kms:{region}:${{AWS::AccountId}}:key/*"
            statements.append(
                iam.PolicyStatement(
                    actions=["kms:Encrypt", "kms:GenerateDataKey"],
                    resources=[cdk.Fn.sub(key_pattern)],
                    conditions={
                        "ForAnyValue:StringEquals": {
                            "kms:ResourceAliases": key_alias_arn[key_alias_arn.index("alias/") :]
                        }
                    },
                )
            )
            wildcard_findings += [
                "AwsSolutions-IAM5[Resource::"
                + bucket_arn.replace("${", "<").replace("}", ">")
                + "/*]",
                "AwsSolutions-IAM5[Resource::"
                + key_pattern.replace("${", "<").replace("}", ">")
                + "]",
            ]
        role = scoped_role(
            self,
            "ReplicationRole",
            assumed_by=iam.ServicePrincipal("s3.amazonaws.com"),
            description="S3 cross-region replication of the objects bucket",
            statements=statements,
        )
        acknowledge(
            self.node.find_child("ReplicationRolePolicy"),
            rules=wildcard_findings,
            reason=(
                "Replication acts on every object version, so object ARNs end in /*; the "
                "standby key's id is unknown here, so key/* is pinned by its alias condition."
            ),
        )
        rules: list[s3.CfnBucket.ReplicationRuleProperty] = []
        for priority, (region, (bucket_arn, key_alias_arn)) in enumerate(
            sorted(replicate_to.items())
        ):
            destination_arn = cdk.Fn.sub(bucket_arn)
            rules.append(
                s3.CfnBucket.ReplicationRuleProperty(
                    id=f"to-{region}",
                    status="Enabled",
                    priority=priority,
                    filter=s3.CfnBucket.ReplicationRuleFilterProperty(prefix=""),
                    delete_marker_replication=s3.CfnBucket.DeleteMarkerReplicationProperty(
                        status="Enabled"
                    ),
                    source_selection_criteria=s3.CfnBucket.SourceSelectionCriteriaProperty(
                        sse_kms_encrypted_objects=s3.CfnBucket.SseKmsEncryptedObjectsProperty(
                            status="Enabled"
                        )
                    ),
                    destination=s3.CfnBucket.ReplicationDestinationProperty(
                        bucket=destination_arn,
                        encryption_configuration=s3.CfnBucket.EncryptionConfigurationProperty(
                            replica_kms_key_id=cdk.Fn.sub(key_alias_arn)
                        ),
                        replication_time=s3.CfnBucket.ReplicationTimeProperty(
                            status="Enabled",
                            time=s3.CfnBucket.ReplicationTimeValueProperty(minutes=15),
                        ),
                        metrics=s3.CfnBucket.MetricsProperty(
                            status="Enabled",
                            event_threshold=s3.CfnBucket.ReplicationTimeValueProperty(minutes=15),
                        ),
                    ),
                )
            )
        cfn_bucket.replication_configuration = s3.CfnBucket.ReplicationConfigurationProperty(
            role=role.role_arn, rules=rules
        )
        return role
