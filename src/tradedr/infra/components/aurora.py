"""Aurora MySQL global database: writer cluster in the primary, secondary per standby.

Storage-level replication (typically under a second) instead of binlog replicas, and a
managed switchover/failover of about a minute. Backtrack is not available for global
databases, so recovery from bad writes relies on backups and point-in-time restore.
"""

from __future__ import annotations

import aws_cdk as cdk
from aws_cdk import aws_ec2 as ec2
from aws_cdk import aws_kms as kms
from aws_cdk import aws_rds as rds
from constructs import Construct

from tradedr.infra.components.compliance import acknowledge
from tradedr.infra.components.database import (
    LOG_EXPORTS,
    MONITORING_INTERVAL_SECONDS,
    MYSQL_PORT,
    PASSWORD_EXCLUDED_CHARACTERS,
    DatabaseMonitoring,
    db_security_group,
    isolated_subnet_group,
    replicate_secret,
)

BACKTRACK_TRADE_OFF = (
    "Aurora global databases cannot use Backtrack; rewinding a bad write relies on "
    "point-in-time restore and the backup plan instead, which is slower but global-safe."
)
MEMBER_BACKUP_TRADE_OFF = (
    "Aurora instances hold no data of their own: the backup plan selects the cluster, whose "
    "volume holds every row, so selecting each instance as well would back nothing more up."
)

AURORA_ENGINE = "aurora-mysql"
AURORA_SG_DESCRIPTION = "Orders Aurora cluster: MySQL from inside the VPC only"


class AuroraGlobalPrimary(Construct):
    """The writer cluster (writer + one reader in another AZ) and the global cluster."""

    def __init__(
        self,
        scope: Construct,
        construct_id: str,
        *,
        vpc: ec2.IVpc,
        vpc_cidr: str,
        key: kms.IKey,
        monitoring: DatabaseMonitoring,
        cluster_identifier: str,
        global_cluster_identifier: str,
        engine_version: str,
        instance_class: str,
        backup_retention_days: int,
        secret_name: str,
        secret_replica_key_aliases: dict[str, str],
    ) -> None:
        super().__init__(scope, construct_id)
        self.security_group = db_security_group(
            self, vpc, vpc_cidr, description=AURORA_SG_DESCRIPTION
        )
        instance_type = ec2.InstanceType(instance_class.removeprefix("db."))
        self.cluster = rds.DatabaseCluster(
            self,
            "Cluster",
            engine=rds.DatabaseClusterEngine.aurora_mysql(
                version=rds.AuroraMysqlEngineVersion.of(engine_version, "8.0")
            ),
            cluster_identifier=cluster_identifier,
            writer=rds.ClusterInstance.provisioned(
                "Writer", instance_type=instance_type, instance_identifier=f"{cluster_identifier}-1"
            ),
            readers=[
                rds.ClusterInstance.provisioned(
                    "Reader",
                    instance_type=instance_type,
                    instance_identifier=f"{cluster_identifier}-2",
                )
            ],
            vpc=vpc,
            vpc_subnets=ec2.SubnetSelection(subnet_type=ec2.SubnetType.PRIVATE_ISOLATED),
            security_groups=[self.security_group],
            storage_encrypted=True,
            storage_encryption_key=key,
            credentials=rds.Credentials.from_generated_secret(
                "orders_admin",
                secret_name=secret_name,
                encryption_key=key,
                exclude_characters=PASSWORD_EXCLUDED_CHARACTERS,
            ),
            backup=rds.BackupProps(retention=cdk.Duration.days(backup_retention_days)),
            deletion_protection=True,
            copy_tags_to_snapshot=True,
            iam_authentication=True,
            cloudwatch_logs_exports=LOG_EXPORTS,
            monitoring_interval=cdk.Duration.seconds(MONITORING_INTERVAL_SECONDS),
            monitoring_role=monitoring.role,
            port=MYSQL_PORT,
            removal_policy=cdk.RemovalPolicy.SNAPSHOT,
        )
        acknowledge(self.cluster, rules=["AwsSolutions-RDS14"], reason=BACKTRACK_TRADE_OFF)
        master_secret = self.cluster.node.find_child("Secret")
        # The master password outlives the stack like the RDS path's secret: a snapshot
        # restored after a delete is useless without the credentials it was taken with.
        assert isinstance(master_secret, cdk.Resource)
        master_secret.apply_removal_policy(cdk.RemovalPolicy.RETAIN)
        replicate_secret(master_secret, secret_replica_key_aliases)
        for member in ("Writer", "Reader"):
            acknowledge(
                self.cluster.node.find_child(member),
                rules=["NIST.800.53.R5-RDSInBackupPlan"],
                reason=MEMBER_BACKUP_TRADE_OFF,
            )
        self.global_cluster = rds.CfnGlobalCluster(
            self,
            "Global",
            global_cluster_identifier=global_cluster_identifier,
            source_db_cluster_identifier=self.cluster.cluster_arn,
            deletion_protection=True,
        )
        self.global_cluster.apply_removal_policy(cdk.RemovalPolicy.RETAIN)
        self.secret = self.cluster.secret


class AuroraGlobalSecondary(Construct):
    """A headless-by-default secondary cluster in a standby, joined to the global cluster by
    its stable identifier (no cross-region reference)."""

    def __init__(
        self,
        scope: Construct,
        construct_id: str,
        *,
        vpc: ec2.IVpc,
        vpc_cidr: str,
        key: kms.IKey,
        monitoring: DatabaseMonitoring,
        cluster_identifier: str,
        global_cluster_identifier: str,
        engine_version: str,
        instance_class: str,
        instances: int,
        backup_retention_days: int,
    ) -> None:
        super().__init__(scope, construct_id)
        self.security_group = db_security_group(
            self, vpc, vpc_cidr, description=AURORA_SG_DESCRIPTION
        )
        subnet_group = isolated_subnet_group(
            self, vpc, description="Orders Aurora secondary subnets"
        )
        self.cluster = rds.CfnDBCluster(
            self,
            "Cluster",
            db_cluster_identifier=cluster_identifier,
            global_cluster_identifier=global_cluster_identifier,
            engine=AURORA_ENGINE,
            engine_version=engine_version,
            kms_key_id=key.key_arn,
            storage_encrypted=True,
            db_subnet_group_name=subnet_group.subnet_group_name,
            vpc_security_group_ids=[self.security_group.security_group_id],
            backup_retention_period=backup_retention_days,
            deletion_protection=True,
            copy_tags_to_snapshot=True,
            enable_iam_database_authentication=True,
            enable_cloudwatch_logs_exports=LOG_EXPORTS,
            port=MYSQL_PORT,
        )
        self.cluster.apply_removal_policy(cdk.RemovalPolicy.SNAPSHOT)
        acknowledge(self.cluster, rules=["AwsSolutions-RDS14"], reason=BACKTRACK_TRADE_OFF)
        self.instances = []
        for index in range(1, instances + 1):
            instance = rds.CfnDBInstance(
                self,
                f"Instance{index}",
                db_instance_identifier=f"{cluster_identifier}-{index}",
                db_cluster_identifier=self.cluster.ref,
                db_instance_class=instance_class,
                engine=AURORA_ENGINE,
                publicly_accessible=False,
                auto_minor_version_upgrade=True,
                monitoring_interval=MONITORING_INTERVAL_SECONDS,
                monitoring_role_arn=monitoring.role.role_arn,
            )
            acknowledge(
                instance, rules=["NIST.800.53.R5-RDSInBackupPlan"], reason=MEMBER_BACKUP_TRADE_OFF
            )
            # Members hold no data of their own: the cluster volume (Snapshot policy) does.
            self.instances.append(instance)
        self.identifier = cluster_identifier
