"""Typed settings for one tradedr environment, loaded from `tradedr.toml`.

Everything the stacks, gates, analyses and operations need comes from here, so a bad
value is caught once, up front, with a message that names the field.
"""

from __future__ import annotations

import codecs
import importlib.util
import ipaddress
import json
import os
import re
import stat
import tomllib
import unicodedata
from collections import Counter
from collections.abc import Callable
from enum import StrEnum
from functools import cache
from pathlib import Path
from typing import Annotated, Any, Literal

from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    ValidationError,
    field_validator,
    model_validator,
)

from tradedr.errors import ConfigError, ConfigFileError

DEFAULT_CONFIG_NAME = "tradedr.toml"

# A config is a few kilobytes; anything near this is not one (or is /dev/zero).
MAX_CONFIG_BYTES = 1024 * 1024
# The schema nests three levels deep; these bound what the parser and validators recurse into.
MAX_NESTING = 32
MAX_KEY_PARTS = 32
# Keys of the whole file, counting each part of a dotted key (the example has about 100).
MAX_KEYS = 10_000


class Posture(StrEnum):
    """How much of the platform runs in the standby regions before a disaster."""

    BACKUP_RESTORE = "backup-restore"
    PILOT_LIGHT = "pilot-light"
    WARM_STANDBY = "warm-standby"
    HOT_STANDBY = "hot-standby"
    ACTIVE_ACTIVE = "active-active"

    @property
    def replicates_data(self) -> bool:
        """Every posture but backup-restore keeps live data replicas in each standby."""
        return self is not Posture.BACKUP_RESTORE

    @property
    def runs_standby_app(self) -> bool:
        """Backup-restore rebuilds the app tier at failover; the others keep it deployed."""
        return self is not Posture.BACKUP_RESTORE

    @property
    def serves_from_standby(self) -> bool:
        return self is Posture.ACTIVE_ACTIVE


POSTURE_ORDER: tuple[Posture, ...] = tuple(Posture)


@cache
def known_regions() -> frozenset[str]:
    """Commercial AWS regions with EC2, from botocore's bundled endpoint data (no network).

    Reads `botocore/data/endpoints.json` directly: the same answer as boto3's
    `Session().get_available_regions("ec2")` without importing boto3 (~0.2 s), which
    every command would otherwise pay just to validate its config.
    """
    spec = importlib.util.find_spec("botocore")
    if spec is None or not spec.submodule_search_locations:
        raise ConfigFileError("botocore is not installed; cannot validate regions")
    endpoints = Path(next(iter(spec.submodule_search_locations))) / "data" / "endpoints.json"
    data = json.loads(endpoints.read_text(encoding="utf-8"))
    for partition in data["partitions"]:
        if partition["partition"] == "aws":
            ec2_endpoints = partition["services"]["ec2"]["endpoints"]
            return frozenset(name for name in ec2_endpoints if name in partition["regions"])
    return frozenset()


# Regions whose AZ letters do not start at "a" for most accounts.
_AZ_LETTERS: dict[str, tuple[str, ...]] = {
    "ap-northeast-1": ("a", "c", "d"),
    "us-west-1": ("b", "c"),
    "ap-northeast-2": ("a", "b", "c", "d"),
}

# Zone letters AWS uses: us-east-1 runs to f, every other region stops earlier.
_ZONE_LETTERS = "abcdef"

_SUFFIX = re.compile(r"^[a-z0-9](?:[a-z0-9-]{0,18}[a-z0-9])?$")
_NAME = re.compile(r"^[a-z][a-z0-9-]{1,18}[a-z0-9]$")
_INSTANCE_TYPE = re.compile(r"^[a-z][a-z0-9-]*\.[a-z0-9]+$")
_DB_CLASS = re.compile(r"^db\.[a-z][a-z0-9-]*\.[a-z0-9]+$")
_DOMAIN = re.compile(r"^(?=.{4,253}$)([a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$")
_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
_DNS_LABEL = re.compile(r"^[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?$")
# Global Accelerator's HealthCheckPath pattern (Route 53 and the ALB take printable ASCII).
_GA_HEALTH_PATH = re.compile(r"^/[-a-zA-Z0-9@:%_+.~#?&/=]*$")
# S3 refuses bucket names with these prefixes; every bucket name starts with the application.
_RESERVED_BUCKET_PREFIXES = ("xn--", "sthree-", "amzn-s3-demo-")
# Upper bound of every [usage] quantity: a billion units of anything is a typo, not usage.
USAGE_LIMIT = 1_000_000_000
# AWS tags: 50 per resource, keys 1-128 and values 0-256 characters.
MAX_TAGS_PER_RESOURCE = 50
_TAG_PUNCTUATION = frozenset(" _.:/=+-@")
_CERTIFICATE_ARN = re.compile(
    r"^arn:aws[-a-z]*:acm:(?P<region>[a-z0-9-]+):\d{12}:certificate/[A-Za-z0-9-]+$"
)

REQUIRED_TAG_KEYS: tuple[str, ...] = (
    "Name",
    "Environment",
    "Application",
    "DisasterRecovery",
    "CostCenter",
    "ManagedBy",
    "Owner",
    "BackupPolicy",
)


class _Model(BaseModel):
    # Strict: TOML has real integers and booleans, so "yes" or "6" is a typo, not a value.
    # Floats are finite: TOML's inf and nan are never a size, a count or a price.
    model_config = ConfigDict(
        extra="forbid", frozen=True, use_enum_values=False, strict=True, allow_inf_nan=False
    )


class RegionSettings(_Model):
    """Network and compute sizing of one region; ASG numbers are the region's active capacity."""

    cidr: str
    instance_type: str = "t3.large"
    asg_min: Annotated[int, Field(ge=0, le=100)] = 2
    asg_desired: Annotated[int, Field(ge=0, le=100)] = 2
    asg_max: Annotated[int, Field(ge=1, le=100)] = 6
    availability_zones: list[str] | None = None
    nat_gateways: Annotated[int, Field(ge=0, le=3)] | None = None
    # An ACM certificate in this region for the public name: with one, the ALB serves HTTPS
    # on 443 and redirects 80 to it. Set it in every region or in none.
    certificate_arn: str | None = None

    @field_validator("cidr")
    @classmethod
    def _cidr(cls, value: str) -> str:
        try:
            network = ipaddress.ip_network(value, strict=True)
        except ValueError as exc:
            raise ValueError(f"{value!r} is not a valid CIDR block ({exc})") from None
        if not isinstance(network, ipaddress.IPv4Network) or not 16 <= network.prefixlen <= 20:
            raise ValueError(f"{value!r} must be an IPv4 block from /16 to /20")
        return value

    @field_validator("instance_type")
    @classmethod
    def _instance_type(cls, value: str) -> str:
        if not _INSTANCE_TYPE.match(value):
            raise ValueError(f"{value!r} is not an EC2 instance type such as 't3.large'")
        return value

    @model_validator(mode="after")
    def _capacity_order(self) -> RegionSettings:
        # Messages start with the offending field; _format_error appends it to the location.
        if self.asg_min > self.asg_desired:
            raise ValueError(
                f"asg_min: {self.asg_min} is above asg_desired {self.asg_desired} "
                "(need asg_min <= asg_desired <= asg_max)"
            )
        if self.asg_desired > self.asg_max:
            raise ValueError(
                f"asg_desired: {self.asg_desired} is above asg_max {self.asg_max} "
                "(need asg_min <= asg_desired <= asg_max)"
            )
        return self


AURORA_DEFAULT_VERSION = "8.0.mysql_aurora.3.08.0"


class DatabaseSettings(_Model):
    """The orders database: RDS MySQL Multi-AZ in the primary with cross-region read
    replicas, or an Aurora MySQL global database (secondary cluster per standby) for
    sub-second replication and about a minute of managed failover."""

    engine: Literal["mysql", "aurora-mysql-global"] = "mysql"
    engine_version: str = "8.0.39"
    instance_class: str = "db.r6g.large"
    multi_az: bool = True
    allocated_storage_gb: Annotated[int, Field(ge=20, le=65536)] = 100
    backup_retention_days: Annotated[int, Field(ge=1, le=35)] = 7
    replica_lag_alarm_seconds: Annotated[int, Field(ge=1, le=3600)] = 30

    @field_validator("instance_class")
    @classmethod
    def _class(cls, value: str) -> str:
        if not _DB_CLASS.match(value):
            raise ValueError(f"{value!r} is not an RDS instance class such as 'db.r6g.large'")
        return value

    @model_validator(mode="before")
    @classmethod
    def _aurora_default_version(cls, data: Any) -> Any:
        if isinstance(data, dict) and data.get("engine") == "aurora-mysql-global":
            data = {"engine_version": AURORA_DEFAULT_VERSION, **data}
        return data

    @model_validator(mode="after")
    def _version_for_engine(self) -> DatabaseSettings:
        if self.engine == "mysql" and not re.fullmatch(r"8\.0\.\d+|8\.4\.\d+", self.engine_version):
            raise ValueError(
                f"database.engine_version: {self.engine_version!r} is not a supported MySQL "
                "version (8.0.x or 8.4.x)"
            )
        if self.engine == "aurora-mysql-global":
            if not re.fullmatch(r"8\.0\.mysql_aurora\.3\.\d+\.\d+", self.engine_version):
                raise ValueError(
                    f"database.engine_version: {self.engine_version!r} is not an Aurora MySQL 3 "
                    f"version such as {AURORA_DEFAULT_VERSION!r}"
                )
            if not self.instance_class.startswith(("db.r", "db.x")):
                raise ValueError(
                    f"database.instance_class: Aurora global databases need a memory-optimized "
                    f"class (db.r*), got {self.instance_class!r}"
                )
        return self

    @property
    def is_aurora_global(self) -> bool:
        return self.engine == "aurora-mysql-global"


class SessionsSettings(_Model):
    """The sessions table: a DynamoDB global table with a replica in every region."""

    billing_mode: Literal["on-demand", "provisioned"] = "on-demand"
    read_capacity: Annotated[int, Field(ge=1, le=40000)] = 5
    write_capacity: Annotated[int, Field(ge=1, le=40000)] = 5


class RoutingSettings(_Model):
    """Route 53: the public name, and the health checks that decide failover."""

    domain_name: str = "trading.example.com"
    record_name: str = "app"
    # How traffic moves at failover: Route 53 health-check failover records ("dns-failover"),
    # Route 53 ARC routing controls ("arc"), or Global Accelerator's traffic dial.
    traffic: Literal["dns-failover", "arc", "global-accelerator"] = "dns-failover"
    health_check_interval_seconds: Literal[10, 30] = 10
    health_check_failure_threshold: Annotated[int, Field(ge=1, le=10)] = 3
    health_check_path: str = "/health"

    @field_validator("domain_name")
    @classmethod
    def _domain(cls, value: str) -> str:
        if not _DOMAIN.match(value):
            raise ValueError(f"{value!r} is not a lowercase DNS name such as 'trading.example.com'")
        return value

    @field_validator("record_name")
    @classmethod
    def _record(cls, value: str) -> str:
        if not value:
            raise ValueError("must not be empty (the public name is <record_name>.<domain_name>)")
        if not value.isascii():
            raise ValueError(f"{value!r} is not ASCII; write an internationalized name as xn--")
        for label in value.split("."):
            if not label:
                raise ValueError(f"{value!r} has an empty DNS label (a leading, trailing or '..')")
            if len(label) > 63:
                raise ValueError(
                    f"{value!r} has a DNS label of {len(label)} characters (at most 63)"
                )
            if not _DNS_LABEL.match(label):
                raise ValueError(
                    f"{value!r} is not a lowercase DNS name: labels of letters, digits and "
                    "hyphens, not starting or ending with a hyphen"
                )
        return value

    @field_validator("health_check_path")
    @classmethod
    def _path(cls, value: str) -> str:
        if not value.startswith("/"):
            raise ValueError(f"{value!r} must start with '/'")
        if not all("!" <= char <= "~" for char in value):
            raise ValueError(
                f"{value!r} must be printable ASCII without spaces or control characters"
            )
        if len(value) > 255:
            raise ValueError(f"is {len(value)} characters; Route 53 allows at most 255")
        return value

    @model_validator(mode="after")
    def _names_fit(self) -> RoutingSettings:
        fqdn = f"{self.record_name}.{self.domain_name}"
        if len(fqdn) > 253:
            raise ValueError(
                f"record_name: {self.record_name}.{self.domain_name} is {len(fqdn)} characters; "
                "a DNS name has at most 253"
            )
        if self.traffic == "global-accelerator" and not _GA_HEALTH_PATH.match(
            self.health_check_path
        ):
            raise ValueError(
                f"health_check_path: {self.health_check_path!r} has characters Global "
                "Accelerator health checks refuse (use letters, digits and -@:%_+.~#?&/=)"
            )
        return self


# The detector runs once a minute with a 60 s timeout; a region-loss confirmation must fit
# in one invocation with room for the failover calls.
DETECTOR_WINDOW_SECONDS = 45


class FailoverSettings(_Model):
    """Automatic regional failover: a detector in the first standby region fails the orders
    database over when the primary region is confirmed lost.

    Off by default: promoting with `AllowDataLoss` is a decision the user takes explicitly,
    by setting `automatic = true` together with the most replication lag they accept losing
    (`max_data_loss_seconds`). The detector refuses to promote when the secondary's last
    measured lag exceeds it, or when no lag was measured at all.
    """

    automatic: bool = False
    max_data_loss_seconds: Annotated[int | None, Field(ge=0, le=3600)] = None
    probe_interval_seconds: Annotated[int, Field(ge=1, le=30)] = 5
    probe_failures: Annotated[int, Field(ge=2, le=10)] = 3
    probe_timeout_seconds: Annotated[int, Field(ge=1, le=10)] = 2

    @model_validator(mode="after")
    def _probes_fit(self) -> FailoverSettings:
        if self.probe_timeout_seconds > self.probe_interval_seconds:
            raise ValueError(
                f"failover.probe_timeout_seconds: {self.probe_timeout_seconds} s is longer than "
                f"the probe interval ({self.probe_interval_seconds} s)"
            )
        confirm = self.probe_interval_seconds * self.probe_failures + self.probe_timeout_seconds
        if confirm > DETECTOR_WINDOW_SECONDS:
            raise ValueError(
                f"failover.probe_failures: {self.probe_failures} rounds x "
                f"{self.probe_interval_seconds} s (+ {self.probe_timeout_seconds} s timeout) do "
                f"not fit in one detector invocation; keep them within "
                f"{DETECTOR_WINDOW_SECONDS} s"
            )
        return self


class TargetSettings(_Model):
    """Recovery objectives the analyses and gates measure against.

    `rpo_seconds` applies to the transactional stores (orders DB, sessions table); objects
    and backup copies have their own, looser objectives because their replication
    mechanisms are bounded differently (S3 RTC: 15 minutes; backups: their schedule).
    """

    rto_seconds: Annotated[int, Field(ge=1, le=7 * 24 * 3600)] = 1800
    rpo_seconds: Annotated[int, Field(ge=0, le=7 * 24 * 3600)] = 60
    objects_rpo_seconds: Annotated[int, Field(ge=0, le=7 * 24 * 3600)] = 900
    backup_rpo_seconds: Annotated[int, Field(ge=0, le=30 * 24 * 3600)] = 24 * 3600


class SecuritySettings(_Model):
    """Account-wide security services tradedr may switch on; off unless asked for."""

    security_hub: bool = False


class TagSettings(_Model):
    """Values for the required tags that cannot be derived from the rest of the config."""

    cost_center: str = "trading-platform"
    owner: str = "platform-sre"
    extra: dict[str, str] = Field(default_factory=dict)

    @field_validator("cost_center", "owner")
    @classmethod
    def _non_empty(cls, value: str) -> str:
        if not value.strip():
            raise ValueError("must not be empty")
        problem = _tag_value_problem(value)
        if problem:
            raise ValueError(f"tag value {problem}")
        return value

    @field_validator("extra")
    @classmethod
    def _extra(cls, value: dict[str, str]) -> dict[str, str]:
        room = MAX_TAGS_PER_RESOURCE - len(REQUIRED_TAG_KEYS)
        if len(value) > room:
            raise ValueError(
                f"{len(value)} extra tags; with the {len(REQUIRED_TAG_KEYS)} required ones AWS "
                f"allows {MAX_TAGS_PER_RESOURCE} per resource, so at most {room}"
            )
        clash = sorted(set(value) & set(REQUIRED_TAG_KEYS))
        if clash:
            what = "is a required tag" if len(clash) == 1 else "are required tags"
            raise ValueError(f"{', '.join(clash)} {what} set by tradedr and cannot be overridden")
        for key, text in value.items():
            if key.lower().startswith("aws:"):
                raise ValueError(f"tag key {key!r}: the 'aws:' prefix is reserved for AWS")
            if not 1 <= len(key) <= 128:
                raise ValueError(f"tag key {key!r} must be 1-128 characters, got {len(key)}")
            if not _tag_text_ok(key):
                raise ValueError(f"tag key {key!r} {_TAG_CHARACTERS}")
            problem = _tag_value_problem(text)
            if problem:
                raise ValueError(f"tag {key!r}: value {problem}")
        return value


_TAG_CHARACTERS = "may contain only letters, digits, spaces and _ . : / = + - @"


def _tag_text_ok(text: str) -> bool:
    """AWS's tag character set: Unicode letters and digits, spaces, and _ . : / = + - @."""
    return all(char in _TAG_PUNCTUATION or unicodedata.category(char)[0] in "LN" for char in text)


def _tag_value_problem(text: str) -> str | None:
    if len(text) > 256:
        return f"is {len(text)} characters (at most 256)"
    if not _tag_text_ok(text):
        return f"{text!r} {_TAG_CHARACTERS}"
    return None


_Usage = Annotated[float, Field(ge=0, le=USAGE_LIMIT)]


class UsageSettings(_Model):
    """Monthly usage the cost model cannot read from templates, per region that serves
    traffic (the primary; every region under active-active). Defaults describe a modest
    trading platform; override them with measured figures from Cost Explorer."""

    hours_per_month: Annotated[float, Field(gt=0, le=744)] = 730
    alb_lcu_average: _Usage = 1.5
    nat_processed_gb: _Usage = 500
    internet_egress_gb: _Usage = 500
    dynamodb_writes_millions: _Usage = 50
    dynamodb_reads_millions: _Usage = 200
    dynamodb_storage_gb: _Usage = 2
    s3_storage_gb: _Usage = 500
    s3_put_thousands: _Usage = 1000
    s3_get_thousands: _Usage = 10000
    s3_replicated_gb: _Usage = 100
    rds_replication_gb: _Usage = 100
    rds_backup_storage_gb: _Usage = 150
    # Aurora (database.engine = "aurora-mysql-global"): the cluster volume, its I/O requests
    # (Aurora Standard bills them), and the write I/Os replicated to each secondary Region.
    aurora_storage_gb: _Usage = 100
    aurora_io_millions: _Usage = 100
    aurora_replicated_write_io_millions: _Usage = 50
    flow_logs_gb: _Usage = 50
    app_logs_gb: _Usage = 20
    log_storage_gb: _Usage = 200
    kms_requests_10k: _Usage = 100
    secrets_api_calls_10k: _Usage = 10
    waf_requests_millions: _Usage = 50
    route53_queries_millions: _Usage = 10
    cloudtrail_data_events_100k: _Usage = 0
    standby_usage_fraction: Annotated[float, Field(ge=0, le=1)] = 0.05


def _default_regions() -> dict[str, RegionSettings]:
    return {}


class Settings(_Model):
    """The whole environment: one primary region, one or more standbys, and how DR works."""

    application: str = "trading"
    environment: str = "prod"
    posture: Annotated[Posture, Field(strict=False)] = Posture.WARM_STANDBY
    primary_region: str = "us-east-1"
    standby_regions: list[str] = Field(default_factory=lambda: ["us-west-2"])
    alarm_email: str = "oncall@example.com"
    regions: dict[str, RegionSettings] = Field(default_factory=_default_regions)
    database: DatabaseSettings = Field(default_factory=DatabaseSettings)
    sessions: SessionsSettings = Field(default_factory=SessionsSettings)
    routing: RoutingSettings = Field(default_factory=RoutingSettings)
    targets: TargetSettings = Field(default_factory=TargetSettings)
    failover: FailoverSettings = Field(default_factory=FailoverSettings)
    tags: TagSettings = Field(default_factory=TagSettings)
    security: SecuritySettings = Field(default_factory=SecuritySettings)
    usage: UsageSettings = Field(default_factory=UsageSettings)

    @field_validator("application")
    @classmethod
    def _application(cls, value: str) -> str:
        if not _NAME.match(value):
            raise ValueError(
                f"{value!r} must be 3-20 characters: lowercase letters, digits, hyphens, "
                "starting with a letter"
            )
        for reserved in _RESERVED_BUCKET_PREFIXES:
            if value.startswith(reserved):
                raise ValueError(
                    f"{value!r} starts with {reserved!r}, a prefix S3 refuses in bucket names "
                    "(every bucket name starts with the application)"
                )
        if value.startswith("internal-"):
            raise ValueError(
                f"{value!r} starts with 'internal-', which ALB names must not (every load "
                "balancer name starts with the application)"
            )
        _no_double_hyphen(value)
        return value

    @field_validator("environment")
    @classmethod
    def _environment(cls, value: str) -> str:
        if not _SUFFIX.match(value):
            raise ValueError(
                f"{value!r} must be 1-20 characters of lowercase letters, digits and hyphens, "
                "not starting or ending with a hyphen"
            )
        _no_double_hyphen(value)
        return value

    @field_validator("primary_region")
    @classmethod
    def _primary(cls, value: str) -> str:
        _check_region(value)
        return value

    @field_validator("standby_regions")
    @classmethod
    def _standbys(cls, value: list[str]) -> list[str]:
        if not value:
            raise ValueError("at least one standby region is required")
        for region in value:
            _check_region(region)
        duplicates = sorted(r for r, count in Counter(value).items() if count > 1)
        if duplicates:
            raise ValueError(f"{', '.join(duplicates)} listed more than once")
        return value

    @field_validator("alarm_email")
    @classmethod
    def _email(cls, value: str) -> str:
        if not _EMAIL.match(value) or not value.isprintable() or len(value) > 254:
            raise ValueError(f"{value!r} is not an e-mail address")
        return value

    @model_validator(mode="before")
    @classmethod
    def _fill_region_defaults(cls, data: Any) -> Any:
        """Give every configured region a default, non-overlapping CIDR unless one is set."""
        if not isinstance(data, dict):
            return data
        primary = data.get("primary_region", "us-east-1")
        standbys = data.get("standby_regions", ["us-west-2"])
        regions = data.get("regions") or {}
        if not isinstance(standbys, list) or not isinstance(regions, dict):
            return data  # the field validators report the wrong type
        regions = dict(regions)
        for index, region in enumerate([primary, *standbys]):
            if not isinstance(region, str):
                continue
            entry = regions.get(region)
            if entry is None:
                regions[region] = {"cidr": f"10.{index * 16}.0.0/16"}
            elif isinstance(entry, dict) and "cidr" not in entry:
                regions[region] = {**entry, "cidr": f"10.{index * 16}.0.0/16"}
        return {**data, "regions": regions}

    @model_validator(mode="after")
    def _cross_field(self) -> Settings:
        if self.primary_region in self.standby_regions:
            raise ValueError(
                f"standby_regions: {self.primary_region} is the primary region and cannot "
                "also be a standby"
            )
        unknown = sorted(set(self.regions) - set(self.all_regions))
        if unknown:
            raise ValueError(
                f"regions: {', '.join(unknown)} configured but neither primary nor standby"
            )
        for region in self.all_regions:
            self._check_zones(region)
        self._check_certificates()
        networks = [(r, ipaddress.ip_network(self.regions[r].cidr)) for r in self.all_regions]
        for i, (region_a, net_a) in enumerate(networks):
            for region_b, net_b in networks[i + 1 :]:
                if net_a.overlaps(net_b):
                    raise ValueError(
                        f"regions.{region_b}.cidr: {net_b} overlaps {net_a} of {region_a}; "
                        "peered and replicated regions need distinct CIDRs"
                    )
        if self.posture in (Posture.HOT_STANDBY, Posture.ACTIVE_ACTIVE):
            for region in self.standby_regions:
                if self.regions[region].asg_desired < 1:
                    raise ValueError(
                        f"regions.{region}.asg_desired: {self.posture.value} runs full capacity "
                        "in every standby, so it must be at least 1"
                    )
        if self.regions[self.primary_region].asg_desired < 1:
            raise ValueError(
                f"regions.{self.primary_region}.asg_desired: the primary region must run at "
                "least one instance"
            )
        for region in self.all_regions:
            runs_app = region == self.primary_region or self.posture.runs_standby_app
            if runs_app and self.regions[region].nat_gateways == 0:
                raise ValueError(
                    f"regions.{region}.nat_gateways: app instances in {region} need outbound "
                    "access (SSM, AWS APIs), so at least one NAT gateway is required"
                )
        if self.posture is Posture.BACKUP_RESTORE and self.targets.rpo_seconds < 3600:
            raise ValueError(
                f"targets.rpo_seconds: backup-restore copies backups hourly at best, so an RPO "
                f"of {self.targets.rpo_seconds} s cannot be met; use pilot-light or above"
            )
        if self.posture is Posture.ACTIVE_ACTIVE and self.sessions.billing_mode == "provisioned":
            raise ValueError(
                "sessions.billing_mode: active-active writes to the table from every region; "
                "use on-demand so a regional surge cannot throttle the replicas"
            )
        self._check_automatic_failover()
        if not self.database.multi_az and self.posture is not Posture.BACKUP_RESTORE:
            raise ValueError(
                "database.multi_az: every replicated posture keeps the primary database Multi-AZ "
                "so an AZ loss does not become a regional failover"
            )
        return self

    def _check_automatic_failover(self) -> None:
        failover = self.failover
        if not failover.automatic:
            return
        if not self.database.is_aurora_global:
            raise ValueError(
                'failover.automatic: needs database.engine = "aurora-mysql-global" '
                "(FailoverGlobalCluster); an RDS replica promotion is one-way and stays an "
                "operator decision"
            )
        if self.posture not in (Posture.WARM_STANDBY, Posture.HOT_STANDBY, Posture.ACTIVE_ACTIVE):
            raise ValueError(
                f"failover.automatic: {self.posture.value} has no serving standby to fail over "
                "to; use warm-standby or above"
            )
        if self.routing.traffic == "arc":
            raise ValueError(
                'failover.automatic: routing.traffic = "arc" moves traffic only on an operator '
                'decision; use "global-accelerator" or "dns-failover", whose health checks move '
                "traffic by themselves"
            )
        if failover.max_data_loss_seconds is None:
            raise ValueError(
                "failover.max_data_loss_seconds: automatic failover promotes with AllowDataLoss; "
                "set the most replication lag (seconds) you accept losing"
            )
        if failover.max_data_loss_seconds > self.targets.rpo_seconds:
            raise ValueError(
                f"failover.max_data_loss_seconds: {failover.max_data_loss_seconds} s exceeds "
                f"targets.rpo_seconds ({self.targets.rpo_seconds} s)"
            )

    def _check_certificates(self) -> None:
        """ACM certificates are regional; a failover to a region without one would downgrade
        clients to plain HTTP, so either every region has one or none does. Backup-restore
        standbys count too: the app tier is rebuilt there at failover."""
        configured = [r for r in self.all_regions if self.regions[r].certificate_arn is not None]
        for region in configured:
            arn = self.regions[region].certificate_arn
            match = _CERTIFICATE_ARN.match(arn or "")
            if match is None:
                raise ValueError(
                    f"regions.{region}.certificate_arn: {arn!r} is not an ACM certificate ARN "
                    f"(arn:aws:acm:{region}:<account>:certificate/<id>)"
                )
            if match.group("region") != region:
                raise ValueError(
                    f"regions.{region}.certificate_arn: the certificate is in "
                    f"{match.group('region')}; an ALB in {region} needs one from ACM in {region}"
                )
        if configured:
            missing = [r for r in self.all_regions if r not in configured]
            if missing:
                raise ValueError(
                    f"regions.{missing[0]}.certificate_arn: missing while {configured[0]} has "
                    "one; set a certificate in every region or in none (a failover to a region "
                    "without one would downgrade clients to plain HTTP)"
                )

    def _check_zones(self, region: str) -> None:
        """Explicit AZs must belong to the region; NATs cannot outnumber the AZs."""
        sizing = self.regions[region]
        field = f"regions.{region}"
        if sizing.availability_zones is not None:
            zones = sizing.availability_zones
            for zone in zones:
                if not re.fullmatch(rf"{re.escape(region)}[{_ZONE_LETTERS}]", zone):
                    raise ValueError(
                        f"{field}.availability_zones: {zone!r} is not an availability zone of "
                        f"{region} (zone letters run from a to f, e.g. {region}a)"
                    )
            if len(set(zones)) != len(zones) or not 2 <= len(zones) <= 3:
                raise ValueError(
                    f"{field}.availability_zones: list 2 or 3 distinct zones, got {len(zones)}"
                    f"{' with repeats' if len(set(zones)) != len(zones) else ''}"
                )
        zone_count = len(self.availability_zones(region))
        if sizing.nat_gateways is not None and sizing.nat_gateways > zone_count:
            raise ValueError(
                f"{field}.nat_gateways: {sizing.nat_gateways} NAT gateways but only "
                f"{zone_count} availability zones (at most one per zone)"
            )

    # Derived names ---------------------------------------------------------------

    @property
    def all_regions(self) -> list[str]:
        """Deployment order: the primary first, then the standbys as listed."""
        return [self.primary_region, *self.standby_regions]

    @property
    def prefix(self) -> str:
        return f"{self.application}-{self.environment}"

    def certificate_arn(self, region: str) -> str | None:
        """The region's ALB certificate; None means the ALB serves plain HTTP on 80."""
        return self.regions[region].certificate_arn

    @property
    def tls(self) -> bool:
        """Whether the ALBs serve HTTPS (the config keeps this all regions or none)."""
        return self.certificate_arn(self.primary_region) is not None

    def region_settings(self, region: str) -> RegionSettings:
        return self.regions[region]

    def availability_zones(self, region: str) -> list[str]:
        configured = self.regions[region].availability_zones
        if configured:
            return list(configured)
        letters = _AZ_LETTERS.get(region, ("a", "b", "c"))
        return [f"{region}{letter}" for letter in letters[:2]]

    def role_of(self, region: str) -> str:
        return "primary" if region == self.primary_region else "standby"

    def standby_capacity(self, region: str) -> tuple[int, int, int]:
        """ASG (min, desired, max) a standby runs under the posture before any failover."""
        sizing = self.regions[region]
        match self.posture:
            case Posture.BACKUP_RESTORE | Posture.PILOT_LIGHT:
                return (0, 0, sizing.asg_max)
            case Posture.WARM_STANDBY:
                return (1, 1, sizing.asg_max)
            case _:
                return (sizing.asg_min, sizing.asg_desired, sizing.asg_max)

    def capacity(self, region: str) -> tuple[int, int, int]:
        if region == self.primary_region:
            sizing = self.regions[region]
            return (sizing.asg_min, sizing.asg_desired, sizing.asg_max)
        return self.standby_capacity(region)

    def nat_gateways(self, region: str) -> int:
        """One NAT per AZ where the region serves traffic; one in a standby that waits."""
        override = self.regions[region].nat_gateways
        if override is not None:
            return override
        if region != self.primary_region and not self.posture.runs_standby_app:
            return 0
        serving = region == self.primary_region or self.posture in (
            Posture.HOT_STANDBY,
            Posture.ACTIVE_ACTIVE,
        )
        return len(self.availability_zones(region)) if serving else 1

    def required_tags(self, region: str) -> dict[str, str]:
        """Tags every taggable resource carries (Name is added per component)."""
        return {
            "Environment": self.environment,
            "Application": self.application,
            "DisasterRecovery": f"{self.posture.value}:{self.role_of(region)}",
            "CostCenter": self.tags.cost_center,
            "ManagedBy": "tradedr",
            "Owner": self.tags.owner,
            "BackupPolicy": f"daily-{self.database.backup_retention_days}d",
            **self.tags.extra,
        }


def _no_double_hyphen(value: str) -> None:
    if "--" in value:
        raise ValueError(
            f"{value!r} contains '--', which RDS identifiers and CloudTrail trail names "
            "built from it must not"
        )


def _check_region(value: str) -> None:
    if value not in known_regions():
        raise ValueError(f"{value!r} is not a known AWS region (e.g. us-east-1, eu-west-1)")


_FIELD_PREFIX = re.compile(r"^([a-z_][\w.-]*): (.*)$", re.DOTALL)
_PLAIN_KEY = re.compile(r"^[\w-]{1,60}$")
MAX_MESSAGE_CHARS = 400


def _one_line(text: str) -> str:
    """A message as one printable line of bounded length, whatever the config contained."""
    text = "".join(char if char.isprintable() else repr(char)[1:-1] for char in text)
    text = " ".join(text.split())
    if len(text) > MAX_MESSAGE_CHARS:
        keep = MAX_MESSAGE_CHARS // 2
        text = f"{text[:keep]} ... {text[-keep:]}"
    return text


def _config_error(message: str) -> ConfigError:
    return ConfigFileError(_one_line(message))


def _location_part(part: str | int) -> str:
    """A key as written when it is a plain word, quoted when it holds anything else."""
    text = str(part)
    if isinstance(part, int) or _PLAIN_KEY.match(text):
        return text
    return repr(text) if len(text) <= 60 else f"{text[:40]!r}..."


def _format_error(error: ValidationError) -> str:
    """One line, naming the field: the first problem pydantic found."""
    first = error.errors()[0]
    location = ".".join(_location_part(part) for part in first["loc"])
    message = str(first["msg"]).removeprefix("Value error, ")
    value = first.get("input")
    if first["type"] == "extra_forbidden":
        message = "unknown setting (check the spelling against `tradedr init`)"
    elif first["type"] == "value_error":
        # A model validator names the field it objects to: "asg_min: ..." -> loc.asg_min
        # (or its full dotted path: "database.engine_version: ..." stays as it is)
        field = _FIELD_PREFIX.match(message)
        if field:
            named, message = field.group(1), field.group(2)
            if not location or named.startswith(f"{location}."):
                location = named
            else:
                location = f"{location}.{named}"
    elif isinstance(value, str | int | float | bool) and len(repr(value)) <= 60:
        message = f"{message} (got {value!r})"
    message = " ".join(message.split())
    return f"{location}: {message}" if location else message


def load_settings(data: dict[str, Any]) -> Settings:
    """Validate a parsed config mapping, raising ConfigError with a single line."""
    try:
        settings = Settings.model_validate(data)
    except ValidationError as exc:
        raise _config_error(_format_error(exc)) from None
    from tradedr.names import name_length_problems

    problems = name_length_problems(settings)
    if problems:
        raise _config_error(
            f"application/environment: too long for AWS names: {problems[0]}; "
            "shorten application or environment"
        )
    return settings


def load_config(path: Path | None) -> Settings:
    """Load `path`, else ./tradedr.toml when present, else the built-in defaults."""
    if path is None:
        candidate = Path(DEFAULT_CONFIG_NAME)
        # exists(), not is_file(): a tradedr.toml that is a directory or a FIFO is an error
        # to report, not a reason to deploy the defaults.
        try:
            present = candidate.exists()
        except OSError:  # e.g. an unsearchable working directory: read_config_bytes says so
            present = True
        if not present:
            return Settings()
        path = candidate
    text = decode_config(path, read_config_bytes(path))
    return load_settings(parse_config_text(text, path))


_FILE_KINDS: tuple[tuple[Callable[[int], bool], str], ...] = (
    (stat.S_ISDIR, "a directory"),
    (stat.S_ISFIFO, "a FIFO (named pipe)"),
    (stat.S_ISCHR, "a character device"),
    (stat.S_ISBLK, "a block device"),
    (stat.S_ISSOCK, "a socket"),
)


def _not_regular(path: Path, mode: int) -> ConfigError:
    kind = next((name for test, name in _FILE_KINDS if test(mode)), "not a regular file")
    return _config_error(f"{path} is {kind}; a config must be a regular file")


def _os_reason(exc: Exception) -> str:
    return (exc.strerror if isinstance(exc, OSError) else None) or str(exc)


def read_config_bytes(path: Path) -> bytes:
    """The bytes of a regular file of at most MAX_CONFIG_BYTES, or a one-line ConfigError.

    Stat before open, so a FIFO (which would block), a device (/dev/zero never ends) or a
    directory is refused without opening it; the open itself is non-blocking and checked
    again with fstat, in case the path was swapped in between.
    """
    limit = f"config files are limited to {MAX_CONFIG_BYTES // (1024 * 1024)} MiB"
    try:
        info = os.stat(path)
    except FileNotFoundError:
        raise _config_error(f"{path} does not exist") from None
    except (OSError, ValueError) as exc:  # ValueError: a NUL byte in the path
        raise _config_error(f"cannot read {path}: {_os_reason(exc)}") from None
    if not stat.S_ISREG(info.st_mode):
        raise _not_regular(path, info.st_mode)
    if info.st_size > MAX_CONFIG_BYTES:
        raise _config_error(f"{path} is {info.st_size} bytes; {limit}")
    flags = os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_NOCTTY", 0)
    try:
        descriptor = os.open(path, flags | getattr(os, "O_CLOEXEC", 0))
        with os.fdopen(descriptor, "rb") as file:
            mode = os.fstat(file.fileno()).st_mode
            if not stat.S_ISREG(mode):
                raise _not_regular(path, mode)
            data = file.read(MAX_CONFIG_BYTES + 1)
    except OSError as exc:
        raise _config_error(f"cannot read {path}: {_os_reason(exc)}") from None
    if len(data) > MAX_CONFIG_BYTES:
        raise _config_error(f"{path} is over {MAX_CONFIG_BYTES} bytes; {limit}")
    return data


def decode_config(path: Path, data: bytes) -> str:
    """UTF-8 text (a leading byte-order mark is dropped), or an error naming the byte."""
    skipped = len(codecs.BOM_UTF8) if data.startswith(codecs.BOM_UTF8) else 0
    try:
        text = data[skipped:].decode("utf-8")
        offset = len(data)
    except UnicodeDecodeError as exc:
        text, offset = "", exc.start + skipped
    nul = data.find(b"\x00", 0, offset)  # valid UTF-8 but never TOML: UTF-16 or binary
    if nul >= 0:
        offset = nul
    if offset == len(data):
        return text
    line = data.count(b"\n", 0, offset) + 1
    hint = ""
    if nul >= 0 or data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        hint = "; it looks like UTF-16 or a binary file, save it as UTF-8"
    raise _config_error(
        f"{path} is not UTF-8 text: byte 0x{data[offset]:02x} at offset {offset} "
        f"(line {line}){hint}"
    )


def parse_config_text(text: str, path: Path) -> dict[str, Any]:
    """Parse TOML, refusing first what would make the parser recurse or crawl."""
    problem = toml_nesting_problem(text)
    if problem:
        raise _config_error(f"{path} is not a tradedr config: {problem}")
    try:
        return tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise _config_error(f"{path} is not valid TOML: {exc}") from None
    except RecursionError:
        raise _config_error(f"{path} is not a tradedr config: nested too deeply") from None
    except ValueError as exc:
        # int() refuses integers of more than 4300 digits (sys.get_int_max_str_digits)
        raise _config_error(f"{path} is not valid TOML: {exc}") from None


# Just enough of TOML's lexical grammar to tell keys from values and to skip strings and
# comments: strings (multi-line first), comments, newlines, structure, anything else.
_TOML_TOKEN = re.compile(
    r'"""(?:[^\\]|\\[\s\S])*?"""'
    r"|'''[\s\S]*?'''"
    r'|"(?:[^"\\\n]|\\.)*"'
    r"|'[^'\n]*'"
    r"|#[^\n]*"
    r"|[\[\]{}=,.\n]"
    r"|[^\"'#\[\]{}=,.\n]+"
    r"|[\s\S]"
)


def toml_nesting_problem(text: str) -> str | None:
    """Arrays and inline tables nested more than MAX_NESTING deep, a dotted key of more
    than MAX_KEY_PARTS parts, or more than MAX_KEYS keys; None when none of these.

    tomllib recurses once per nesting level (RecursionError), its dotted-key handling is
    quadratic in the number of parts (a 1 MiB `a.a.a...` key would take hours), and many
    long table headers take it seconds each thousand.
    """
    stack: list[str] = []  # "[" array or "{" inline table, innermost last
    in_key = True  # reading a key: a line start, a table header, after "{" or ","
    parts = 1
    keys = 0
    line = 1
    for match in _TOML_TOKEN.finditer(text):
        token = match.group()
        line += token.count("\n")
        if token == "\n":
            if not stack:
                in_key, parts = True, 1
            continue
        if token[0] == "#":
            continue
        if in_key:
            if token == ".":
                parts += 1
                if parts > MAX_KEY_PARTS:
                    return f"a dotted key of more than {MAX_KEY_PARTS} parts (line {line})"
            elif token in ("=", "]"):
                keys += parts
                if keys > MAX_KEYS:
                    return f"more than {MAX_KEYS} keys (line {line})"
                in_key, parts = False, 1
            elif token == "}" and stack:
                stack.pop()
                in_key = False
            continue
        if token in ("[", "{"):
            stack.append(token)
            if len(stack) > MAX_NESTING:
                return f"arrays or tables nested more than {MAX_NESTING} deep (line {line})"
            if token == "{":
                in_key, parts = True, 1
        elif token in ("]", "}"):
            if stack:
                stack.pop()
        elif token == "," and stack and stack[-1] == "{":
            in_key, parts = True, 1
    return None
