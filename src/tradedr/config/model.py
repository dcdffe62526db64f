"""The DR posture and `Settings`, the whole environment with its cross-field checks and
the names derived from it."""

from __future__ import annotations

import ipaddress
import re
from collections import Counter
from enum import StrEnum
from typing import Annotated, Any

from pydantic import Field, field_validator, model_validator

from tradedr.config.limits import (
    _AZ_LETTERS,
    _CERTIFICATE_ARN,
    _EMAIL,
    _NAME,
    _RESERVED_BUCKET_PREFIXES,
    _SUFFIX,
    _ZONE_LETTERS,
    MRSC_REGION_SETS,
    _check_region,
    _no_double_hyphen,
    mrsc_region_set,
)
from tradedr.config.resilience import ResilienceSettings
from tradedr.config.sections import (
    MRSC,
    ChecksSettings,
    ClientSettings,
    DatabaseSettings,
    FailoverSettings,
    ReadinessSettings,
    RegionSettings,
    RoutingSettings,
    SecuritySettings,
    SessionsSettings,
    TagSettings,
    TargetSettings,
    UsageSettings,
    _Model,
)


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

# Engines with one writer: every other region holds a read-only replica or secondary.
SINGLE_WRITER_ENGINES: frozenset[str] = frozenset({"mysql", "aurora-mysql-global"})


def _region_sets_text() -> str:
    return "; ".join(f"{name}: {', '.join(regions)}" for name, regions in MRSC_REGION_SETS.items())


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
    clients: ClientSettings = Field(default_factory=ClientSettings)
    targets: TargetSettings = Field(default_factory=TargetSettings)
    failover: FailoverSettings = Field(default_factory=FailoverSettings)
    tags: TagSettings = Field(default_factory=TagSettings)
    security: SecuritySettings = Field(default_factory=SecuritySettings)
    usage: UsageSettings = Field(default_factory=UsageSettings)
    checks: ChecksSettings = Field(default_factory=ChecksSettings)
    resilience: ResilienceSettings = Field(default_factory=ResilienceSettings)
    readiness: ReadinessSettings = Field(default_factory=ReadinessSettings)

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
        self._check_mrsc()
        self._check_automatic_failover()
        self._check_region_switch()
        self._check_resilience()
        if (
            not self.database.multi_az
            and self.posture is not Posture.BACKUP_RESTORE
            and not self.database.is_mrsc
        ):
            raise ValueError(
                "database.multi_az: every replicated posture keeps the primary database Multi-AZ "
                "so an AZ loss does not become a regional failover"
            )
        self._check_single_writer()
        self._check_readiness()
        return self

    def _check_readiness(self) -> None:
        if self.readiness.schedule and not self.posture.runs_standby_app:
            raise ValueError(
                "readiness.schedule: the scheduled checks run in the first standby's app "
                "stack, which backup-restore does not deploy; use pilot-light or above"
            )

    def _check_single_writer(self) -> None:
        """Active-active serves orders from every region, so every region must be able to
        write them; an RDS replica or an Aurora secondary is read-only (docs/failover.md)."""
        if self.posture is Posture.ACTIVE_ACTIVE and self.database.engine in SINGLE_WRITER_ENGINES:
            raise ValueError(
                f"posture: active-active needs every region to write orders, but database.engine "
                f'= "{self.database.engine}" has one writer and read-only standbys; use '
                'hot-standby, or the multi-writer design database.engine = "dynamodb-mrsc" '
                "(docs/failover.md#active-active)"
            )

    def _check_resilience(self) -> None:
        tolerance = self.resilience.impact_tolerance_seconds
        if tolerance is not None and tolerance < self.targets.rto_seconds:
            raise ValueError(
                f"resilience.impact_tolerance_seconds: {tolerance} s is below "
                f"targets.rto_seconds ({self.targets.rto_seconds} s), so a recovery that meets "
                "its target would still breach the tolerance; raise it or lower the RTO"
            )

    def _check_mrsc(self) -> None:
        """What DynamoDB MRSC can do: exactly three Regions of one Region set (three replicas,
        or two plus a witness), writes in every region (active-active), traffic moved by
        Global Accelerator's own health checks. Sources: see `limits.MRSC_REGION_SETS`."""
        db = self.database
        if not db.is_mrsc:
            return
        if self.posture is not Posture.ACTIVE_ACTIVE:
            raise ValueError(
                f'database.engine: "{MRSC}" writes in every region, so it needs posture '
                f'"active-active" (posture is "{self.posture.value}")'
            )
        regions = self.all_regions
        sets = {region: mrsc_region_set(region) for region in regions}
        outside = [region for region, name in sets.items() if name is None]
        if outside:
            field = "primary_region" if outside[0] == self.primary_region else "standby_regions"
            raise ValueError(
                f"{field}: {outside[0]} is in no DynamoDB MRSC Region set ({_region_sets_text()})"
            )
        if len(set(sets.values())) > 1:
            raise ValueError(
                f"standby_regions: {', '.join(regions)} span MRSC Region sets "
                f"{', '.join(sorted({str(n) for n in sets.values()}))}; MRSC needs all its "
                "Regions from one set"
            )
        region_set = sets[self.primary_region]
        witness = db.witness_region
        if witness is None:
            if len(regions) != 3:
                raise ValueError(
                    f"standby_regions: MRSC needs exactly three Regions (three replicas), or "
                    f"two plus database.witness_region; {len(regions)} configured"
                )
        else:
            if len(regions) != 2:
                raise ValueError(
                    f"database.witness_region: a witness makes the third Region, so configure "
                    f"exactly two replica Regions; {len(regions)} configured"
                )
            if witness in regions:
                raise ValueError(
                    f"database.witness_region: {witness} already holds a replica; the witness "
                    "must be a different Region"
                )
            if mrsc_region_set(witness) != region_set:
                raise ValueError(
                    f"database.witness_region: {witness} is not in the {region_set} Region set "
                    f"of the replicas ({', '.join(MRSC_REGION_SETS[str(region_set)])})"
                )
        if self.routing.traffic != "global-accelerator":
            raise ValueError(
                f'routing.traffic: "{MRSC}" moves traffic off a lost region with Global '
                'Accelerator\'s own health checks; set "global-accelerator"'
            )
        if self.failover.automatic:
            raise ValueError(
                f'failover.automatic: "{MRSC}" has no database promotion to automate; the '
                "accelerator's health checks already move traffic"
            )

    def _check_region_switch(self) -> None:
        """A Region switch plan names exactly two regions (API and CloudFormation schema), and
        its custom-action steps need a Lambda only the user can supply."""
        failover = self.failover
        if failover.orchestrator != "arc-region-switch":
            return
        regions = len(self.standby_regions) + 1
        if regions != 2:
            raise ValueError(
                f'failover.orchestrator: "arc-region-switch" plans hold exactly two regions, '
                f'the config has {regions}; keep one standby or use "local"'
            )
        if failover.custom_action_lambda is None:
            raise ValueError(
                'failover.custom_action_lambda: "arc-region-switch" runs the steps it has no '
                "native block for (lag check, fencing, endpoint updates) through a Lambda you "
                "deploy; set its ARN"
            )

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
