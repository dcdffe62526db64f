"""The replica stack of a standby: the orders DB read replica or Aurora secondary."""

from __future__ import annotations

import aws_cdk as cdk
from constructs import Construct

from tradedr.config import Posture, Settings
from tradedr.infra.components.aurora import AuroraGlobalSecondary
from tradedr.infra.components.database import OrdersReplica
from tradedr.infra.stacks.base import _output, _RegionalStack
from tradedr.infra.stacks.data import DataStack
from tradedr.names import Names


class ReplicaStack(_RegionalStack):
    """The orders DB read replica of one standby; promoting it is the failover."""

    def __init__(
        self, scope: Construct, *, settings: Settings, region: str, data: DataStack
    ) -> None:
        names = Names(settings)
        super().__init__(
            scope, names.replica_stack(region), settings=settings, region=region, kind="replica"
        )
        full_capacity = settings.posture in (Posture.HOT_STANDBY, Posture.ACTIVE_ACTIVE)
        db = settings.database
        if db.is_aurora_global:
            self.secondary = AuroraGlobalSecondary(
                self,
                "OrdersSecondary",
                vpc=data.vpc,
                vpc_cidr=settings.regions[region].cidr,
                key=data.key,
                monitoring=data.db_monitoring,
                cluster_identifier=names.db_cluster(region),
                global_cluster_identifier=names.global_cluster,
                engine_version=db.engine_version,
                instance_class=db.instance_class,
                instances=2 if full_capacity else 1,
                backup_retention_days=db.backup_retention_days,
            )
            self.db_endpoint = self.secondary.cluster.attr_endpoint_address
            _output(self, "DbIdentifier", names.db_cluster(region), "Aurora secondary cluster")
            _output(self, "DbEndpoint", self.db_endpoint, "Secondary cluster endpoint")
            _output(self, "DbArn", self.secondary.cluster.attr_db_cluster_arn, "Cluster ARN")
            _output(self, "GlobalClusterIdentifier", names.global_cluster, "Global cluster")
            return
        self.replica = OrdersReplica(
            self,
            "OrdersReplica",
            vpc=data.vpc,
            vpc_cidr=settings.regions[region].cidr,
            key=data.key,
            monitoring=data.db_monitoring,
            identifier=names.db_identifier(region),
            source_arn=names.db_arn(settings.primary_region),
            instance_class=settings.database.instance_class,
            multi_az=full_capacity,
        )
        self.db_endpoint = self.replica.instance.attr_endpoint_address
        _output(self, "DbIdentifier", names.db_identifier(region), "Orders DB replica id")
        _output(self, "DbEndpoint", self.db_endpoint, "Replica endpoint")
        _output(self, "DbArn", cdk.Fn.sub(names.db_arn(region)), "Replica ARN")
