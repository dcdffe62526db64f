"""The sections of a config: one model per table of `tradedr.toml` below the top level."""

from __future__ import annotations

import ipaddress
import re
from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from tradedr.config.limits import (
    _DB_CLASS,
    _DNS_LABEL,
    _DOMAIN,
    _GA_HEALTH_PATH,
    _INSTANCE_TYPE,
    _TAG_CHARACTERS,
    MAX_TAGS_PER_RESOURCE,
    REQUIRED_TAG_KEYS,
    USAGE_LIMIT,
    _check_region,
    _tag_text_ok,
    _tag_value_problem,
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
MYSQL_DEFAULT_VERSION = "8.4.7"


# The orders stores tradedr builds; "dynamodb-mrsc" is the only one every region writes to.
Engine = Literal["mysql", "aurora-mysql-global", "dynamodb-mrsc"]
MRSC = "dynamodb-mrsc"


class DatabaseSettings(_Model):
    """The orders database: RDS MySQL Multi-AZ in the primary with cross-region read
    replicas, an Aurora MySQL global database (secondary cluster per standby) for
    sub-second replication and about a minute of managed failover, or a DynamoDB global
    table in multi-Region strong consistency (`dynamodb-mrsc`, active-active only): every
    region writes, a write is acknowledged once another region holds it, so RPO is 0 and
    there is nothing to promote.

    MRSC-only fields: `witness_region` (two replica regions plus a witness instead of three
    replicas), `orders_ttl_attribute` and `app_uses_transactions` exist so a config that
    needs what MRSC lacks (TTL, transactions) is refused up front instead of at deploy.
    """

    engine: Engine = "mysql"
    witness_region: str | None = None
    orders_ttl_attribute: str | None = None
    app_uses_transactions: bool = False
    # MySQL 8.4 (LTS): 8.0 left RDS standard support on 31 July 2026, and cfn-lint's data
    # marks older 8.0 and 8.4 minors deprecated (RDS refuses to create instances with them).
    engine_version: str = MYSQL_DEFAULT_VERSION
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

    @field_validator("witness_region")
    @classmethod
    def _witness(cls, value: str | None) -> str | None:
        if value is not None:
            _check_region(value)
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

    @property
    def is_mrsc(self) -> bool:
        """The orders store is a DynamoDB MRSC global table: no DB instance, no promotion."""
        return self.engine == MRSC

    @model_validator(mode="after")
    def _mrsc_only_fields(self) -> DatabaseSettings:
        # https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/V2globaltables_HowItWorks.html#V2globaltables_HowItWorks.consistency-modes-mrsc
        # (MRSC tables support neither TTL nor transactions; the mode is fixed at creation)
        if self.engine != MRSC:
            if self.witness_region is not None:
                raise ValueError(
                    f"database.witness_region: only engine {MRSC!r} has a witness region "
                    f"(engine is {self.engine!r})"
                )
            return self
        if self.orders_ttl_attribute is not None:
            raise ValueError(
                f"database.orders_ttl_attribute: DynamoDB MRSC tables do not support Time to "
                f"Live; remove it or use another engine than {MRSC!r}"
            )
        if self.app_uses_transactions:
            raise ValueError(
                "database.app_uses_transactions: DynamoDB MRSC tables do not support "
                "TransactWriteItems/TransactGetItems; the app must write single items "
                "(conditional puts)"
            )
        return self


class SessionsSettings(_Model):
    """The sessions table: a DynamoDB global table with a replica in every region."""

    billing_mode: Literal["on-demand", "provisioned"] = "on-demand"
    read_capacity: Annotated[int, Field(ge=1, le=40000)] = 5
    write_capacity: Annotated[int, Field(ge=1, le=40000)] = 5


class ClientSettings(_Model):
    """How the trading clients retry: what a region loss costs them after traffic moves.

    An attempt in flight to the lost region when traffic moves runs into
    `connect_timeout_seconds`, then waits up to `max_backoff_seconds` (full jitter) before
    the next attempt reaches the surviving region. `source` says where the figures come
    from (the defaults are tradedr's; measure or copy your clients' settings).
    """

    connect_timeout_seconds: Annotated[float, Field(gt=0, le=60)] = 2.0
    max_attempts: Annotated[int, Field(ge=1, le=20)] = 3
    max_backoff_seconds: Annotated[float, Field(ge=0, le=60)] = 1.0
    source: str = (
        "tradedr default (2 s connect timeout; 3 attempts as in the AWS SDKs' standard retry "
        "mode, https://docs.aws.amazon.com/sdkref/latest/guide/feature-retry-behavior.html); "
        "replace with your clients' settings"
    )

    @field_validator("source")
    @classmethod
    def _source(cls, value: str) -> str:
        if not value.strip():
            raise ValueError("must name where the client timeout and retry figures come from")
        return value


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
    # Who runs a failover: tradedr from the operator's machine ("local"), or AWS ARC Region
    # switch from its regional data planes ("arc-region-switch"): the plan is then a
    # template resource of the region-switch stack (docs/failover.md#region-switch).
    orchestrator: Literal["local", "arc-region-switch"] = "local"
    # The Lambda Region switch calls for the steps it has no native block for (lag check,
    # fencing, endpoint updates...). tradedr ships none; required with arc-region-switch.
    custom_action_lambda: (
        Annotated[str, Field(pattern=r"^arn:aws[a-zA-Z-]*:lambda:[a-z0-9-]+:\d{12}:function:.+$")]
        | None
    ) = None

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


_LINT_RULE = re.compile(r"[EWI]\d{4}")


class ChecksSettings(_Model):
    """What `tradedr check` leaves out on purpose, for this environment.

    `ignore_lint_rules`: cfn-lint rule ids (E/W/I and four digits, e.g. "W3010" where the
    availability zones are pinned on purpose). Their findings are reported as acknowledged,
    with this setting as the reason, not as errors or warnings.
    """

    ignore_lint_rules: list[str] = Field(default_factory=list)

    @field_validator("ignore_lint_rules")
    @classmethod
    def _rule_ids(cls, value: list[str]) -> list[str]:
        for rule in value:
            if not _LINT_RULE.fullmatch(rule):
                raise ValueError(
                    f"{rule!r} is not a cfn-lint rule id (E, W or I and four digits, e.g. 'W3010')"
                )
        if len(set(value)) != len(value):
            raise ValueError("lists a rule more than once")
        return value


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
    # database.engine = "dynamodb-mrsc": order writes (each replicated to every other
    # replica region and to the witness), strong reads, and the table's size per replica.
    orders_writes_millions: _Usage = 20
    orders_reads_millions: _Usage = 60
    orders_storage_gb: _Usage = 10
    standby_usage_fraction: Annotated[float, Field(ge=0, le=1)] = 0.05


_SCHEDULE = re.compile(
    r"rate\((1 (minute|hour|day)|([2-9]|\d{2,}) (minutes|hours|days))\)|cron\(.+\)"
)


class ReadinessSettings(_Model):
    """`tradedr readiness` on a schedule inside AWS (opt-in): the same checks as a Lambda
    function in the first standby region, started by EventBridge, publishing a
    `tradedr/Readiness` metric per check, with an alarm on the alarm topic.

    `schedule`: an EventBridge schedule expression such as "rate(30 minutes)" (Region
    switch evaluates its plans every 30 minutes); unset, nothing is deployed.
    """

    schedule: str | None = None

    @field_validator("schedule")
    @classmethod
    def _expression(cls, value: str | None) -> str | None:
        if value is not None and not _SCHEDULE.fullmatch(value):
            raise ValueError(
                f"{value!r} is not an EventBridge schedule such as 'rate(30 minutes)' or "
                "'cron(0/30 * * * ? *)'"
            )
        return value
