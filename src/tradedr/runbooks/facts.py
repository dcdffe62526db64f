"""What a runbook needs to name: the real stacks, resources and regions of a deployment.

Read from the synthesized templates (what will deploy), so a runbook cannot drift from the
code: rename a resource and the runbook follows.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from tradedr.config import Settings
from tradedr.infra.synth import StackTemplate
from tradedr.names import Names, region_code
from tradedr.templates.markers import DETECTOR_ROLE, ROLE_VARIABLE


@dataclass
class RegionFacts:
    """One region of the deployment as its templates describe it."""

    region: str
    role: str
    data_stack: str
    replica_stack: str | None = None
    app_stack: str | None = None
    db_identifier: str | None = None
    db_is_replica: bool = False
    asg_name: str | None = None
    asg_capacity: tuple[int, int, int] | None = None
    instance_type: str | None = None
    alb_name: str | None = None
    target_group_name: str | None = None
    db_endpoint_parameter: str | None = None
    bucket: str | None = None
    replicates_bucket: bool = False
    vault: str | None = None
    kms_alias: str | None = None
    alarms: list[str] = field(default_factory=list)
    dashboard: str | None = None
    db_secret_name: str | None = None
    db_managed_password: bool = False
    # Aurora global database: the identifier is the cluster's, not an instance's.
    db_cluster: bool = False
    # The region-loss detector (automatic failover), in the first standby's app stack.
    detector_function: str | None = None

    @property
    def dashboard_url(self) -> str:
        return (
            f"https://{self.region}.console.aws.amazon.com/cloudwatch/home?region={self.region}"
            f"#dashboards/dashboard/{self.dashboard}"
        )

    @property
    def alarms_url(self) -> str:
        return (
            f"https://{self.region}.console.aws.amazon.com/cloudwatch/home?region={self.region}"
            "#alarmsV2:"
        )


@dataclass
class DeploymentFacts:
    """The whole deployment: settings-derived names checked against the templates."""

    settings: Settings
    regions: dict[str, RegionFacts]
    global_stack: str | None
    table_name: str | None
    record_fqdn: str
    health_check_interval: int | None
    health_check_threshold: int | None
    stacks: list[StackTemplate]
    global_cluster: str | None = None
    # Where the global (DNS) stack lives, and the stack output holding each region's
    # Route 53 health check id (none with Global Accelerator).
    global_region: str | None = None
    health_check_outputs: dict[str, str] = field(default_factory=dict)

    @property
    def primary(self) -> RegionFacts:
        return self.regions[self.settings.primary_region]

    @property
    def standbys(self) -> list[RegionFacts]:
        return [self.regions[r] for r in self.settings.standby_regions]

    @property
    def failover_target(self) -> RegionFacts:
        """The standby a regional failover goes to first: the first one listed."""
        return self.standbys[0]


def _resources(template: dict[str, Any], type_: str) -> list[dict[str, Any]]:
    return [
        r.get("Properties", {})
        for r in template.get("Resources", {}).values()
        if r.get("Type") == type_
    ]


def _plain(value: Any) -> str | None:
    """A literal string property, or None when it is an intrinsic resolved at deploy time."""
    return value if isinstance(value, str) else None


def gather_facts(settings: Settings, stacks: list[StackTemplate]) -> DeploymentFacts:
    """Collect names from each stack's template; fall back to nothing, never to a guess."""
    names = Names(settings)
    regions = {
        r: RegionFacts(region=r, role=settings.role_of(r), data_stack=names.data_stack(r))
        for r in settings.all_regions
    }
    global_stack = None
    global_name: str | None = None
    table_name = None
    interval = threshold = None
    global_region: str | None = None
    health_check_outputs: dict[str, str] = {}
    output_regions = {f"HealthCheck{region_code(r).upper()}": r for r in settings.all_regions}
    for stack in stacks:
        template = stack.load()
        if stack.kind == "global":
            global_stack = stack.name
            global_region = stack.region
            for key in template.get("Outputs", {}):
                if key in output_regions:
                    health_check_outputs[output_regions[key]] = key
            for check in _resources(template, "AWS::Route53::HealthCheck"):
                config = check.get("HealthCheckConfig", {})
                interval = config.get("RequestInterval", interval)
                threshold = config.get("FailureThreshold", threshold)
            continue
        facts = regions[stack.region]
        if stack.kind == "data":
            facts.data_stack = stack.name
            for bucket in _resources(template, "AWS::S3::Bucket"):
                name = _plain(bucket.get("BucketName"))
                if name == names.bucket(stack.region):
                    facts.bucket = name
                    facts.replicates_bucket = "ReplicationConfiguration" in bucket
            for vault in _resources(template, "AWS::Backup::BackupVault"):
                facts.vault = _plain(vault.get("BackupVaultName")) or facts.vault
            for alias in _resources(template, "AWS::KMS::Alias"):
                facts.kms_alias = _plain(alias.get("AliasName")) or facts.kms_alias
            for table in _resources(template, "AWS::DynamoDB::GlobalTable"):
                table_name = _plain(table.get("TableName")) or table_name
        if stack.kind in ("data", "replica"):
            for db in _resources(template, "AWS::RDS::DBInstance"):
                facts.db_identifier = _plain(db.get("DBInstanceIdentifier"))
                facts.db_is_replica = "SourceDBInstanceIdentifier" in db
                facts.db_managed_password = bool(db.get("ManageMasterUserPassword"))
            for cluster in _resources(template, "AWS::RDS::DBCluster"):
                facts.db_identifier = _plain(cluster.get("DBClusterIdentifier"))
                facts.db_cluster = True
                facts.db_is_replica = stack.kind == "replica"
            for global_cluster in _resources(template, "AWS::RDS::GlobalCluster"):
                global_name = _plain(global_cluster.get("GlobalClusterIdentifier"))
            for secret in _resources(template, "AWS::SecretsManager::Secret"):
                facts.db_secret_name = _plain(secret.get("Name")) or facts.db_secret_name
            if stack.kind == "replica":
                facts.replica_stack = stack.name
        if stack.kind == "app":
            facts.app_stack = stack.name
            for asg in _resources(template, "AWS::AutoScaling::AutoScalingGroup"):
                facts.asg_name = _plain(asg.get("AutoScalingGroupName"))
                facts.asg_capacity = (
                    int(asg.get("MinSize", 0)),
                    int(asg.get("DesiredCapacity", asg.get("MinSize", 0))),
                    int(asg.get("MaxSize", 0)),
                )
            for lt in _resources(template, "AWS::EC2::LaunchTemplate"):
                data = lt.get("LaunchTemplateData", {})
                facts.instance_type = _plain(data.get("InstanceType")) or facts.instance_type
            for alb in _resources(template, "AWS::ElasticLoadBalancingV2::LoadBalancer"):
                facts.alb_name = _plain(alb.get("Name"))
            for group in _resources(template, "AWS::ElasticLoadBalancingV2::TargetGroup"):
                facts.target_group_name = _plain(group.get("Name"))
            for parameter in _resources(template, "AWS::SSM::Parameter"):
                facts.db_endpoint_parameter = _plain(parameter.get("Name"))
            facts.alarms = sorted(
                name
                for alarm in _resources(template, "AWS::CloudWatch::Alarm")
                if (name := _plain(alarm.get("AlarmName")))
            )
            for dashboard in _resources(template, "AWS::CloudWatch::Dashboard"):
                facts.dashboard = _plain(dashboard.get("DashboardName"))
            for function in _resources(template, "AWS::Lambda::Function"):
                env = function.get("Environment", {}).get("Variables", {})
                if env.get(ROLE_VARIABLE) == DETECTOR_ROLE:
                    facts.detector_function = _plain(function.get("FunctionName"))
    return DeploymentFacts(
        settings=settings,
        regions=regions,
        global_stack=global_stack,
        table_name=table_name,
        record_fqdn=names.record_fqdn,
        health_check_interval=interval,
        health_check_threshold=threshold,
        stacks=stacks,
        global_cluster=global_name,
        global_region=global_region,
        health_check_outputs={
            r: health_check_outputs[r] for r in settings.all_regions if r in health_check_outputs
        },
    )
