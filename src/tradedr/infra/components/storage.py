"""The objects bucket: versioned, CMK-encrypted, TLS-only, replicated with RTC to standbys."""

from __future__ import annotations

import aws_cdk as cdk
from aws_cdk import aws_iam as iam
from aws_cdk import aws_kms as kms
from aws_cdk import aws_s3 as s3
from constructs import Construct


class ObjectsBucket(Construct):
    """A bucket in one region; in the primary it replicates to each named standby bucket."""

    def __init__(
        self,
        scope: Construct,
        construct_id: str,
        *,
        bucket_name: str,
        key: kms.IKey,
        replicate_to: dict[str, tuple[str, str]] | None = None,
    ) -> None:
        """`replicate_to` maps region -> (destination bucket ARN, destination key alias ARN),
        both as `Fn::Sub` strings with ${AWS::AccountId}."""
        super().__init__(scope, construct_id)
        self.bucket = s3.Bucket(
            self,
            "Bucket",
            bucket_name=bucket_name,
            versioned=True,
            encryption=s3.BucketEncryption.KMS,
            encryption_key=key,
            bucket_key_enabled=True,
            block_public_access=s3.BlockPublicAccess.BLOCK_ALL,
            enforce_ssl=True,
            object_ownership=s3.ObjectOwnership.BUCKET_OWNER_ENFORCED,
            removal_policy=cdk.RemovalPolicy.RETAIN,
        )
        if replicate_to:
            self.replication_role = self._replicate(key, replicate_to)

    def _replicate(self, key: kms.IKey, replicate_to: dict[str, tuple[str, str]]) -> iam.Role:
        role = iam.Role(
            self,
            "ReplicationRole",
            assumed_by=iam.ServicePrincipal("s3.amazonaws.com"),
            description="S3 cross-region replication of the objects bucket",
        )
        role.add_to_policy(
            iam.PolicyStatement(
                actions=["s3:GetReplicationConfiguration", "s3:ListBucket"],
                resources=[self.bucket.bucket_arn],
            )
        )
        role.add_to_policy(
            iam.PolicyStatement(
                actions=[
                    "s3:GetObjectVersionForReplication",
                    "s3:GetObjectVersionAcl",
                    "s3:GetObjectVersionTagging",
                ],
                resources=[self.bucket.arn_for_objects("*")],
            )
        )
        key.grant_decrypt(role)
        rules: list[s3.CfnBucket.ReplicationRuleProperty] = []
        for priority, (region, (bucket_arn, key_alias_arn)) in enumerate(
            sorted(replicate_to.items())
        ):
            destination_arn = cdk.Fn.sub(bucket_arn)
            role.add_to_policy(
                iam.PolicyStatement(
                    actions=["s3:ReplicateObject", "s3:ReplicateDelete", "s3:ReplicateTags"],
                    resources=[cdk.Fn.sub(bucket_arn + "/*")],
                )
            )
            role.add_to_policy(
                iam.PolicyStatement(
                    actions=["kms:Encrypt", "kms:GenerateDataKey"],
                    resources=[
                        cdk.Fn.sub(
                            f"arn:${{AWS::Partition}}:kms:{region}:${{AWS::AccountId}}:key/*"
                        )
                    ],
                    conditions={
                        "ForAnyValue:StringEquals": {
                            "kms:ResourceAliases": key_alias_arn[key_alias_arn.index("alias/") :]
                        }
                    },
                )
            )
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
        cfn_bucket = self.bucket.node.default_child
        assert isinstance(cfn_bucket, s3.CfnBucket)
        cfn_bucket.replication_configuration = s3.CfnBucket.ReplicationConfigurationProperty(
            role=role.role_arn, rules=rules
        )
        return role
