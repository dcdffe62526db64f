"""The orders database: RDS MySQL Multi-AZ primary, and cross-region read replicas."""

from __future__ import annotations

import aws_cdk as cdk
from aws_cdk import aws_ec2 as ec2
from aws_cdk import aws_kms as kms
from aws_cdk import aws_rds as rds
from constructs import Construct

MYSQL_PORT = 3306


def _engine(version: str) -> rds.IInstanceEngine:
    major = ".".join(version.split(".")[:2])
    return rds.DatabaseInstanceEngine.mysql(
        version=rds.MysqlEngineVersion.of(version, major),
    )


def _db_security_group(scope: Construct, vpc: ec2.IVpc) -> ec2.SecurityGroup:
    group = ec2.SecurityGroup(
        scope,
        "SecurityGroup",
        vpc=vpc,
        description="Orders DB: MySQL from inside the VPC only",
        allow_all_outbound=False,
    )
    group.add_ingress_rule(
        ec2.Peer.ipv4(vpc.vpc_cidr_block), ec2.Port.tcp(MYSQL_PORT), "MySQL from the VPC"
    )
    return group


class OrdersDatabase(Construct):
    """Primary-region writer. Credentials are generated into Secrets Manager; none are typed."""

    def __init__(
        self,
        scope: Construct,
        construct_id: str,
        *,
        vpc: ec2.IVpc,
        key: kms.IKey,
        identifier: str,
        secret_name: str,
        engine_version: str,
        instance_class: str,
        multi_az: bool,
        allocated_storage_gb: int,
        backup_retention_days: int,
    ) -> None:
        super().__init__(scope, construct_id)
        self.security_group = _db_security_group(self, vpc)
        self.instance = rds.DatabaseInstance(
            self,
            "Instance",
            engine=_engine(engine_version),
            instance_type=ec2.InstanceType(instance_class.removeprefix("db.")),
            instance_identifier=identifier,
            vpc=vpc,
            vpc_subnets=ec2.SubnetSelection(subnet_type=ec2.SubnetType.PRIVATE_ISOLATED),
            security_groups=[self.security_group],
            multi_az=multi_az,
            allocated_storage=allocated_storage_gb,
            storage_type=rds.StorageType.GP3,
            storage_encrypted=True,
            storage_encryption_key=key,
            credentials=rds.Credentials.from_generated_secret(
                "orders_admin", secret_name=secret_name, encryption_key=key
            ),
            backup_retention=cdk.Duration.days(backup_retention_days),
            deletion_protection=True,
            delete_automated_backups=False,
            copy_tags_to_snapshot=True,
            iam_authentication=True,
            auto_minor_version_upgrade=True,
            publicly_accessible=False,
            cloudwatch_logs_exports=["error", "slowquery"],
            removal_policy=cdk.RemovalPolicy.SNAPSHOT,
        )
        self.secret = self.instance.secret
        # The snapshot taken on delete is useless without the credentials it was made with.
        # (`instance.secret` is the target attachment; the generated secret is the child.)
        generated = self.instance.node.try_find_child("Secret")
        if isinstance(generated, cdk.Resource):
            generated.apply_removal_policy(cdk.RemovalPolicy.RETAIN)


class OrdersReplica(Construct):
    """Cross-region read replica of the primary, found by its stable ARN, not a reference."""

    def __init__(
        self,
        scope: Construct,
        construct_id: str,
        *,
        vpc: ec2.IVpc,
        key: kms.IKey,
        identifier: str,
        source_arn: str,
        instance_class: str,
        multi_az: bool,
    ) -> None:
        super().__init__(scope, construct_id)
        self.security_group = _db_security_group(self, vpc)
        subnet_group = rds.SubnetGroup(
            self,
            "Subnets",
            vpc=vpc,
            description="Orders DB replica subnets",
            vpc_subnets=ec2.SubnetSelection(subnet_type=ec2.SubnetType.PRIVATE_ISOLATED),
            removal_policy=cdk.RemovalPolicy.RETAIN,
        )
        self.instance = rds.CfnDBInstance(
            self,
            "Instance",
            db_instance_identifier=identifier,
            source_db_instance_identifier=cdk.Fn.sub(source_arn),
            db_instance_class=instance_class,
            db_subnet_group_name=subnet_group.subnet_group_name,
            vpc_security_groups=[self.security_group.security_group_id],
            kms_key_id=key.key_arn,
            storage_encrypted=True,
            multi_az=multi_az,
            publicly_accessible=False,
            copy_tags_to_snapshot=True,
            deletion_protection=True,
            auto_minor_version_upgrade=True,
            enable_iam_database_authentication=True,
            enable_cloudwatch_logs_exports=["error", "slowquery"],
        )
        self.instance.apply_removal_policy(cdk.RemovalPolicy.SNAPSHOT)
        self.identifier = identifier
