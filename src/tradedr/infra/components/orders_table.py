"""The orders store under `database.engine = "dynamodb-mrsc"`: a DynamoDB global table in
multi-Region strong consistency (MRSC).

Every replica accepts writes; a write is acknowledged only once it is durable in another
Region, and a strongly consistent read returns the latest acknowledged version from any
replica, so losing a Region loses no acknowledged order (RPO 0) and nothing needs promoting.
Exactly three Regions of one Region set: three replicas, or two replicas plus a witness.
No TTL and no transactions (MRSC supports neither); the consistency mode is fixed at
creation. aws-cdk-lib 2.275.0's `TableV2` has `multi_region_consistency` and
`witness_region` (it synthesizes `MultiRegionConsistency` and `GlobalTableWitnesses`).

Sources:
https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/V2globaltables_HowItWorks.html#V2globaltables_HowItWorks.consistency-modes-mrsc
https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/aws-properties-dynamodb-globaltable-globaltablewitness.html
https://docs.aws.amazon.com/cdk/api/v2/python/aws_cdk.aws_dynamodb/MultiRegionConsistency.html
"""

from __future__ import annotations

import aws_cdk as cdk
from aws_cdk import aws_dynamodb as dynamodb
from aws_cdk import aws_kms as kms
from constructs import Construct

# The key the reference app writes with a condition on (attribute_not_exists(pk)): the
# client order id, so a retried submission is the same item, never a second order.
ORDERS_PARTITION_KEY = "pk"


class OrdersTable(Construct):
    """Defined once, in the primary region, with a replica in every other region (and a
    witness when configured). PITR and deletion protection on every replica, a CMK per
    region (replica keys named by alias ARN), on-demand, retained on delete."""

    def __init__(
        self,
        scope: Construct,
        construct_id: str,
        *,
        table_name: str,
        key: kms.IKey,
        replica_regions: list[str],
        replica_key_arns: dict[str, str],
        witness_region: str | None,
    ) -> None:
        super().__init__(scope, construct_id)
        pitr = dynamodb.PointInTimeRecoverySpecification(point_in_time_recovery_enabled=True)
        self.table = dynamodb.TableV2(
            self,
            "Table",
            table_name=table_name,
            partition_key=dynamodb.Attribute(
                name=ORDERS_PARTITION_KEY, type=dynamodb.AttributeType.STRING
            ),
            billing=dynamodb.Billing.on_demand(),
            multi_region_consistency=dynamodb.MultiRegionConsistency.STRONG,
            witness_region=witness_region,
            point_in_time_recovery_specification=pitr,
            deletion_protection=True,
            encryption=dynamodb.TableEncryptionV2.customer_managed_key(
                key, replica_key_arns={r: cdk.Fn.sub(replica_key_arns[r]) for r in replica_regions}
            ),
            replicas=[
                dynamodb.ReplicaTableProps(
                    region=region,
                    point_in_time_recovery_specification=pitr,
                    deletion_protection=True,
                )
                for region in replica_regions
            ],
            removal_policy=cdk.RemovalPolicy.RETAIN,
        )
