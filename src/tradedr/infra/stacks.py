"""Deployment units: per region a data stack, a replica stack (standbys) and an app stack,
plus one global routing stack.

Failover never updates a stack: it acts through service APIs in the standby region. Stacks
hold no cross-region references; cross-region names come from `Names`, and the global
stack takes each region's ALB as deploy-time parameters.
"""

from __future__ import annotations

import aws_cdk as cdk
from aws_cdk import aws_cloudwatch as cloudwatch
from aws_cdk import aws_ec2 as ec2
from aws_cdk import aws_kms as kms
from aws_cdk import aws_secretsmanager as secretsmanager
from aws_cdk import aws_sns as sns
from constructs import Construct, IConstruct

from tradedr.config import REQUIRED_TAG_KEYS, Posture, Settings
from tradedr.infra.components.aurora import AuroraGlobalPrimary, AuroraGlobalSecondary
from tradedr.infra.components.autofailover import ProbeSettings, RegionLossDetector
from tradedr.infra.components.backup import BackupPlan, BackupVault
from tradedr.infra.components.compute import AppTier
from tradedr.infra.components.database import DatabaseMonitoring, OrdersDatabase, OrdersReplica
from tradedr.infra.components.monitoring import AlarmSpec, RegionMonitoring, alarm_topic, metric
from tradedr.infra.components.network import Network
from tradedr.infra.components.rotation import DbKind, SecretRotation
from tradedr.infra.components.routing import AcceleratorRecord, GlobalRouting, RegionEndpoint
from tradedr.infra.components.security import AuditTrail, ConfigRules, DataKey
from tradedr.infra.components.sessions import SessionsTable
from tradedr.infra.components.storage import LogBucket, ObjectsBucket
from tradedr.infra.components.tagging import apply_required_tags, name_component
from tradedr.infra.components.traffic import (
    CONTROL_PLANE_REGION,
    GLOBAL_ACCELERATOR_ZONE_ID,
    AcceleratorTraffic,
    ArcRoutingControls,
)
from tradedr.names import Names, region_code

GT = cloudwatch.ComparisonOperator.GREATER_THAN_THRESHOLD
LT = cloudwatch.ComparisonOperator.LESS_THAN_THRESHOLD


def _output(stack: cdk.Stack, key: str, value: str, description: str) -> None:
    cdk.CfnOutput(stack, key, value=value, description=description)


PARAMETER_SOURCES = "tradedr:parameter-sources"


def sourced_parameter(
    stack: cdk.Stack, name: str, *, source_stack: str, output: str, description: str
) -> cdk.CfnParameter:
    """A deploy-time parameter whose value is another stack's output.

    The mapping is written into the template's Metadata so the deployer can fill it from
    earlier stacks without a cross-region reference.
    """
    parameter = cdk.CfnParameter(stack, name, type="String", description=description)
    metadata = stack.template_options.metadata or {}
    sources = dict(metadata.get(PARAMETER_SOURCES, {}))
    sources[name] = {"stack": source_stack, "output": output}
    stack.template_options.metadata = {**metadata, PARAMETER_SOURCES: sources}
    return parameter


class _RegionalStack(cdk.Stack):
    def __init__(
        self, scope: Construct, construct_id: str, *, settings: Settings, region: str, kind: str
    ) -> None:
        names = Names(settings)
        super().__init__(
            scope,
            construct_id,
            stack_name=construct_id,
            env=cdk.Environment(region=region),
            synthesizer=cdk.BootstraplessSynthesizer(),
            description=f"tradedr {kind} stack for {settings.prefix} in {region} "
            f"({settings.role_of(region)}, {settings.posture.value})",
            termination_protection=kind == "data",
        )
        self.settings = settings
        self.names = names
        self.role = settings.role_of(region)
        apply_required_tags(
            self, tags=settings.required_tags(region), name=f"{settings.prefix}-{kind}-{region}"
        )


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


class AppStack(_RegionalStack):
    """ALB, ASG sized by posture, alarms and dashboard: stateless, safe to replace."""

    def __init__(
        self,
        scope: Construct,
        *,
        settings: Settings,
        region: str,
        data: DataStack,
        db_endpoint: str,
    ) -> None:
        names = Names(settings)
        super().__init__(
            scope, names.app_stack(region), settings=settings, region=region, kind="app"
        )
        prefix = settings.prefix
        table_arn = names.sessions_table_arn(region)
        # By stable name, not by reference: the secret lives in the primary and is replicated
        # into each standby under the same name, so every region reads its own copy.
        secret_arn = cdk.Fn.sub(names.db_secret_arn(region, settings.primary_region))
        topic = alarm_topic(
            self,
            "AlarmTopic",
            topic_name=names.alarm_topic(region),
            alarm_email=settings.alarm_email,
            key=data.key,
        )
        self.tier = AppTier(
            self,
            "App",
            vpc=data.vpc,
            instance_type=settings.regions[region].instance_type,
            capacity=settings.capacity(region),
            asg_name=names.asg(region),
            alb_name=names.alb(region),
            target_group_name=names.target_group(region),
            health_check_path=settings.routing.health_check_path,
            table_name=names.sessions_table,
            table_arn=table_arn,
            db_endpoint=db_endpoint,
            db_endpoint_parameter=names.db_endpoint_parameter,
            secret_arn=secret_arn,
            allowed_regions=settings.all_regions,
            key=data.key,
            log_bucket=data.log_bucket,
            alarm_topic=topic,
            waf_name=names.web_acl(region),
            certificate_arn=settings.certificate_arn(region),
        )
        name_component(self.tier, name=f"{prefix}-app-{region}")
        self.monitoring = RegionMonitoring(
            self,
            "Monitoring",
            topic=topic,
            alarms=self._alarm_specs(region),
            alarm_name_prefix=names.alarm_prefix(region),
            dashboard_name=names.dashboard(region),
        )
        tier = self.tier
        _output(self, "AlbDnsName", tier.alb.load_balancer_dns_name, "ALB DNS name")
        _output(self, "AlbArn", tier.alb.load_balancer_arn, "ALB ARN")
        _output(
            self,
            "AlbHostedZoneId",
            tier.alb.load_balancer_canonical_hosted_zone_id,
            "ALB canonical hosted zone",
        )
        _output(self, "TargetGroupArn", tier.target_group.target_group_arn, "Target group ARN")
        _output(self, "AsgName", tier.asg.auto_scaling_group_name, "Auto Scaling group")
        _output(
            self,
            "DbEndpointParameter",
            tier.db_endpoint_parameter.parameter_name,
            "SSM parameter holding the DB endpoint the app uses",
        )
        _output(self, "AlarmTopicArn", topic.topic_arn, "Alarm topic")
        _output(self, "WebAclArn", tier.web_acl.attr_arn, "WAF web ACL on the ALB")
        _output(self, "DashboardName", names.dashboard(region), "CloudWatch dashboard")
        if settings.failover.automatic and region == settings.standby_regions[0]:
            self._region_loss_detector(region, data, topic)

    def _region_loss_detector(self, region: str, data: DataStack, topic: sns.ITopic) -> None:
        """Automatic failover (opt-in): the detector lives in the first standby only, so
        exactly one region can promote itself."""
        settings, names = self.settings, self.names
        primary = settings.primary_region
        failover = settings.failover
        assert failover.max_data_loss_seconds is not None  # the config requires it
        primary_alb = sourced_parameter(
            self,
            "PrimaryAlbDnsName",
            source_stack=names.app_stack(primary),
            output="AlbDnsName",
            description=f"ALB DNS name in the primary ({primary}), probed by the detector",
        )
        self.detector = RegionLossDetector(
            self,
            "RegionLossDetector",
            vpc=data.vpc,
            key=data.key,
            topic=topic,
            function_name=names.failover_detector(region),
            primary_region=primary,
            primary_health_url=(
                f"{'https' if settings.tls else 'http'}://{primary_alb.value_as_string}"
                f"{settings.routing.health_check_path}"
            ),
            primary_cluster_id=names.db_cluster(primary),
            global_cluster_id=names.global_cluster,
            target_cluster_id=names.db_cluster(region),
            witness_accelerator=names.accelerator
            if settings.routing.traffic == "global-accelerator"
            else None,
            witness_route53=settings.routing.traffic == "dns-failover",
            probe=ProbeSettings(
                interval_seconds=failover.probe_interval_seconds,
                failures=failover.probe_failures,
                timeout_seconds=failover.probe_timeout_seconds,
                max_data_loss_seconds=failover.max_data_loss_seconds,
            ),
        )
        _output(
            self,
            "RegionLossDetectorName",
            self.detector.function.function_name,
            "Automatic failover detector (disable its schedule rule to pause it)",
        )
        _output(self, "RegionLossDetectorRule", self.detector.rule.rule_name, "Detector schedule")

    def _alarm_specs(self, region: str) -> list[AlarmSpec]:
        settings, names = self.settings, self.names
        tier = self.tier
        aurora = settings.database.is_aurora_global
        db_dims = (
            {"DBClusterIdentifier": names.db_cluster(region)}
            if aurora
            else {"DBInstanceIdentifier": names.db_identifier(region)}
        )
        alb_dims = {"LoadBalancer": tier.alb.load_balancer_full_name}
        tg_dims = {**alb_dims, "TargetGroup": tier.target_group.target_group_full_name}
        capacity_min = settings.capacity(region)[0]
        specs = [
            AlarmSpec(
                "alb-5xx",
                metric("AWS/ApplicationELB", "HTTPCode_ELB_5XX_Count", alb_dims),
                10,
                GT,
                description="ALB returns 5xx: the app tier is failing requests",
            ),
            AlarmSpec(
                "rds-cpu",
                metric("AWS/RDS", "CPUUtilization", db_dims, "Average", 300),
                80,
                GT,
                description="Orders DB CPU above 80%",
            ),
            AlarmSpec(
                "dynamodb-throttles",
                metric("AWS/DynamoDB", "ThrottledRequests", {"TableName": names.sessions_table}),
                0,
                GT,
                description="Sessions table throttled requests",
            ),
        ]
        if not aurora:  # Aurora storage grows by itself
            specs.append(
                AlarmSpec(
                    "rds-free-storage",
                    metric("AWS/RDS", "FreeStorageSpace", db_dims, "Minimum", 300),
                    settings.database.allocated_storage_gb * 1024**3 * 0.1,
                    LT,
                    description="Orders DB has under 10% of its storage free",
                )
            )
        if capacity_min > 0:
            specs.insert(
                0,
                AlarmSpec(
                    "alb-unhealthy-hosts",
                    metric("AWS/ApplicationELB", "UnHealthyHostCount", tg_dims, "Maximum"),
                    0,
                    GT,
                    description="Targets failing the deep /health check",
                ),
            )
        if self.role == "standby":
            lag_seconds = settings.database.replica_lag_alarm_seconds
            specs.append(
                AlarmSpec(
                    "rds-replica-lag",
                    # Aurora reports global replication lag in milliseconds on the secondary.
                    metric("AWS/RDS", "AuroraGlobalDBReplicationLag", db_dims, "Maximum")
                    if aurora
                    else metric("AWS/RDS", "ReplicaLag", db_dims, "Maximum"),
                    lag_seconds * 1000 if aurora else lag_seconds,
                    GT,
                    evaluation_periods=2,
                    description="Replica lag above the alarm threshold: failover would lose data",
                )
            )
        else:
            for standby in settings.standby_regions:
                if settings.posture.replicates_data:
                    # DynamoDB emits ReplicationLatency in the region the write came from, one
                    # series per receiving region; Maximum, so the alarm bounds the lag.
                    specs.append(
                        AlarmSpec(
                            f"dynamodb-replication-latency-{region_code(standby)}",
                            metric(
                                "AWS/DynamoDB",
                                "ReplicationLatency",
                                {"TableName": names.sessions_table, "ReceivingRegion": standby},
                                "Maximum",
                            ),
                            settings.targets.rpo_seconds * 1000,
                            GT,
                            description=f"Sessions replication to {standby} slower than the RPO",
                        )
                    )
                specs.append(
                    AlarmSpec(
                        f"s3-replication-latency-{region_code(standby)}",
                        metric(
                            "AWS/S3",
                            "ReplicationLatency",
                            {
                                "SourceBucket": names.bucket(region),
                                "DestinationBucket": names.bucket(standby),
                                "RuleId": f"to-{standby}",
                            },
                            "Maximum",
                            300,
                        ),
                        900,
                        GT,
                        description=f"S3 replication to {standby} slower than RTC's 15 minutes",
                    )
                )
        return specs


class TrafficStack(cdk.Stack):
    """ARC routing controls or Global Accelerator, in us-west-2 where their control planes
    live. Only synthesized when `routing.traffic` asks for one of them."""

    def __init__(self, scope: Construct, *, settings: Settings, app_regions: list[str]) -> None:
        names = Names(settings)
        super().__init__(
            scope,
            names.traffic_stack,
            stack_name=names.traffic_stack,
            env=cdk.Environment(region=CONTROL_PLANE_REGION),
            synthesizer=cdk.BootstraplessSynthesizer(),
            description=f"tradedr fast traffic control ({settings.routing.traffic}) for "
            f"{settings.prefix}",
        )
        apply_required_tags(
            self,
            tags={
                **settings.required_tags(settings.primary_region),
                "DisasterRecovery": f"{settings.posture.value}:global",
            },
            name=f"{settings.prefix}-traffic",
        )
        routing = settings.routing
        self.arc: ArcRoutingControls | None = None
        self.accelerator: AcceleratorTraffic | None = None
        if routing.traffic == "arc":
            self.arc = ArcRoutingControls(
                self,
                "Arc",
                cluster_name=names.arc_cluster,
                control_panel_name=names.control_panel,
                routing_control_names={r: names.routing_control(r) for r in app_regions},
            )
            _output(self, "ArcClusterArn", self.arc.cluster.attr_cluster_arn, "ARC cluster")
            _output(
                self,
                "ControlPanelArn",
                self.arc.control_panel.attr_control_panel_arn,
                "ARC control panel",
            )
            for region, control in self.arc.routing_controls.items():
                _output(
                    self,
                    f"RoutingControlArn{region_code(region).upper()}",
                    control.attr_routing_control_arn,
                    f"Routing control of {region}",
                )
        else:
            alb_arns = {
                region: sourced_parameter(
                    self,
                    f"AlbArn{region_code(region).upper()}",
                    source_stack=names.app_stack(region),
                    output="AlbArn",
                    description=f"ALB ARN in {region}",
                ).value_as_string
                for region in app_regions
            }
            serving = (
                app_regions
                if settings.posture is Posture.ACTIVE_ACTIVE
                else [settings.primary_region]
            )
            self.accelerator = AcceleratorTraffic(
                self,
                "Accelerator",
                accelerator_name=names.accelerator,
                alb_arns=alb_arns,
                serving_regions=serving,
                health_check_path=routing.health_check_path,
                health_check_threshold=routing.health_check_failure_threshold,
                health_check_interval_seconds=routing.health_check_interval_seconds,
                https=settings.tls,
            )
            accelerator = self.accelerator.accelerator
            _output(self, "AcceleratorArn", accelerator.accelerator_arn, "Global Accelerator")
            _output(self, "AcceleratorDnsName", accelerator.dns_name, "Accelerator DNS name")
            for region, group in self.accelerator.endpoint_groups.items():
                _output(
                    self,
                    f"EndpointGroupArn{region_code(region).upper()}",
                    group.endpoint_group_arn,
                    f"Endpoint group of {region}",
                )


class GlobalStack(cdk.Stack):
    """Route 53 zone, health checks and records. ALBs, routing controls and the accelerator
    arrive as deploy-time parameters filled from other stacks' outputs, not references."""

    def __init__(self, scope: Construct, *, settings: Settings, app_regions: list[str]) -> None:
        names = Names(settings)
        super().__init__(
            scope,
            names.global_stack,
            stack_name=names.global_stack,
            env=cdk.Environment(region=settings.primary_region),
            synthesizer=cdk.BootstraplessSynthesizer(),
            description=f"tradedr global routing for {settings.prefix}",
        )
        apply_required_tags(
            self,
            tags={
                **settings.required_tags(settings.primary_region),
                "DisasterRecovery": f"{settings.posture.value}:global",
            },
            name=f"{settings.prefix}-global",
        )
        routing = settings.routing
        if routing.traffic == "global-accelerator":
            dns = sourced_parameter(
                self,
                "AcceleratorDnsName",
                source_stack=names.traffic_stack,
                output="AcceleratorDnsName",
                description="Global Accelerator DNS name",
            )
            self.routing: GlobalRouting | AcceleratorRecord = AcceleratorRecord(
                self,
                "Routing",
                domain_name=routing.domain_name,
                record_name=routing.record_name,
                accelerator_dns_name=dns.value_as_string,
                accelerator_zone_id=GLOBAL_ACCELERATOR_ZONE_ID,
            )
        else:
            endpoints = {
                r: self._endpoint(names, r, routing.traffic, https=settings.tls)
                for r in app_regions
            }
            self.routing = GlobalRouting(
                self,
                "Routing",
                domain_name=routing.domain_name,
                record_name=routing.record_name,
                primary=endpoints[settings.primary_region],
                standbys=[endpoints[r] for r in app_regions if r != settings.primary_region],
                health_check_path=routing.health_check_path,
                interval_seconds=routing.health_check_interval_seconds,
                failure_threshold=routing.health_check_failure_threshold,
                active_active=settings.posture is Posture.ACTIVE_ACTIVE,
            )
        _output(self, "HostedZoneId", self.routing.zone.hosted_zone_id, "Public hosted zone")
        _output(self, "RecordName", self.routing.fqdn, "Name clients resolve")
        for region, check in self.routing.health_checks.items():
            _output(
                self,
                f"HealthCheck{region_code(region).upper()}",
                check.ref,
                f"Health check of {region}",
            )

    def _endpoint(self, names: Names, region: str, traffic: str, *, https: bool) -> RegionEndpoint:
        code = region_code(region).upper()
        app_stack = names.app_stack(region)
        dns = sourced_parameter(
            self,
            f"AlbDns{code}",
            source_stack=app_stack,
            output="AlbDnsName",
            description=f"ALB DNS name in {region}",
        )
        zone = sourced_parameter(
            self,
            f"AlbZone{code}",
            source_stack=app_stack,
            output="AlbHostedZoneId",
            description=f"ALB canonical hosted zone id in {region}",
        )
        control_arn = None
        if traffic == "arc":
            control_arn = sourced_parameter(
                self,
                f"RoutingControlArn{code}",
                source_stack=names.traffic_stack,
                output=f"RoutingControlArn{code}",
                description=f"ARC routing control of {region}",
            ).value_as_string
        return RegionEndpoint(
            region, dns.value_as_string, zone.value_as_string, control_arn, https=https
        )


def add_dependency(dependent: cdk.Stack, dependency: cdk.Stack) -> None:
    """Order-only dependency (allowed across regions): no values flow."""
    dependent.add_stack_dependency(dependency, "deployment order")


__all__ = [
    "AppStack",
    "DataStack",
    "GlobalStack",
    "ReplicaStack",
    "TrafficStack",
    "add_dependency",
    "kms",
    "sourced_parameter",
]
