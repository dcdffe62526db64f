"""The app stack of a region: ALB and ASG, alarms and dashboard, and the opt-in
region-loss detector in the first standby."""

from __future__ import annotations

import aws_cdk as cdk
from aws_cdk import aws_cloudwatch as cloudwatch
from aws_cdk import aws_sns as sns
from constructs import Construct

from tradedr.config import Settings
from tradedr.infra.components.autofailover import ProbeSettings, RegionLossDetector
from tradedr.infra.components.compute import AppTier
from tradedr.infra.components.monitoring import AlarmSpec, RegionMonitoring, alarm_topic, metric
from tradedr.infra.components.readiness import NAMESPACE as READINESS_NAMESPACE
from tradedr.infra.components.readiness import ReadinessSchedule, schedule_seconds
from tradedr.infra.components.tagging import name_component
from tradedr.infra.readiness_facts import readiness_facts
from tradedr.infra.stacks.base import _output, _RegionalStack, sourced_parameter
from tradedr.infra.stacks.data import DataStack
from tradedr.names import Names, region_code

GT = cloudwatch.ComparisonOperator.GREATER_THAN_THRESHOLD
LT = cloudwatch.ComparisonOperator.LESS_THAN_THRESHOLD


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
        mrsc = settings.database.is_mrsc
        secret_arn = (
            None if mrsc else cdk.Fn.sub(names.db_secret_arn(region, settings.primary_region))
        )
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
            secret_name=names.db_secret(settings.primary_region),
            allowed_regions=settings.all_regions,
            key=data.key,
            log_bucket=data.log_bucket,
            alarm_topic=topic,
            waf_name=names.web_acl(region),
            certificate_arn=settings.certificate_arn(region),
            orders_table_arn=names.orders_table_arn(region) if mrsc else None,
            orders_table_name=names.orders_table if mrsc else None,
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
        if settings.failover.orchestrator == "arc-region-switch":
            # The ARN carries a UUID no name derives; CloudFormation returns it as GetAtt
            # AutoScalingGroupARN, read by the region-switch stack's parameters.
            asg = tier.asg.node.default_child
            assert isinstance(asg, cdk.CfnResource)
            _output(self, "AsgArn", asg.get_att("AutoScalingGroupARN").to_string(), "ASG ARN")
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
        if self._runs_readiness(region):
            self._readiness_schedule(region, data)

    def _runs_readiness(self, region: str) -> bool:
        return bool(self.settings.readiness.schedule) and region == self.settings.standby_regions[0]

    def _readiness_schedule(self, region: str, data: DataStack) -> None:
        """Readiness on a schedule (opt-in): the checks of `tradedr readiness` in the first
        standby, which is the region that would take over."""
        settings, names = self.settings, self.names
        assert settings.readiness.schedule is not None
        self.readiness = ReadinessSchedule(
            self,
            "Readiness",
            vpc=data.vpc,
            key=data.key,
            function_name=names.readiness_function(region),
            schedule=settings.readiness.schedule,
            facts=readiness_facts(settings, region),
            regions=settings.all_regions,
        )
        _output(
            self,
            "ReadinessFunctionName",
            self.readiness.function.function_name,
            "Scheduled readiness checks (disable its schedule rule to pause them)",
        )
        _output(self, "ReadinessRule", self.readiness.rule.rule_name, "Readiness schedule")

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

    def _mrsc_store_specs(self) -> list[AlarmSpec]:
        """Active-active on MRSC: no DB instance and no replica lag (a write is acknowledged
        only once another region holds it); the orders table's throttles and errors."""
        table = {"TableName": self.names.orders_table}
        return [
            AlarmSpec(
                "orders-throttles",
                metric("AWS/DynamoDB", "ThrottledRequests", table),
                0,
                GT,
                description="Orders MRSC table throttled requests",
            ),
            AlarmSpec(
                "orders-system-errors",
                metric("AWS/DynamoDB", "SystemErrors", table),
                0,
                GT,
                description="Orders MRSC table: requests failing with 5xx in this region",
            ),
        ]

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
        mrsc = settings.database.is_mrsc
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
        if mrsc:
            specs = [spec for spec in specs if spec.key != "rds-cpu"] + self._mrsc_store_specs()
        elif not aurora:  # Aurora storage grows by itself
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
        if self.role == "standby" and mrsc:
            pass  # no replica lag: every acknowledged write is already in two regions
        elif self.role == "standby":
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
        if self._runs_readiness(region):
            assert settings.readiness.schedule is not None
            # Two periods of at least the schedule's interval: a run that failed twice, or
            # two missing runs (the function broken or its schedule off), alarm.
            period = max(300, -(-schedule_seconds(settings.readiness.schedule) // 60) * 60)
            specs.append(
                AlarmSpec(
                    "readiness",
                    metric(READINESS_NAMESPACE, "Ready", {}, "Minimum", period),
                    1,
                    LT,
                    evaluation_periods=2,
                    missing_data=cloudwatch.TreatMissingData.BREACHING,
                    description="Readiness checks failed (or did not run): could this standby "
                    "take over now? See the readiness function's log",
                )
            )
        return specs
