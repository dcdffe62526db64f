"""The sessions table: one DynamoDB global table with a replica in every region."""

from __future__ import annotations

import aws_cdk as cdk
from aws_cdk import aws_dynamodb as dynamodb
from aws_cdk import aws_kms as kms
from constructs import Construct


class SessionsTable(Construct):
    """Defined once, in the primary region; replica keys are named by alias ARN per region."""

    def __init__(
        self,
        scope: Construct,
        construct_id: str,
        *,
        table_name: str,
        key: kms.IKey,
        replica_regions: list[str],
        replica_key_arns: dict[str, str],
        on_demand: bool,
        read_capacity: int,
        write_capacity: int,
    ) -> None:
        super().__init__(scope, construct_id)
        billing = (
            dynamodb.Billing.on_demand()
            if on_demand
            else dynamodb.Billing.provisioned(
                read_capacity=dynamodb.Capacity.fixed(read_capacity),
                write_capacity=dynamodb.Capacity.autoscaled(
                    max_capacity=write_capacity * 10, min_capacity=write_capacity
                ),
            )
        )
        self.table = dynamodb.TableV2(
            self,
            "Table",
            table_name=table_name,
            partition_key=dynamodb.Attribute(name="pk", type=dynamodb.AttributeType.STRING),
            sort_key=dynamodb.Attribute(name="sk", type=dynamodb.AttributeType.STRING),
            billing=billing,
            time_to_live_attribute="expires_at",
            point_in_time_recovery_specification=dynamodb.PointInTimeRecoverySpecification(
                point_in_time_recovery_enabled=True
            ),
            deletion_protection=True,
            dynamo_stream=dynamodb.StreamViewType.NEW_AND_OLD_IMAGES,
            encryption=dynamodb.TableEncryptionV2.customer_managed_key(
                key, replica_key_arns={r: cdk.Fn.sub(replica_key_arns[r]) for r in replica_regions}
            ),
            replicas=[
                dynamodb.ReplicaTableProps(
                    region=region,
                    point_in_time_recovery_specification=dynamodb.PointInTimeRecoverySpecification(
                        point_in_time_recovery_enabled=True
                    ),
                    deletion_protection=True,
                )
                for region in replica_regions
            ],
            removal_policy=cdk.RemovalPolicy.RETAIN,
        )
