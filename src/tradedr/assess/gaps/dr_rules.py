"""Gaps that tradedr's DR rules find: one entry per rule, with the impact of a region loss
and the fix as a CloudFormation snippet. The evidence is the rule's findings (file, line,
resource, message); the closing cost is priced from the snapshot where the fix runs."""

from __future__ import annotations

from dataclasses import dataclass, field

from tradedr.analysis.cost import keys
from tradedr.assess.gaps.base import AssessContext, GapKind, priced
from tradedr.assess.model import Evidence, Fix, Impact
from tradedr.checks.rules import ALL_RULES

_RULES = {rule.id: rule for rule in ALL_RULES}


@dataclass
class RuleGap(GapKind):
    rule: str
    title_: str
    impact_: Impact
    fix_: Fix
    extra_why: str = ""
    pricing: str = ""  # which closing-cost model applies
    rules_: tuple[str, ...] = field(default=())

    def __post_init__(self) -> None:
        definition = _RULES[self.rule]
        self.id = self.rule
        self.title = self.title_
        self.impact = self.impact_
        self.why = " ".join(p for p in (definition.description, self.extra_why) if p)
        self.source = definition.source
        self.fix = self.fix_
        self.rules = (self.rule,)

    def evidence(self, ctx: AssessContext) -> list[Evidence]:
        return [
            Evidence(f.file, f.line, f.stack, f.resource, f.message)
            for f in ctx.findings
            if f.rule == self.rule
        ]

    def closing_cost(
        self, ctx: AssessContext, evidence: list[Evidence]
    ) -> tuple[float | None, str]:
        regions = {r.region for r in ctx.templates.resources("AWS::EC2::VPC")} or {ctx.primary}
        if self.pricing == "kms":
            standbys = set(ctx.templates.settings.standby_regions)
            count = len(regions | standbys)
            return priced([(ctx.price(keys.KMS_KEY.key), count, "KMS key-months")])
        if self.pricing == "backup-copy":
            usage = ctx.templates.settings.usage
            standby = ctx.templates.settings.standby_regions[0]
            return priced(
                [
                    (
                        ctx.price(keys.BACKUP_RDS.key, standby),
                        usage.rds_backup_storage_gb,
                        "GB-month copied",
                    ),
                    (
                        ctx.price(keys.BACKUP_COPY_TRANSFER.key),
                        usage.rds_backup_storage_gb,
                        "GB copy transfer",
                    ),
                ]
            )
        if self.pricing == "rtc":
            gb = ctx.templates.settings.usage.s3_replicated_gb
            return priced([(ctx.price(keys.S3_RTC.key), gb * len(evidence), "GB with RTC")])
        if self.pricing == "fast-health-check":
            checks = len({(e.stack, e.resource) for e in evidence})
            return priced(
                [(ctx.price(keys.ROUTE53_FAST_INTERVAL.key), checks, "fast-interval checks")]
            )
        if self.pricing == "alarm":
            return priced([(ctx.price(keys.CLOUDWATCH_ALARM.key), len(evidence), "alarms")])
        if self.pricing == "none":
            return 0.0, "configuration only: no running cost"
        return None, "depends on what is replicated; run `tradedr cost` on the fixed templates"


RETAIN = Fix(
    "keep the data when the stack is deleted or the resource replaced",
    """OrdersDb:
  Type: AWS::RDS::DBInstance
  DeletionPolicy: Snapshot        # Retain for S3 buckets, tables and keys
  UpdateReplacePolicy: Snapshot
""",
)
CMK = Fix(
    "a customer-managed KMS key per region, named on every data store",
    """DataKey:
  Type: AWS::KMS::Key
  DeletionPolicy: Retain
  Properties:
    EnableKeyRotation: true
    KeyPolicy: {Version: "2012-10-17", Statement: [{Effect: Allow, Principal: {AWS: !Sub "arn:${AWS::Partition}:iam::${AWS::AccountId}:root"}, Action: "kms:*", Resource: "*"}]}
# then: RDS KmsKeyId: !Ref DataKey; S3 SSEAlgorithm: aws:kms + KMSMasterKeyID: !Ref DataKey;
# DynamoDB SSESpecification: {SSEEnabled: true, SSEType: KMS} with each replica's KMSMasterKeyId
""",
)
BACKUP_COPY = Fix(
    "an AWS Backup plan that copies every recovery point into a vault in the standby region",
    """BackupPlan:
  Type: AWS::Backup::BackupPlan
  Properties:
    BackupPlan:
      BackupPlanName: dr-daily
      BackupPlanRule:
        - RuleName: daily
          TargetBackupVault: !Ref Vault
          ScheduleExpression: cron(0 5 * * ? *)
          Lifecycle: {DeleteAfterDays: 35}
          CopyActions:
            - DestinationBackupVaultArn: !Sub arn:${AWS::Partition}:backup:us-west-2:${AWS::AccountId}:backup-vault:dr-standby
""",
)
RTC = Fix(
    "Replication Time Control (15-minute bound) and its metrics on every replication rule",
    """Destination:
  Bucket: arn:aws:s3:::trading-objects-usw2
  ReplicationTime: {Status: Enabled, Time: {Minutes: 15}}
  Metrics: {Status: Enabled, EventThreshold: {Minutes: 15}}
""",
)
HEALTH = Fix(
    "a 10 s interval and a lower threshold, or ARC/Global Accelerator for a tighter RTO",
    """PrimaryHealthCheck:
  Type: AWS::Route53::HealthCheck
  Properties:
    HealthCheckConfig:
      RequestInterval: 10     # fast interval: detection 10 s x 2 = 20 s, + 60 s DNS
      FailureThreshold: 2
# or in tradedr.toml: [routing] health_check_interval = 10, failure_threshold = 2
""",
)
TAGS = Fix(
    "the required tags at stack level, so every taggable resource carries them",
    """aws cloudformation deploy ... --tags Name=trading Environment=prod Application=trading \\
  DisasterRecovery=warm-standby:primary CostCenter=trading ManagedBy=cloudformation \\
  Owner=team-trading BackupPolicy=daily
# or in assess.toml: [tags] required = ["Environment", "Application"] to set your own policy
""",
    "shell",
)
REPLICAS = Fix(
    "a replica of every data store in the standby region",
    """OrdersReplica:                       # in the standby template
  Type: AWS::RDS::DBInstance
  DeletionPolicy: Snapshot
  Properties:
    SourceDBInstanceIdentifier: !Sub arn:${AWS::Partition}:rds:us-east-1:${AWS::AccountId}:db:trading-orders
    DBInstanceClass: db.r6g.large
    KmsKeyId: alias/dr-data-usw2
# tables: AWS::DynamoDB::GlobalTable with a Replicas entry per region;
# buckets: a ReplicationConfiguration rule to the standby bucket
""",
)
PITR = Fix(
    "point-in-time recovery on the table and each replica",
    """Replicas:
  - Region: us-east-1
    PointInTimeRecoverySpecification: {PointInTimeRecoveryEnabled: true}
""",
)
MULTI_AZ = Fix("Multi-AZ on the primary database", "OrdersDb:\n  Properties:\n    MultiAZ: true\n")
RETENTION = Fix(
    "backups kept long enough to restore from",
    "OrdersDb:\n  Properties:\n    BackupRetentionPeriod: 7\n",
)
SECRETS = Fix(
    "credentials from Secrets Manager, never a default or literal",
    """OrdersDb:
  Properties:
    ManageMasterUserPassword: true      # RDS keeps the password in Secrets Manager
""",
)
ALARMS = Fix(
    "an alarm on each resource, matched by its dimension",
    """OrdersDbStorageAlarm:
  Type: AWS::CloudWatch::Alarm
  Properties:
    Namespace: AWS/RDS
    MetricName: FreeStorageSpace
    Dimensions: [{Name: DBInstanceIdentifier, Value: !Ref OrdersDb}]
    Statistic: Minimum
    Period: 300
    EvaluationPeriods: 1
    Threshold: 10737418240
    ComparisonOperator: LessThanThreshold
""",
)
WILDCARDS = Fix(
    "data actions limited to the resources they need",
    'Resource: !GetAtt SessionsTable.Arn     # not "*"\n',
)
VERSIONING = Fix(
    "versioning on every bucket (replication needs it)",
    "ObjectsBucket:\n  Properties:\n    VersioningConfiguration: {Status: Enabled}\n",
)
DETECTOR = Fix(
    "reserved concurrency 1 and the data-loss bound on the detector",
    "ReservedConcurrentExecutions: 1\nEnvironment: {Variables: {MAX_DATA_LOSS_SECONDS: '5', PROBE_FAILURES: '3'}}\n",
)

RULE_GAPS: tuple[RuleGap, ...] = (
    RuleGap("DR005", "No replica in the standby region", "high", REPLICAS),
    RuleGap("DR004", "No cross-region backup copy", "high", BACKUP_COPY, pricing="backup-copy"),
    RuleGap(
        "DR006",
        "Health check too slow for the RTO target",
        "high",
        HEALTH,
        pricing="fast-health-check",
    ),
    RuleGap(
        "DR001",
        "Stateful resources without retain policies",
        "high",
        RETAIN,
        extra_why="A stack delete or a replacement during an incident then deletes the data.",
        pricing="none",
    ),
    RuleGap(
        "DR011",
        "S3 replication without Replication Time Control",
        "high",
        RTC,
        extra_why="The objects RPO is then unknown: tradedr plans for a day.",
        pricing="rtc",
    ),
    RuleGap("DR010", "Primary database in one AZ", "high", MULTI_AZ),
    RuleGap("DR008", "Plaintext secrets in the template", "high", SECRETS, pricing="none"),
    RuleGap("DR009", "No customer-managed KMS key", "medium", CMK, pricing="kms"),
    RuleGap("DR002", "Tables without point-in-time recovery", "medium", PITR),
    RuleGap("DR003", "Backups kept too briefly", "medium", RETENTION),
    RuleGap("DR012", "Resources no alarm watches", "medium", ALARMS, pricing="alarm"),
    RuleGap("DR014", "Buckets without versioning", "medium", VERSIONING),
    RuleGap("DR013", "Wildcard access to data", "medium", WILDCARDS, pricing="none"),
    RuleGap("DR015", "Unsafe automatic failover detector", "high", DETECTOR, pricing="none"),
    RuleGap("DR007", "Incomplete tagging", "low", TAGS, pricing="none"),
)
