"""Monthly cost of every billable resource in the synthesized templates.

Quantities come from the templates (instance type and count, DB class and Multi-AZ,
storage, alarms, health-check options ...) and, where a template cannot know them, from
the `[usage]` config section. Prices come from a `PriceBook`. A line whose price is
missing is kept, marked unavailable, and left out of every total.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from tradedr.analysis.prices import Price, PriceBook
from tradedr.analysis.rto import DETECTOR_ROLE, backup_interval_seconds
from tradedr.analysis.templates import Resource, StackDoc, TemplateSet
from tradedr.config import Posture, Settings

# Resource types that cost nothing by themselves (their cost shows up elsewhere).
FREE_TYPES = frozenset(
    {
        "AWS::EC2::VPC",
        "AWS::EC2::Subnet",
        "AWS::EC2::RouteTable",
        "AWS::EC2::Route",
        "AWS::EC2::SubnetRouteTableAssociation",
        "AWS::EC2::InternetGateway",
        "AWS::EC2::VPCGatewayAttachment",
        "AWS::EC2::SecurityGroup",
        "AWS::EC2::SecurityGroupIngress",
        "AWS::EC2::SecurityGroupEgress",
        "AWS::IAM::Role",
        "AWS::IAM::Policy",
        "AWS::IAM::ManagedPolicy",
        "AWS::IAM::InstanceProfile",
        "AWS::KMS::Alias",
        "AWS::EC2::LaunchTemplate",
        "AWS::AutoScaling::ScalingPolicy",
        "AWS::ElasticLoadBalancingV2::Listener",
        "AWS::ElasticLoadBalancingV2::TargetGroup",
        "AWS::ElasticLoadBalancingV2::ListenerRule",
        "AWS::SNS::Topic",
        "AWS::SNS::TopicPolicy",
        "AWS::SNS::Subscription",
        "AWS::S3::BucketPolicy",
        "AWS::GlobalAccelerator::Listener",
        "AWS::GlobalAccelerator::EndpointGroup",
        "AWS::Route53RecoveryControl::ControlPanel",
        "AWS::Route53RecoveryControl::RoutingControl",
        "AWS::Route53RecoveryControl::SafetyRule",
        "AWS::RDS::DBSubnetGroup",
        "AWS::RDS::GlobalCluster",  # billed through its clusters' replicated write I/O
        "AWS::RDS::DBParameterGroup",
        "AWS::SecretsManager::SecretTargetAttachment",
        "AWS::SecretsManager::RotationSchedule",
        "AWS::Backup::BackupVault",
        "AWS::Backup::BackupSelection",
        "AWS::SSM::Parameter",
        "AWS::EC2::FlowLog",
        "AWS::Route53::RecordSet",
        "AWS::WAFv2::WebACLAssociation",
        "AWS::Lambda::Permission",
        "AWS::CDK::Metadata",
        "AWS::CloudFormation::WaitConditionHandle",
        "AWS::EC2::NetworkAcl",
        "AWS::EC2::NetworkAclEntry",
        "AWS::EC2::SubnetNetworkAclAssociation",
        "AWS::Logs::LogGroup",  # priced by ingestion/storage usage per region, not per group
        "AWS::Events::Rule",
        "AWS::IAM::ServiceLinkedRole",
    }
)

SERVICE = {
    "lambda": "AWS Lambda",
    "ec2": "Amazon EC2",
    "ebs": "Amazon EBS",
    "elb": "Elastic Load Balancing",
    "vpc": "Amazon VPC",
    "rds": "Amazon RDS",
    "dynamodb": "Amazon DynamoDB",
    "s3": "Amazon S3",
    "transfer": "Data transfer",
    "route53": "Amazon Route 53",
    "cloudwatch": "Amazon CloudWatch",
    "logs": "CloudWatch Logs",
    "kms": "AWS KMS",
    "secretsmanager": "AWS Secrets Manager",
    "cloudtrail": "AWS CloudTrail",
    "backup": "AWS Backup",
    "waf": "AWS WAF",
    "config": "AWS Config",
    "globalaccelerator": "AWS Global Accelerator",
    "arc": "Route 53 ARC",
}


@dataclass
class LineItem:
    region: str
    service: str
    component: str
    resource: str
    charge: str
    quantity: float
    unit: str
    price: Price

    @property
    def monthly(self) -> float | None:
        if self.quantity == 0:
            return 0.0
        if self.price.usd is None:
            return None
        return round(self.quantity * self.price.usd, 2)

    @property
    def priced(self) -> bool:
        return self.monthly is not None

    def to_dict(self) -> dict[str, Any]:
        return {
            "service": self.service,
            "component": self.component,
            "resource": self.resource,
            "charge": self.charge,
            "monthly": self.monthly,
            "quantity": round(self.quantity, 4),
            "unit": self.unit,
            "unit_price": self.price.usd,
            "price_key": self.price.key,
            "price_basis": self.price.basis,
            "price_source": self.price.source,
            "price_date": self.price.source_date,
            "status": "price unavailable"
            if not self.priced
            else ("fallback price" if self.price.basis.startswith("fallback") else "priced"),
        }


@dataclass
class RegionCost:
    region: str
    items: list[LineItem] = field(default_factory=list)

    @property
    def monthly(self) -> float:
        return round(sum(i.monthly or 0.0 for i in self.items), 2)

    @property
    def unpriced(self) -> list[LineItem]:
        return [i for i in self.items if not i.priced]

    def by_component(self) -> dict[str, float]:
        totals: dict[str, float] = {}
        for item in self.items:
            totals[item.component] = round(totals.get(item.component, 0.0) + (item.monthly or 0), 2)
        return totals

    def by_service(self) -> dict[str, float]:
        totals: dict[str, float] = {}
        for item in self.items:
            totals[item.service] = round(totals.get(item.service, 0.0) + (item.monthly or 0), 2)
        return totals


@dataclass
class CostReport:
    settings: Settings
    prices: PriceBook
    regions: list[RegionCost]
    not_modelled: list[str]
    recommendations: list[dict[str, Any]] = field(default_factory=list)

    @property
    def total_monthly(self) -> float:
        return round(sum(r.monthly for r in self.regions), 2)

    @property
    def standby_monthly(self) -> float:
        return round(
            sum(r.monthly for r in self.regions if r.region in self.settings.standby_regions), 2
        )

    def region(self, name: str) -> RegionCost:
        return next(r for r in self.regions if r.region == name)

    @property
    def warnings(self) -> list[str]:
        notes = []
        for region in self.regions:
            missing = region.unpriced
            if missing:
                names = sorted({f"{i.charge}" for i in missing})
                notes.append(
                    f"{region.region}: {len(missing)} line(s) have no price in "
                    f"{self.prices.description} and are excluded from the totals: "
                    + "; ".join(names)
                )
            fallback = [i for i in region.items if i.price.basis.startswith("fallback")]
            if fallback:
                notes.append(
                    f"{region.region}: {len(fallback)} line(s) priced with another "
                    "region's price (labelled 'fallback price')"
                )
        if self.not_modelled:
            notes.append("resource types not priced by tradedr: " + ", ".join(self.not_modelled))
        return notes

    def to_dict(self) -> dict[str, Any]:
        return {
            "currency": self.prices.currency,
            "price_date": self.prices.price_date,
            "prices": self.prices.description,
            "posture": self.settings.posture.value,
            "regions": [
                {
                    "region": r.region,
                    "monthly": r.monthly,
                    "unpriced_items": len(r.unpriced),
                    "items": [i.to_dict() for i in r.items],
                }
                for r in self.regions
            ],
            "total_monthly": self.total_monthly,
            "standby_monthly": self.standby_monthly,
            "usage": self.settings.usage.model_dump(),
            "recommendations": self.recommendations,
            "warnings": self.warnings,
        }


class _Pricer:
    """Walks the templates and turns each billable resource into line items."""

    def __init__(self, templates: TemplateSet, prices: PriceBook) -> None:
        self.templates = templates
        self.settings = templates.settings
        self.usage = templates.settings.usage
        self.prices = prices
        self.hours = self.usage.hours_per_month
        self.regions: dict[str, RegionCost] = {}
        self.not_modelled: set[str] = set()

    # helpers -------------------------------------------------------------------------

    def add(
        self,
        region: str,
        component: str,
        res: Resource | str,
        charge: str,
        quantity: float,
        unit: str,
        key: str,
    ) -> None:
        service = SERVICE.get(key.split(".")[0], key.split(".")[0])
        resource = res if isinstance(res, str) else f"{res.stack}/{res.logical_id}"
        price_region = "all" if region == "global" else region
        price = self.prices.price(
            key, self.settings.primary_region if price_region == "all" else price_region
        )
        self.regions.setdefault(region, RegionCost(region)).items.append(
            LineItem(region, service, component, resource, charge, quantity, unit, price)
        )

    def traffic_share(self, region: str) -> float:
        """Share of user traffic a region carries before any failover."""
        if self.settings.posture is Posture.ACTIVE_ACTIVE:
            return 1.0 / len(self.settings.all_regions)
        if region == self.settings.primary_region:
            return 1.0
        return self.usage.standby_usage_fraction

    # resource pricers ----------------------------------------------------------------

    def asg(self, stack: StackDoc, asg: Resource) -> None:
        region = stack.region
        desired = int(asg.prop("DesiredCapacity", 0) or 0)
        lt_ref = asg.prop("LaunchTemplate.LaunchTemplateId.Ref")
        lt = next(
            (r for r in stack.resources("AWS::EC2::LaunchTemplate") if r.logical_id == lt_ref), None
        )
        data = lt.prop("LaunchTemplateData", {}) if lt else {}
        instance_type = data.get("InstanceType", "unknown")
        self.add(
            region,
            "ec2",
            asg,
            f"EC2 {instance_type} x {desired} (DesiredCapacity)",
            desired * self.hours,
            "instance-hours",
            f"ec2.instance.{instance_type}",
        )
        for mapping in data.get("BlockDeviceMappings", []):
            ebs = mapping.get("Ebs", {})
            volume_type = ebs.get("VolumeType", "gp3")
            size = float(ebs.get("VolumeSize", 8))
            self.add(
                region,
                "ebs",
                asg,
                f"EBS {volume_type} {size:g} GB x {desired}",
                size * desired,
                "GB-month",
                f"ebs.{volume_type}.storage",
            )
        if data.get("Monitoring", {}).get("Enabled"):
            self.add(
                region,
                "cloudwatch",
                asg,
                f"EC2 detailed monitoring (7 metrics x {desired})",
                7 * desired,
                "metric-month",
                "cloudwatch.metric",
            )

    def alb(self, region: str, alb: Resource) -> None:
        if alb.prop("Type", "application") != "application":
            self.not_modelled.add(f"{alb.type} ({alb.prop('Type')})")
            return
        share = self.traffic_share(region)
        self.add(region, "alb", alb, "ALB hours", self.hours, "ALB-hours", "elb.alb.hour")
        self.add(
            region,
            "alb",
            alb,
            f"ALB LCU ({self.usage.alb_lcu_average:g} avg x {share:g})",
            self.usage.alb_lcu_average * share * self.hours,
            "LCU-hours",
            "elb.alb.lcu",
        )
        self.add(
            region,
            "transfer",
            alb,
            "Data transfer out to the internet",
            self.usage.internet_egress_gb * share,
            "GB",
            "transfer.internet",
        )

    def nat(self, region: str, nat: Resource, count: int) -> None:
        share = self.traffic_share(region)
        self.add(region, "nat", nat, "NAT gateway hours", self.hours, "hours", "vpc.nat.hour")
        self.add(
            region,
            "nat",
            nat,
            "NAT gateway data processed",
            self.usage.nat_processed_gb * share / max(count, 1),
            "GB",
            "vpc.nat.gb",
        )

    def eip(self, region: str, eip: Resource) -> None:
        self.add(
            region,
            "vpc",
            eip,
            "Public IPv4 address (Elastic IP)",
            self.hours,
            "hours",
            "vpc.public-ipv4",
        )

    def aurora_cluster_of(self, db: Resource) -> Resource | None:
        ref = db.prop("DBClusterIdentifier")
        for cluster in self.templates.resources("AWS::RDS::DBCluster", region=db.region):
            if ref == {"Ref": cluster.logical_id} or ref == cluster.prop("DBClusterIdentifier"):
                return cluster
        return None

    @staticmethod
    def aurora_mode(cluster: Resource | None) -> str:
        """Aurora Standard bills I/O per request; I/O-Optimized folds it into instance/storage."""
        storage = str(cluster.prop("StorageType", "") or "") if cluster else ""
        return "io-optimized" if storage == "aurora-iopt1" else "standard"

    def aurora_instance(self, region: str, db: Resource) -> None:
        cluster = self.aurora_cluster_of(db)
        mode = self.aurora_mode(cluster)
        db_class = str(db.prop("DBInstanceClass"))
        name = cluster.prop("DBClusterIdentifier") if cluster else "?"
        self.add(
            region,
            "aurora-instance",
            db,
            f"Aurora MySQL {db_class} ({mode}) in cluster {name}",
            self.hours,
            "instance-hours",
            f"aurora.mysql.{db_class}.{mode}",
        )

    def aurora_cluster(self, region: str, cluster: Resource) -> None:
        """Cluster volume and I/O; a global secondary also pays replicated write I/O and the
        inter-region transfer of the redo stream (billed in the primary)."""
        mode = self.aurora_mode(cluster)
        secondary = bool(cluster.prop("GlobalClusterIdentifier"))
        storage = self.usage.aurora_storage_gb
        self.add(
            region,
            "aurora-storage",
            cluster,
            f"Aurora storage {storage:g} GB ({mode}" + (", secondary copy)" if secondary else ")"),
            storage,
            "GB-month",
            f"aurora.storage.{mode}",
        )
        share = self.traffic_share(region) if secondary else 1.0
        self.add(
            region,
            "aurora-io",
            cluster,
            "Aurora I/O requests" + (" (reads served by the secondary)" if secondary else ""),
            self.usage.aurora_io_millions * share,
            "million requests",
            f"aurora.io.{mode}",
        )
        if secondary:
            self.add(
                region,
                "aurora-global",
                cluster,
                "Aurora global database replicated write I/O",
                self.usage.aurora_replicated_write_io_millions,
                "million replicated write I/Os",
                "aurora.global.replicated-io",
            )
            self.add(
                self.settings.primary_region,
                "transfer",
                cluster,
                f"Aurora global replication to {region} (inter-region transfer)",
                self.usage.rds_replication_gb,
                "GB",
                "transfer.inter-region",
            )
        elif int(cluster.prop("BackupRetentionPeriod", 1) or 0) > 0:
            self.add(
                region,
                "aurora-backup",
                cluster,
                "Aurora backup storage beyond the free allowance",
                max(self.usage.rds_backup_storage_gb - storage, 0.0),
                "GB-month",
                "aurora.backup.storage",
            )
        if cluster.prop("EnableCloudwatchLogsExports"):
            self.add(
                region,
                "logs",
                cluster,
                "Aurora logs ingested",
                self.usage.app_logs_gb * (share if secondary else 1.0),
                "GB",
                "logs.ingestion",
            )

    def accelerator(self, accelerator: Resource) -> None:
        """Fixed hourly fee plus the DT-Premium on the dominant (outbound) direction."""
        self.add(
            "global",
            "globalaccelerator",
            accelerator,
            "Global Accelerator fixed fee",
            self.hours,
            "accelerator-hours",
            "globalaccelerator.hour",
        )
        area = _ga_area(self.settings.primary_region)
        self.add(
            "global",
            "globalaccelerator",
            accelerator,
            f"Global Accelerator DT-Premium ({area.upper()}, outbound)",
            self.usage.internet_egress_gb,
            "GB",
            f"globalaccelerator.dt-premium-{area}",
        )

    def lambda_function(self, region: str, function: Resource) -> None:
        """Only the region-loss detector costs something: it runs all the time.

        The secret rotation function runs four short invocations every 30 days; its
        requests and GB-seconds round to $0.00 a month, so it has no line.
        """
        if function.prop("Environment.Variables.TRADEDR_ROLE") != DETECTOR_ROLE:
            return
        memory_gb = int(function.prop("MemorySize", 128) or 128) / 1024
        invocations = self.hours * 60  # rate(1 minute)
        seconds = invocations * int(function.prop("Timeout", 60) or 60)
        self.add(
            region,
            "lambda",
            function,
            f"Lambda compute, region-loss detector ({memory_gb * 1024:.0f} MB, running "
            "continuously)",
            seconds * memory_gb,
            "GB-seconds",
            "lambda.gb-second",
        )
        self.add(
            region,
            "lambda",
            function,
            "Lambda requests, region-loss detector (one a minute)",
            invocations / 1_000_000,
            "million requests",
            "lambda.requests",
        )

    def rds(self, region: str, db: Resource) -> None:
        if str(db.prop("Engine", "")).startswith("aurora"):
            self.aurora_instance(region, db)
            return
        primary = self.primary_db()
        engine = str(db.prop("Engine") or (primary.prop("Engine") if primary else "mysql"))
        db_class = str(db.prop("DBInstanceClass"))
        multi_az = bool(db.prop("MultiAZ"))
        az = "multi-az" if multi_az else "single-az"
        family = "rds.mysql" if engine == "mysql" else f"rds.{engine}"
        is_replica = bool(db.prop("SourceDBInstanceIdentifier"))
        role = "read replica" if is_replica else "primary"
        self.add(
            region,
            "rds-instance",
            db,
            f"RDS {engine} {db_class} {'Multi-AZ' if multi_az else 'Single-AZ'} ({role})",
            self.hours,
            "instance-hours",
            f"{family}.{db_class}.{az}",
        )
        storage_source = db if db.prop("AllocatedStorage") else primary
        storage = float((storage_source.prop("AllocatedStorage") if storage_source else 0) or 0)
        storage_type = str((storage_source.prop("StorageType") if storage_source else "") or "gp3")
        self.add(
            region,
            "rds-storage",
            db,
            f"RDS {storage_type} storage {storage:g} GB ({az})",
            storage,
            "GB-month",
            f"rds.{storage_type}.{az}",
        )
        if not is_replica and int(db.prop("BackupRetentionPeriod", 1) or 0) > 0:
            billable = max(self.usage.rds_backup_storage_gb - storage, 0.0)
            self.add(
                region,
                "rds-backup",
                db,
                "RDS backup storage beyond the free allowance",
                billable,
                "GB-month",
                "rds.backup.storage",
            )
        if is_replica:
            source_region = self.settings.primary_region
            self.add(
                source_region,
                "transfer",
                db,
                f"RDS replication to {region} (inter-region transfer)",
                self.usage.rds_replication_gb,
                "GB",
                "transfer.inter-region",
            )
        if db.prop("EnableCloudwatchLogsExports"):
            share = self.traffic_share(region) if is_replica else 1.0
            self.add(
                region,
                "logs",
                db,
                "RDS and app logs ingested",
                self.usage.app_logs_gb * share,
                "GB",
                "logs.ingestion",
            )

    def dynamodb(self, table: Resource) -> None:
        replicas = [str(r.get("Region")) for r in table.prop("Replicas", [])] or [table.region]
        on_demand = table.prop("BillingMode") == "PAY_PER_REQUEST"
        global_table = len(replicas) > 1
        ordered = [r for r in self.settings.all_regions if r in replicas]
        for region in ordered:
            if on_demand:
                if global_table:
                    self.add(
                        region,
                        "dynamodb",
                        table,
                        "DynamoDB replicated writes (every write lands in every replica)",
                        self.usage.dynamodb_writes_millions,
                        "million rWRU",
                        "dynamodb.rwru",
                    )
                else:
                    self.add(
                        region,
                        "dynamodb",
                        table,
                        "DynamoDB on-demand writes",
                        self.usage.dynamodb_writes_millions,
                        "million WRU",
                        "dynamodb.wru",
                    )
                self.add(
                    region,
                    "dynamodb",
                    table,
                    "DynamoDB on-demand reads",
                    self.usage.dynamodb_reads_millions * self.traffic_share(region),
                    "million RRU",
                    "dynamodb.rru",
                )
            else:
                self.add(
                    region,
                    "dynamodb",
                    table,
                    "DynamoDB provisioned capacity",
                    1,
                    "table-month",
                    "dynamodb.provisioned",
                )
            self.add(
                region,
                "dynamodb",
                table,
                "DynamoDB storage",
                self.usage.dynamodb_storage_gb,
                "GB-month",
                "dynamodb.storage",
            )
            self.add(
                region,
                "dynamodb",
                table,
                "DynamoDB point-in-time recovery",
                self.usage.dynamodb_storage_gb,
                "GB-month",
                "dynamodb.pitr",
            )

    def bucket(self, region: str, bucket: Resource, replicated_into: bool) -> None:
        share = self.traffic_share(region)
        stored = (
            self.usage.s3_storage_gb
            if (share >= 1 or replicated_into)
            else (self.usage.s3_storage_gb * share)
        )
        self.add(region, "s3", bucket, "S3 Standard storage", stored, "GB-month", "s3.storage")
        self.add(
            region,
            "s3",
            bucket,
            "S3 PUT/COPY/POST/LIST requests",
            self.usage.s3_put_thousands * share,
            "1,000 requests",
            "s3.put",
        )
        self.add(
            region,
            "s3",
            bucket,
            "S3 GET and other requests",
            self.usage.s3_get_thousands * share,
            "1,000 requests",
            "s3.get",
        )
        for rule in bucket.prop("ReplicationConfiguration.Rules", []) or []:
            target = str(rule.get("Id", "replica"))
            self.add(
                region,
                "transfer",
                bucket,
                f"S3 replication {target} (inter-region transfer)",
                self.usage.s3_replicated_gb,
                "GB",
                "transfer.inter-region",
            )
            if rule.get("Destination", {}).get("ReplicationTime", {}).get("Status") == "Enabled":
                self.add(
                    region,
                    "s3",
                    bucket,
                    f"S3 Replication Time Control {target}",
                    self.usage.s3_replicated_gb,
                    "GB",
                    "s3.rtc",
                )

    def backup_plan(self, region: str, plan: Resource) -> None:
        rule = plan.prop("BackupPlan.BackupPlanRule.0", {}) or {}
        interval = backup_interval_seconds(str(rule.get("ScheduleExpression", "")))
        runs = 30 * 24 * 3600 / interval
        retention = float(rule.get("Lifecycle", {}).get("DeleteAfterDays", 7))
        kept = min(runs, retention * 24 * 3600 / interval)
        ddb_gb = self.usage.dynamodb_storage_gb * kept
        rds_gb = self.usage.rds_backup_storage_gb
        self.add(
            region,
            "backup",
            plan,
            f"AWS Backup RDS snapshots ({kept:g} kept)",
            rds_gb,
            "GB-month",
            "backup.rds",
        )
        self.add(
            region,
            "backup",
            plan,
            f"AWS Backup DynamoDB backups ({kept:g} kept, full)",
            ddb_gb,
            "GB-month",
            "backup.dynamodb",
        )
        for action in rule.get("CopyActions", []):
            arn = str(action.get("DestinationBackupVaultArn", ""))
            dest = next((r for r in self.settings.all_regions if f":{r}:" in arn), None)
            if dest is None:
                continue
            self.add(
                region,
                "transfer",
                plan,
                f"AWS Backup copies to {dest} (transfer)",
                self.usage.dynamodb_storage_gb * runs + self.usage.rds_replication_gb,
                "GB",
                "backup.copy-transfer",
            )
            self.add(
                dest,
                "backup",
                plan,
                f"AWS Backup RDS snapshot copies from {region}",
                rds_gb,
                "GB-month",
                "backup.rds",
            )
            self.add(
                dest,
                "backup",
                plan,
                f"AWS Backup DynamoDB copies from {region}",
                ddb_gb,
                "GB-month",
                "backup.dynamodb",
            )

    def health_check(self, check: Resource) -> None:
        config = check.prop("HealthCheckConfig", {}) or {}
        kind = str(config.get("Type", "HTTP"))
        label = check.logical_id
        self.add(
            "global",
            "route53",
            check,
            f"Route 53 health check {label}",
            1,
            "health check-month",
            "route53.health-check.aws",
        )
        extras = []
        if int(config.get("RequestInterval", 30)) == 10:
            extras.append(("fast interval (10 s)", "route53.health-check.fast"))
        if kind.startswith("HTTPS"):
            extras.append(("HTTPS", "route53.health-check.https"))
        if kind.endswith("STR_MATCH"):
            extras.append(("string matching", "route53.health-check.string-match"))
        if config.get("MeasureLatency"):
            extras.append(("latency measurement", "route53.health-check.latency"))
        for name, key in extras:
            self.add(
                "global",
                "route53",
                check,
                f"Route 53 health check {name} surcharge",
                1,
                "feature-month",
                key,
            )

    def primary_db(self) -> Resource | None:
        for db in self.templates.resources(
            "AWS::RDS::DBInstance", region=self.settings.primary_region
        ):
            if not db.prop("SourceDBInstanceIdentifier"):
                return db
        return None

    # walk ----------------------------------------------------------------------------

    def run(self) -> tuple[list[RegionCost], list[str]]:
        settings = self.settings
        replicated_into: set[str] = set()
        for bucket in self.templates.resources("AWS::S3::Bucket"):
            for rule in bucket.prop("ReplicationConfiguration.Rules", []) or []:
                arn = str(rule.get("Destination", {}).get("Bucket", ""))
                replicated_into.update(r for r in settings.all_regions if arn.endswith(f"-{r}"))
                replicated_into.update(r for r in settings.all_regions if r in arn)
        for region in settings.all_regions:
            self.regions.setdefault(region, RegionCost(region))
        handlers: dict[str, Callable[[StackDoc, Resource], None]] = {
            "AWS::AutoScaling::AutoScalingGroup": self.asg,
            "AWS::ElasticLoadBalancingV2::LoadBalancer": lambda s, r: self.alb(s.region, r),
            "AWS::EC2::EIP": lambda s, r: self.eip(s.region, r),
            "AWS::RDS::DBInstance": lambda s, r: self.rds(s.region, r),
            "AWS::DynamoDB::GlobalTable": lambda s, r: self.dynamodb(r),
            "AWS::S3::Bucket": lambda s, r: (
                None if r.holds_logs else self.bucket(s.region, r, s.region in replicated_into)
            ),
            "AWS::Backup::BackupPlan": lambda s, r: self.backup_plan(s.region, r),
            "AWS::Route53::HealthCheck": lambda s, r: self.health_check(r),
            "AWS::Route53::HostedZone": lambda s, r: self.add(
                "global", "route53", r, "Route 53 hosted zone", 1, "zone-month", "route53.zone"
            ),
            "AWS::CloudWatch::Alarm": lambda s, r: self.add(
                s.region,
                "cloudwatch",
                r,
                "CloudWatch alarm"
                + (" (high resolution)" if int(r.prop("Period", 60) or 60) < 60 else ""),
                1,
                "alarm-month",
                "cloudwatch.alarm"
                if int(r.prop("Period", 60) or 60) >= 60
                else "cloudwatch.alarm.high-resolution",
            ),
            "AWS::GlobalAccelerator::Accelerator": lambda s, r: self.accelerator(r),
            "AWS::Lambda::Function": lambda s, r: self.lambda_function(s.region, r),
            "AWS::RDS::DBCluster": lambda s, r: self.aurora_cluster(s.region, r),
            "AWS::Route53RecoveryControl::Cluster": lambda s, r: self.add(
                "global",
                "arc",
                r,
                "Route 53 ARC cluster",
                self.hours,
                "cluster-hours",
                "arc.cluster",
            ),
            "AWS::CloudWatch::Dashboard": lambda s, r: self.add(
                s.region,
                "cloudwatch",
                r,
                "CloudWatch dashboard",
                1,
                "dashboard-month",
                "cloudwatch.dashboard",
            ),
            "AWS::KMS::Key": lambda s, r: self._kms(s.region, r),
            "AWS::SecretsManager::Secret": lambda s, r: self._secret(s.region, r),
            "AWS::CloudTrail::Trail": lambda s, r: self._trail(s.region, r),
            "AWS::WAFv2::WebACL": lambda s, r: self._waf(s.region, r),
            "AWS::EC2::NatGateway": lambda s, r: self.nat(
                s.region, r, len(list(s.resources("AWS::EC2::NatGateway")))
            ),
            "AWS::EC2::FlowLog": lambda s, r: self.add(
                s.region,
                "logs",
                r,
                "VPC flow logs delivered to CloudWatch Logs",
                self.usage.flow_logs_gb * max(self.traffic_share(s.region), 0.2),
                "GB",
                "logs.vended",
            ),
        }
        for stack in self.templates.stacks:
            for res in stack.resources():
                handler = handlers.get(res.type)
                if handler is not None:
                    handler(stack, res)
                elif res.type not in FREE_TYPES and not res.type.startswith("Custom::"):
                    self.not_modelled.add(res.type)
        for region in settings.all_regions:
            if self.templates.resources("AWS::Logs::LogGroup", region=region) or any(
                db.prop("EnableCloudwatchLogsExports")
                for db in self.templates.resources("AWS::RDS::DBInstance", region=region)
            ):
                share = 1.0 if region == settings.primary_region else 0.25
                self.add(
                    region,
                    "logs",
                    f"{region} log groups",
                    "CloudWatch Logs storage",
                    self.usage.log_storage_gb * share,
                    "GB-month",
                    "logs.storage",
                )
        if any(s.kind == "global" for s in self.templates.stacks):
            self.add(
                "global",
                "route53",
                "queries",
                "Route 53 alias queries to the ALBs",
                self.usage.route53_queries_millions,
                "million queries",
                "route53.alias-queries",
            )
        order = [*settings.all_regions, "global"]
        regions = [self.regions[r] for r in order if r in self.regions]
        return regions, sorted(self.not_modelled)

    def _kms(self, region: str, key: Resource) -> None:
        self.add(region, "kms", key, "KMS customer managed key", 1, "key-month", "kms.key")
        self.add(
            region,
            "kms",
            key,
            "KMS requests",
            self.usage.kms_requests_10k * max(self.traffic_share(region), 0.1),
            "10,000 requests",
            "kms.requests",
        )

    def _secret(self, region: str, secret: Resource) -> None:
        self.add(
            region,
            "secretsmanager",
            secret,
            "Secrets Manager secret",
            1,
            "secret-month",
            "secretsmanager.secret",
        )
        self.add(
            region,
            "secretsmanager",
            secret,
            "Secrets Manager API calls",
            self.usage.secrets_api_calls_10k,
            "10,000 calls",
            "secretsmanager.api",
        )

    def _trail(self, region: str, trail: Resource) -> None:
        self.add(
            region,
            "cloudtrail",
            trail,
            "CloudTrail management events (first copy, free)",
            1,
            "trail-month",
            "cloudtrail.management-first",
        )
        if trail.prop("EventSelectors") or trail.prop("AdvancedEventSelectors"):
            self.add(
                region,
                "cloudtrail",
                trail,
                "CloudTrail data events",
                self.usage.cloudtrail_data_events_100k,
                "100,000 events",
                "cloudtrail.data-events",
            )

    def _waf(self, region: str, acl: Resource) -> None:
        rules = len(acl.prop("Rules", []) or [])
        self.add(region, "waf", acl, "WAF web ACL", 1, "web ACL-month", "waf.acl")
        self.add(region, "waf", acl, f"WAF rules ({rules})", rules, "rule-month", "waf.rule")
        self.add(
            region,
            "waf",
            acl,
            "WAF requests",
            self.usage.waf_requests_millions * self.traffic_share(region),
            "million requests",
            "waf.requests",
        )


def _ga_area(region: str) -> str:
    """Global Accelerator's DT-Premium table is per geographic area, not per Region."""
    if region.startswith(("us-", "ca-")):
        return "na"
    if region.startswith("eu-"):
        return "eu"
    return "apac" if region.startswith("ap-") else region.split("-")[0]


def analyse_cost(templates: TemplateSet, prices: PriceBook) -> CostReport:
    """Line items per region (deployment order, primary first; global last)."""
    regions, not_modelled = _Pricer(templates, prices).run()
    report = CostReport(templates.settings, prices, regions, not_modelled)
    from tradedr.analysis.recommend import recommendations

    report.recommendations = recommendations(report)
    return report
