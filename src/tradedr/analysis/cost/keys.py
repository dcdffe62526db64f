"""The price catalogue: every price a pricer asks for, with the unit it is quoted in.

A line item's quantity is counted in its key's unit, so the line and its unit price always
agree ("hour" of an instance, not "instance-hours" against a price per "hour"). The unit is
spelled as the price file spells it; `tests/unit/analysis/cost/test_keys.py` holds every
key against `data/prices-*.json`: each has a row (the test names the few that have none)
and the units agree.

Fixed keys are constants; keys that differ by one part (an instance type, a deployment
option, a storage mode) come from a `KeyFamily`.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

# Display names of the services, by the first part of a price key.
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


@dataclass(frozen=True)
class PriceKey:
    """One price: its lookup key in the price book and the unit it is quoted in."""

    key: str
    unit: str

    @property
    def service(self) -> str:
        prefix = self.key.split(".")[0]
        return SERVICE.get(prefix, prefix)

    def __str__(self) -> str:
        return self.key


@dataclass(frozen=True)
class KeyFamily:
    """Keys that differ in named parts: `KeyFamily("ec2.instance.{instance_type}", ...)`.

    `parts` gives the pattern each part matches in the price file, so the catalogue test
    can find the family's rows and check their unit.
    """

    template: str
    unit: str
    parts: tuple[tuple[str, str], ...] = field(default=())

    def __call__(self, **values: str) -> PriceKey:
        return PriceKey(self.template.format(**values), self.unit)

    @property
    def pattern(self) -> re.Pattern[str]:
        regex = re.escape(self.template)
        for name, part in self.parts:
            regex = regex.replace(re.escape("{" + name + "}"), f"(?:{part})")
        return re.compile(regex)

    def matches(self, key: str) -> bool:
        return self.pattern.fullmatch(key) is not None


_DEPLOYMENT = ("az", "single-az|multi-az")
_AURORA_MODE = ("mode", "standard|io-optimized")
_DB_CLASS = ("db_class", r"db\.[a-z0-9-]+\.[a-z0-9]+")

# Compute and storage ------------------------------------------------------------------
EC2_INSTANCE = KeyFamily("ec2.instance.{instance_type}", "hour", (("instance_type", r"[^.]+\..+"),))
EBS_STORAGE = KeyFamily("ebs.{volume_type}.storage", "GB-month", (("volume_type", "[a-z0-9]+"),))
LAMBDA_GB_SECOND = PriceKey("lambda.gb-second", "GB-seconds")  # no row in the snapshot
LAMBDA_REQUESTS = PriceKey("lambda.requests", "million requests")  # no row in the snapshot

# Network ------------------------------------------------------------------------------
ALB_HOUR = PriceKey("elb.alb.hour", "ALB-hour")
ALB_LCU = PriceKey("elb.alb.lcu", "LCU-hour")
NAT_HOUR = PriceKey("vpc.nat.hour", "hour")
NAT_GB = PriceKey("vpc.nat.gb", "GB")
PUBLIC_IPV4 = PriceKey("vpc.public-ipv4", "hour")  # no row in the snapshot
TRANSFER_INTERNET = PriceKey("transfer.internet", "GB")
TRANSFER_INTER_REGION = PriceKey("transfer.inter-region", "GB")
GA_HOUR = PriceKey("globalaccelerator.hour", "accelerator-hour")
GA_DT_PREMIUM = KeyFamily("globalaccelerator.dt-premium-{area}", "GB", (("area", "[a-z]+"),))

# Databases ----------------------------------------------------------------------------
RDS_INSTANCE = KeyFamily(
    "rds.{engine}.{db_class}.{az}", "hour", (("engine", "[a-z0-9-]+"), _DB_CLASS, _DEPLOYMENT)
)
RDS_STORAGE = KeyFamily(
    "rds.{storage_type}.{az}", "GB-month", (("storage_type", "[a-z0-9]+"), _DEPLOYMENT)
)
RDS_BACKUP_STORAGE = PriceKey("rds.backup.storage", "GB-month")
# Per vCPU of an instance whose major version is past RDS standard support (years 1-2).
RDS_EXTENDED_SUPPORT = PriceKey("rds.extended-support.yr1-2", "vCPU-hour")
AURORA_INSTANCE = KeyFamily("aurora.mysql.{db_class}.{mode}", "hour", (_DB_CLASS, _AURORA_MODE))
AURORA_STORAGE = KeyFamily("aurora.storage.{mode}", "GB-month", (_AURORA_MODE,))
AURORA_IO = KeyFamily("aurora.io.{mode}", "million requests", (_AURORA_MODE,))
AURORA_REPLICATED_IO = PriceKey("aurora.global.replicated-io", "million replicated write I/Os")
AURORA_BACKUP_STORAGE = PriceKey("aurora.backup.storage", "GB-month")  # no row in the snapshot
DYNAMODB_RWRU = PriceKey("dynamodb.rwru", "million rWRU")
DYNAMODB_WRU = PriceKey("dynamodb.wru", "million WRU")
DYNAMODB_RRU = PriceKey("dynamodb.rru", "million RRU")
DYNAMODB_PROVISIONED = PriceKey("dynamodb.provisioned", "table-month")  # no row in the snapshot
DYNAMODB_STORAGE = PriceKey("dynamodb.storage", "GB-month")
DYNAMODB_PITR = PriceKey("dynamodb.pitr", "GB-month")

# Objects and backups ------------------------------------------------------------------
S3_STORAGE = PriceKey("s3.storage", "GB-month")
S3_PUT = PriceKey("s3.put", "1,000 requests")
S3_GET = PriceKey("s3.get", "1,000 requests")
S3_RTC = PriceKey("s3.rtc", "GB")
BACKUP_RDS = PriceKey("backup.rds", "GB-month")
BACKUP_DYNAMODB = PriceKey("backup.dynamodb", "GB-month")
BACKUP_COPY_TRANSFER = PriceKey("backup.copy-transfer", "GB")

# Routing ------------------------------------------------------------------------------
ROUTE53_ZONE = PriceKey("route53.zone", "hosted zone-month")
ROUTE53_HEALTH_CHECK = PriceKey("route53.health-check.aws", "health check-month")
ROUTE53_FAST_INTERVAL = PriceKey("route53.health-check.fast", "feature-month")
ROUTE53_HTTPS = PriceKey("route53.health-check.https", "feature-month")
ROUTE53_STRING_MATCH = PriceKey("route53.health-check.string-match", "feature-month")
ROUTE53_LATENCY = PriceKey("route53.health-check.latency", "feature-month")
ROUTE53_ALIAS_QUERIES = PriceKey("route53.alias-queries", "million queries")
ARC_CLUSTER = PriceKey("arc.cluster", "hour")
ARC_REGION_SWITCH_PLAN = PriceKey("arc.region-switch-plan", "plan-month")

# Monitoring, security, logs -----------------------------------------------------------
CLOUDWATCH_ALARM = PriceKey("cloudwatch.alarm", "alarm metric-month")
CLOUDWATCH_ALARM_HIGH_RES = PriceKey("cloudwatch.alarm.high-resolution", "alarm metric-month")
CLOUDWATCH_DASHBOARD = PriceKey("cloudwatch.dashboard", "dashboard-month")
CLOUDWATCH_METRIC = PriceKey("cloudwatch.metric", "metric-month")
LOGS_INGESTION = PriceKey("logs.ingestion", "GB")
LOGS_STORAGE = PriceKey("logs.storage", "GB-month")
LOGS_VENDED = PriceKey("logs.vended", "GB")
KMS_KEY = PriceKey("kms.key", "key-month")
KMS_REQUESTS = PriceKey("kms.requests", "10,000 requests")
SECRET = PriceKey("secretsmanager.secret", "secret-month")
SECRET_API = PriceKey("secretsmanager.api", "10,000 API calls")
CLOUDTRAIL_MANAGEMENT_FIRST = PriceKey("cloudtrail.management-first", "100,000 events")
CLOUDTRAIL_DATA_EVENTS = PriceKey("cloudtrail.data-events", "100,000 events")
WAF_ACL = PriceKey("waf.acl", "web ACL-month")
WAF_RULE = PriceKey("waf.rule", "rule-month")
WAF_REQUESTS = PriceKey("waf.requests", "million requests")

FIXED: tuple[PriceKey, ...] = tuple(v for v in dict(globals()).values() if isinstance(v, PriceKey))
FAMILIES: tuple[KeyFamily, ...] = tuple(
    v for v in dict(globals()).values() if isinstance(v, KeyFamily)
)


def lookup(key: str) -> PriceKey | None:
    """The catalogue entry of a key string, fixed or from a family."""
    for fixed in FIXED:
        if fixed.key == key:
            return fixed
    for family in FAMILIES:
        if family.matches(key):
            return PriceKey(key, family.unit)
    return None
