"""The data stack of a region: network, key, buckets, vault; in the primary also the
orders DB (or Aurora global primary), its secret rotation, the sessions table and backups."""

from __future__ import annotations

from aws_cdk import aws_ec2 as ec2
from aws_cdk import aws_secretsmanager as secretsmanager
from constructs import Construct, IConstruct

from tradedr.config import REQUIRED_TAG_KEYS, Posture, Settings
from tradedr.infra.components.aurora import AuroraGlobalPrimary
from tradedr.infra.components.backup import BackupPlan, BackupVault
from tradedr.infra.components.database import DatabaseMonitoring, OrdersDatabase
from tradedr.infra.components.network import Network
from tradedr.infra.components.orders_table import OrdersTable
from tradedr.infra.components.rotation import DbKind, SecretRotation
from tradedr.infra.components.security import AuditTrail, ConfigRules, DataKey
from tradedr.infra.components.sessions import SessionsTable
from tradedr.infra.components.storage import LogBucket, ObjectsBucket
from tradedr.infra.components.tagging import name_component
from tradedr.infra.stacks.base import _output, _RegionalStack
from tradedr.names import Names


class DataStack(_RegionalStack):
    """Network, key, objects bucket and vault; in the primary also the DB, table and plan."""

    def __init__(self, scope: Construct, *, settings: Settings, region: str) -> None:
        names = Names(settings)
        super().__init__(
            scope, names.data_stack(region), settings=settings, region=region, kind="data"
        )
        is_primary = self.role == "primary"
        replicate = settings.posture.replicates_data

        self.key = DataKey(self, "DataKey", alias=names.kms_alias(region)).key
        self.network = Network(
            self,
            "Network",
            cidr=settings.regions[region].cidr,
            availability_zones=settings.availability_zones(region),
            nat_gateways=settings.nat_gateways(region),
            key=self.key,
        )
        name_component(self.network, name=f"{settings.prefix}-vpc-{region}")
        self.vpc: ec2.IVpc = self.network.vpc

        replicate_to = (
            {r: (names.bucket_arn(r), names.kms_alias_arn(r)) for r in settings.standby_regions}
            if is_primary and replicate
            else None
        )
        self.log_bucket = LogBucket(self, "AccessLogs", bucket_name=names.log_bucket(region)).bucket
        self.objects = ObjectsBucket(
            self,
            "Objects",
            bucket_name=names.bucket(region),
            key=self.key,
            access_log_bucket=self.log_bucket,
            replicate_to=replicate_to,
        )
        self.db_monitoring = DatabaseMonitoring(self, "DbMonitoring", key=self.key)
        ConfigRules(
            self,
            "ConfigRules",
            prefix=settings.prefix,
            required_tags=list(REQUIRED_TAG_KEYS),
            enable_security_hub=settings.security.security_hub,
        )
        self.vault = BackupVault(
            self, "Backup", vault_name=names.backup_vault(region), key=self.key
        ).vault

        _output(self, "VpcId", self.vpc.vpc_id, "VPC of this region")
        _output(self, "KmsKeyArn", self.key.key_arn, "Customer-managed data key")
        _output(self, "BucketName", self.objects.bucket.bucket_name, "Objects bucket")
        _output(self, "BackupVaultName", self.vault.backup_vault_name, "Backup vault")
        _output(self, "LogBucketName", self.log_bucket.bucket_name, "Access-log bucket")

        if is_primary:
            self._primary_data(region)

    def _primary_data(self, region: str) -> None:
        settings, names = self.settings, self.names
        db = settings.database
        self.trail = AuditTrail(
            self,
            "AuditTrail",
            trail_name=names.trail,
            bucket_name=names.trail_bucket,
            key=self.key,
            access_log_bucket=self.log_bucket,
        )
        _output(self, "TrailName", names.trail, "Multi-region CloudTrail")
        if db.is_aurora_global:
            self._aurora_primary(region)
            return
        if db.is_mrsc:
            self._mrsc_primary(region)
            return
        self.database = OrdersDatabase(
            self,
            "Orders",
            vpc=self.vpc,
            vpc_cidr=settings.regions[region].cidr,
            key=self.key,
            monitoring=self.db_monitoring,
            identifier=names.db_identifier(region),
            secret_name=names.db_secret(region),
            secret_replica_key_aliases={r: names.kms_alias(r) for r in settings.standby_regions},
            engine_version=db.engine_version,
            instance_class=db.instance_class,
            multi_az=db.multi_az,
            allocated_storage_gb=db.allocated_storage_gb,
            backup_retention_days=db.backup_retention_days,
        )
        database = self.database
        self._rotation(
            region,
            secret=database.secret,
            db_kind="instance",
            db_identifier=database.identifier,
            db_arn=database.arn,
            after=[database.instance, database.attachment],
        )
        self._sessions_and_backups(region, database.arn)
        self.db_endpoint = database.endpoint_address
        self.db_secret_arn: str = database.secret_arn
        _output(self, "DbIdentifier", database.identifier, "Orders DB instance id")
        _output(self, "DbEndpoint", database.endpoint_address, "Orders DB endpoint")
        _output(self, "DbArn", database.arn, "Orders DB ARN")
        _output(self, "DbSecretArn", database.secret_arn, "Generated DB master credentials")

    def _aurora_primary(self, region: str) -> None:
        settings, names = self.settings, self.names
        db = settings.database
        self.aurora = AuroraGlobalPrimary(
            self,
            "OrdersAurora",
            vpc=self.vpc,
            vpc_cidr=settings.regions[region].cidr,
            key=self.key,
            monitoring=self.db_monitoring,
            cluster_identifier=names.db_cluster(region),
            global_cluster_identifier=names.global_cluster,
            engine_version=db.engine_version,
            instance_class=db.instance_class,
            backup_retention_days=db.backup_retention_days,
            secret_name=names.db_secret(region),
            secret_replica_key_aliases={r: names.kms_alias(r) for r in settings.standby_regions},
        )
        cluster = self.aurora.cluster
        assert self.aurora.secret is not None
        self._rotation(
            region,
            secret=self.aurora.secret,
            db_kind="cluster",
            db_identifier=names.db_cluster(region),
            db_arn=cluster.cluster_arn,
            after=[cluster],
        )
        self.db_endpoint = cluster.cluster_endpoint.hostname
        self._sessions_and_backups(region, cluster.cluster_arn)
        _output(self, "DbIdentifier", cluster.cluster_identifier, "Orders Aurora cluster id")
        _output(self, "DbEndpoint", cluster.cluster_endpoint.hostname, "Writer endpoint")
        _output(self, "DbArn", cluster.cluster_arn, "Orders Aurora cluster ARN")
        _output(self, "GlobalClusterIdentifier", names.global_cluster, "Aurora global cluster")
        self.db_secret_arn = self.aurora.secret.secret_arn
        _output(self, "DbSecretArn", self.aurora.secret.secret_arn, "Generated DB credentials")

    def _mrsc_primary(self, region: str) -> None:
        """The orders MRSC global table: no DB instance, no secret, nothing to rotate."""
        settings, names = self.settings, self.names
        replica_regions = settings.standby_regions
        self.orders = OrdersTable(
            self,
            "OrdersTable",
            table_name=names.orders_table,
            key=self.key,
            replica_regions=replica_regions,
            replica_key_arns={r: names.kms_alias_arn(r) for r in replica_regions},
            witness_region=settings.database.witness_region,
        )
        table = self.orders.table
        # The app tier reads the store's name where the other engines give a DB endpoint;
        # the stable name, not a reference, as every region's app reads its own replica.
        self.db_endpoint = names.orders_table
        self._sessions_and_backups(region, table.table_arn)
        _output(self, "OrdersTableName", table.table_name, "Orders MRSC global table")
        _output(self, "OrdersTableArn", table.table_arn, "Orders MRSC global table ARN")

    def _rotation(
        self,
        region: str,
        *,
        secret: secretsmanager.ISecret,
        db_kind: DbKind,
        db_identifier: str,
        db_arn: str,
        after: list[IConstruct],
    ) -> None:
        """The master secret rotates every 30 days; its replicas follow the primary's."""
        self.rotation = SecretRotation(
            self,
            "SecretRotation",
            secret=secret,
            key=self.key,
            vpc=self.vpc,
            function_name=self.names.rotation_function(region),
            db_kind=db_kind,
            db_identifier=db_identifier,
            db_arn=db_arn,
            after=after,
        )
        _output(
            self, "RotationFunctionName", self.rotation.function.function_name, "DB secret rotation"
        )

    def _sessions_and_backups(self, region: str, db_arn: str) -> None:
        settings, names = self.settings, self.names
        db = settings.database
        replica_regions = settings.standby_regions if settings.posture.replicates_data else []
        self.sessions = SessionsTable(
            self,
            "Sessions",
            table_name=names.sessions_table,
            key=self.key,
            replica_regions=replica_regions,
            replica_key_arns={r: names.kms_alias_arn(r) for r in replica_regions},
            on_demand=settings.sessions.billing_mode == "on-demand",
            read_capacity=settings.sessions.read_capacity,
            write_capacity=settings.sessions.write_capacity,
        )
        BackupPlan(
            self,
            "BackupPlan",
            plan_name=names.backup_plan,
            vault=self.vault,
            copy_vault_arns=[names.backup_vault_arn(r) for r in settings.standby_regions],
            resource_arns=[db_arn, self.sessions.table.table_arn],
            retention_days=max(db.backup_retention_days, 7),
            hourly=settings.posture is Posture.BACKUP_RESTORE,
        )
        _output(self, "TableName", self.sessions.table.table_name, "Sessions global table")
        _output(self, "TableArn", self.sessions.table.table_arn, "Sessions global table ARN")
