"""Every config mistake: exit code 2, one line on stderr naming the field, no traceback.

Each case is a TOML file run through the real CLI (`tradedr config show -c FILE`).
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

from tradedr.cli import app
from tradedr.config import load_settings
from tradedr.errors import ConfigError

# A config automatic failover accepts, to vary one field at a time.
FAST_BASE = (
    'posture = "hot-standby"\n[database]\nengine = "aurora-mysql-global"\n'
    '[routing]\ntraffic = "global-accelerator"\n[targets]\nrpo_seconds = 1\n'
)

# The MRSC example's shape (examples/active-active-mrsc.toml), to vary one field at a time.
MRSC_BASE = (
    'posture = "active-active"\nstandby_regions = ["us-east-2", "us-west-2"]\n'
    '[routing]\ntraffic = "global-accelerator"\n[database]\nengine = "dynamodb-mrsc"\n'
)
MRSC_TWO = (
    'posture = "active-active"\nstandby_regions = ["us-west-2"]\n'
    '[routing]\ntraffic = "global-accelerator"\n[database]\nengine = "dynamodb-mrsc"\n'
)

CERT = "arn:aws:acm:{region}:123456789012:certificate/0a1b2c3d-4e5f-6789-abcd-ef0123456789"

# (case id, TOML text, the field the message must name, a word the message must contain)
BAD_CONFIGS: list[tuple[str, str, str, str]] = [
    (
        "impact-tolerance-below-rto",
        "[resilience]\nimpact_tolerance_seconds = 60",
        "resilience.impact_tolerance_seconds",
        "below targets.rto_seconds",
    ),
    (
        "drill-interval-zero",
        "[resilience]\ndrill_interval_months = 0",
        "resilience.drill_interval_months",
        "greater than or equal to 1",
    ),
    (
        "blank-business-service",
        '[resilience]\nimportant_business_service = " "',
        "resilience.important_business_service",
        "1-120 characters",
    ),
    ("unknown-primary-region", 'primary_region = "us-east-9"', "primary_region", "us-east-9"),
    (
        "unknown-standby-region",
        'standby_regions = ["mars-north-1"]',
        "standby_regions",
        "mars-north-1",
    ),
    (
        "overlapping-cidrs",
        '[regions.us-west-2]\ncidr = "10.0.0.0/16"',
        "regions.us-west-2.cidr",
        "overlaps",
    ),
    ("cidr-too-large", '[regions.us-east-1]\ncidr = "10.0.0.0/8"', "regions.us-east-1.cidr", "/16"),
    (
        "cidr-not-a-network",
        '[regions.us-east-1]\ncidr = "10.0.0.1/16"',
        "regions.us-east-1.cidr",
        "CIDR",
    ),
    ("suffix-uppercase", 'environment = "Prod"', "environment", "lowercase"),
    ("suffix-underscore", 'environment = "prod_1"', "environment", "hyphens"),
    ("suffix-too-long", 'environment = "a-very-long-env-suffix"', "environment", "20"),
    ("suffix-trailing-hyphen", 'environment = "prod-"', "environment", "hyphen"),
    ("suffix-with-brackets", 'environment = "[prod]"', "environment", "[prod]"),
    ("bad-application", 'application = "T"', "application", "3-20"),
    (
        "min-above-desired",
        "[regions.us-east-1]\nasg_min = 3\nasg_desired = 2",
        "regions.us-east-1.asg_min",
        "asg_desired",
    ),
    (
        "desired-above-max",
        "[regions.us-east-1]\nasg_desired = 7\nasg_max = 6",
        "regions.us-east-1.asg_desired",
        "asg_max",
    ),
    ("negative-min", "[regions.us-east-1]\nasg_min = -1", "regions.us-east-1.asg_min", "-1"),
    ("empty-standby-list", "standby_regions = []", "standby_regions", "at least one"),
    (
        "duplicate-standby",
        'standby_regions = ["us-west-2", "us-west-2"]',
        "standby_regions",
        "more than once",
    ),
    ("primary-also-standby", 'standby_regions = ["us-east-1"]', "standby_regions", "primary"),
    (
        "region-not-primary-or-standby",
        '[regions.eu-west-1]\ncidr = "10.99.0.0/16"',
        "regions",
        "eu-west-1",
    ),
    (
        "hot-standby-without-capacity",
        'posture = "hot-standby"\n[regions.us-west-2]\nasg_min = 0\nasg_desired = 0',
        "regions.us-west-2.asg_desired",
        "hot-standby",
    ),
    (
        "active-active-without-capacity",
        'posture = "active-active"\n[regions.us-west-2]\nasg_min = 0\nasg_desired = 0',
        "regions.us-west-2.asg_desired",
        "active-active",
    ),
    (
        "primary-without-instances",
        "[regions.us-east-1]\nasg_min = 0\nasg_desired = 0",
        "regions.us-east-1.asg_desired",
        "primary",
    ),
    (
        "backup-restore-with-tight-rpo",
        'posture = "backup-restore"',
        "targets.rpo_seconds",
        "hourly",
    ),
    (
        "active-active-provisioned-table",
        'posture = "active-active"\n[sessions]\nbilling_mode = "provisioned"',
        "sessions.billing_mode",
        "on-demand",
    ),
    (
        "active-active-single-writer-mysql",
        'posture = "active-active"',
        "posture",
        "dynamodb-mrsc",
    ),
    (
        "active-active-single-writer-aurora",
        'posture = "active-active"\n[database]\nengine = "aurora-mysql-global"\n'
        'instance_class = "db.r6g.large"',
        "posture",
        "one writer",
    ),
    ("single-az-db-replicated", "[database]\nmulti_az = false", "database.multi_az", "Multi-AZ"),
    (
        "nat-zero-where-app-runs",
        "[regions.us-west-2]\nnat_gateways = 0",
        "regions.us-west-2.nat_gateways",
        "NAT",
    ),
    (
        "nat-too-many",
        "[regions.us-east-1]\nnat_gateways = 4",
        "regions.us-east-1.nat_gateways",
        "3",
    ),
    (
        "nat-more-than-azs",
        "[regions.us-east-1]\nnat_gateways = 3",
        "regions.us-east-1.nat_gateways",
        "availability zones",
    ),
    (
        "az-of-another-region",
        '[regions.us-east-1]\navailability_zones = ["us-west-2a", "us-west-2b"]',
        "regions.us-east-1.availability_zones",
        "us-west-2a",
    ),
    (
        "single-az",
        '[regions.us-east-1]\navailability_zones = ["us-east-1a"]',
        "regions.us-east-1.availability_zones",
        "2 or 3",
    ),
    (
        "repeated-az",
        '[regions.us-east-1]\navailability_zones = ["us-east-1a", "us-east-1a"]',
        "regions.us-east-1.availability_zones",
        "repeats",
    ),
    ("unknown-posture", 'posture = "warm"', "posture", "'warm'"),
    (
        "bad-interval",
        "[routing]\nhealth_check_interval_seconds = 15",
        "routing.health_check_interval_seconds",
        "15",
    ),
    (
        "threshold-too-high",
        "[routing]\nhealth_check_failure_threshold = 11",
        "routing.health_check_failure_threshold",
        "11",
    ),
    (
        "threshold-zero",
        "[routing]\nhealth_check_failure_threshold = 0",
        "routing.health_check_failure_threshold",
        "0",
    ),
    ("bad-email", 'alarm_email = "oncall"', "alarm_email", "e-mail"),
    ("bad-domain", '[routing]\ndomain_name = "localhost"', "routing.domain_name", "DNS name"),
    (
        "uppercase-domain",
        '[routing]\ndomain_name = "Trading.Example.com"',
        "routing.domain_name",
        "lowercase",
    ),
    (
        "bad-health-path",
        '[routing]\nhealth_check_path = "health"',
        "routing.health_check_path",
        "/",
    ),
    ("unknown-top-level-key", 'postur = "warm-standby"', "postur", "unknown setting"),
    ("unknown-nested-key", "[database]\nsize = 100", "database.size", "unknown setting"),
    (
        "unknown-region-key",
        "[regions.us-east-1]\nami = 1",
        "regions.us-east-1.ami",
        "unknown setting",
    ),
    (
        "wrong-type-int",
        '[regions.us-east-1]\nasg_max = "six"',
        "regions.us-east-1.asg_max",
        "integer",
    ),
    ("wrong-type-bool", '[database]\nmulti_az = "yes"', "database.multi_az", "boolean"),
    ("wrong-type-list", 'standby_regions = "us-west-2"', "standby_regions", "list"),
    ("wrong-type-table", "regions = 5", "regions", "dictionary"),
    (
        "bad-instance-type",
        '[regions.us-east-1]\ninstance_type = "large"',
        "regions.us-east-1.instance_type",
        "instance type",
    ),
    (
        "automatic-failover-without-aurora",
        "[failover]\nautomatic = true\nmax_data_loss_seconds = 1",
        "failover.automatic",
        "aurora-mysql-global",
    ),
    (
        "automatic-failover-pilot-light",
        'posture = "pilot-light"\n[database]\nengine = "aurora-mysql-global"\n'
        "[failover]\nautomatic = true\nmax_data_loss_seconds = 1",
        "failover.automatic",
        "warm-standby",
    ),
    (
        "automatic-failover-with-arc",
        'posture = "hot-standby"\n[database]\nengine = "aurora-mysql-global"\n[routing]\n'
        'traffic = "arc"\n[failover]\nautomatic = true\nmax_data_loss_seconds = 1',
        "failover.automatic",
        "operator",
    ),
    (
        "automatic-failover-without-data-loss-acceptance",
        FAST_BASE + "[failover]\nautomatic = true",
        "failover.max_data_loss_seconds",
        "AllowDataLoss",
    ),
    (
        "automatic-failover-loss-above-rpo",
        FAST_BASE + "[failover]\nautomatic = true\nmax_data_loss_seconds = 5",
        "failover.max_data_loss_seconds",
        "rpo_seconds",
    ),
    (
        "probe-timeout-above-interval",
        "[failover]\nprobe_interval_seconds = 2\nprobe_timeout_seconds = 3",
        "failover.probe_timeout_seconds",
        "interval",
    ),
    (
        "probes-longer-than-an-invocation",
        "[failover]\nprobe_interval_seconds = 10\nprobe_failures = 5",
        "failover.probe_failures",
        "invocation",
    ),
    ("one-probe-failure", "[failover]\nprobe_failures = 1", "failover.probe_failures", "2"),
    (
        "aurora-with-burstable-class",
        '[database]\nengine = "aurora-mysql-global"\ninstance_class = "db.t3.medium"',
        "database.instance_class",
        "db.r",
    ),
    ("bad-db-class", '[database]\ninstance_class = "r6g.large"', "database.instance_class", "db."),
    (
        "bad-engine-version",
        '[database]\nengine_version = "5.7.44"',
        "database.engine_version",
        "8.0",
    ),
    (
        "storage-too-small",
        "[database]\nallocated_storage_gb = 10",
        "database.allocated_storage_gb",
        "20",
    ),
    (
        "retention-zero",
        "[database]\nbackup_retention_days = 0",
        "database.backup_retention_days",
        "1",
    ),
    ("bad-billing-mode", '[sessions]\nbilling_mode = "free"', "sessions.billing_mode", "'free'"),
    ("negative-rpo", "[targets]\nrpo_seconds = -1", "targets.rpo_seconds", "0"),
    ("override-required-tag", '[tags]\nextra = { Name = "x" }', "tags.extra", "Name"),
    ("empty-owner", '[tags]\nowner = " "', "tags.owner", "empty"),
    (
        "certificate-not-an-arn",
        '[regions.us-east-1]\ncertificate_arn = "my-cert"',
        "regions.us-east-1.certificate_arn",
        "not an ACM certificate ARN",
    ),
    (
        "certificate-from-iam",
        '[regions.us-east-1]\ncertificate_arn = "arn:aws:iam::123456789012:server-certificate/x"',
        "regions.us-east-1.certificate_arn",
        "not an ACM certificate ARN",
    ),
    (
        "certificate-short-account",
        '[regions.us-east-1]\ncertificate_arn = "arn:aws:acm:us-east-1:1234:certificate/abc"',
        "regions.us-east-1.certificate_arn",
        "not an ACM certificate ARN",
    ),
    (
        "certificate-from-another-region",
        f'[regions.us-east-1]\ncertificate_arn = "{CERT.format(region="us-east-1")}"\n'
        f'[regions.us-west-2]\ncertificate_arn = "{CERT.format(region="us-east-1")}"',
        "regions.us-west-2.certificate_arn",
        "needs one from ACM in us-west-2",
    ),
    (
        "certificate-in-primary-only",
        f'[regions.us-east-1]\ncertificate_arn = "{CERT.format(region="us-east-1")}"',
        "regions.us-west-2.certificate_arn",
        "every region or in none",
    ),
    (
        "certificate-missing-in-second-standby",
        'standby_regions = ["us-west-2", "eu-west-1"]\n'
        f'[regions.us-east-1]\ncertificate_arn = "{CERT.format(region="us-east-1")}"\n'
        f'[regions.eu-west-1]\ncertificate_arn = "{CERT.format(region="eu-west-1")}"',
        "regions.us-west-2.certificate_arn",
        "downgrade",
    ),
    (
        "certificate-empty",
        '[regions.us-east-1]\ncertificate_arn = ""',
        "regions.us-east-1.certificate_arn",
        "not an ACM certificate ARN",
    ),
    (
        "mrsc-not-active-active",
        MRSC_BASE.replace("active-active", "hot-standby"),
        "database.engine",
        "active-active",
    ),
    (
        "mrsc-region-outside-sets",
        MRSC_BASE.replace('"us-east-2", "us-west-2"', '"us-east-2", "us-west-1"'),
        "standby_regions",
        "us-west-1 is in no DynamoDB MRSC Region set",
    ),
    (
        "mrsc-primary-outside-sets",
        'primary_region = "ca-central-1"\n' + MRSC_BASE,
        "primary_region",
        "no DynamoDB MRSC Region set",
    ),
    (
        "mrsc-regions-span-sets",
        MRSC_BASE.replace('"us-east-2", "us-west-2"', '"us-east-2", "eu-west-1"'),
        "standby_regions",
        "span MRSC Region sets",
    ),
    (
        "mrsc-two-regions-no-witness",
        MRSC_TWO,
        "standby_regions",
        "exactly three Regions",
    ),
    (
        "mrsc-four-regions",
        MRSC_BASE.replace('"us-east-2", "us-west-2"', '"us-east-2", "us-west-2", "eu-west-1"'),
        "standby_regions",
        "span MRSC Region sets",
    ),
    (
        "mrsc-witness-with-three-replicas",
        MRSC_BASE + 'witness_region = "us-east-2"\n',
        "database.witness_region",
        "exactly two replica Regions",
    ),
    (
        "mrsc-witness-is-a-replica",
        MRSC_TWO + 'witness_region = "us-west-2"\n',
        "database.witness_region",
        "already holds a replica",
    ),
    (
        "mrsc-witness-other-set",
        MRSC_TWO + 'witness_region = "eu-west-1"\n',
        "database.witness_region",
        "not in the US Region set",
    ),
    (
        "witness-without-mrsc",
        '[database]\nwitness_region = "us-east-2"',
        "database.witness_region",
        "only engine 'dynamodb-mrsc'",
    ),
    (
        "mrsc-ttl",
        MRSC_BASE + 'orders_ttl_attribute = "expires_at"\n',
        "database.orders_ttl_attribute",
        "Time to Live",
    ),
    (
        "mrsc-transactions",
        MRSC_BASE + "app_uses_transactions = true\n",
        "database.app_uses_transactions",
        "TransactWriteItems",
    ),
    (
        "mrsc-dns-failover",
        MRSC_BASE.replace('traffic = "global-accelerator"', 'traffic = "dns-failover"'),
        "routing.traffic",
        "global-accelerator",
    ),
    (
        "mrsc-automatic-failover",
        MRSC_BASE + "[failover]\nautomatic = true\nmax_data_loss_seconds = 0\n",
        "failover.automatic",
        "no database promotion",
    ),
    (
        "clients-empty-source",
        '[clients]\nsource = " "',
        "clients.source",
        "must name where",
    ),
]


@pytest.fixture
def runner() -> CliRunner:
    return CliRunner()


@pytest.mark.parametrize(
    ("text", "field", "word"), [c[1:] for c in BAD_CONFIGS], ids=[c[0] for c in BAD_CONFIGS]
)
def test_bad_config_is_one_line_naming_the_field(
    runner: CliRunner, tmp_path: Path, text: str, field: str, word: str
) -> None:
    config = tmp_path / "bad.toml"
    config.write_text(text + "\n", encoding="utf-8")
    result = runner.invoke(app, ["config", "show", "-c", str(config)])
    assert result.exit_code == 2, result.output
    assert isinstance(result.exception, SystemExit)
    lines = result.stderr.strip("\n").splitlines()
    assert len(lines) == 1, result.stderr
    line = lines[0]
    assert line.startswith(f"error: config error: {field}: "), line
    assert word in line, line
    assert "Traceback" not in result.output
    assert result.stdout == ""


@pytest.mark.parametrize(
    "command", [["drill", "--json"], ["rto"], ["failover", "--to", "us-west-2", "--dry-run"]]
)
def test_active_active_on_a_single_writer_engine_is_refused_by_every_command(
    runner: CliRunner, tmp_path: Path, command: list[str]
) -> None:
    """The drill (and everything else) refuses the config before doing anything: standby
    regions would send order writes to read-only replicas."""
    config = tmp_path / "aa.toml"
    config.write_text('posture = "active-active"\n', encoding="utf-8")
    result = runner.invoke(app, [*command, "-c", str(config)])
    assert result.exit_code == 2, result.output
    lines = result.stderr.strip("\n").splitlines()
    assert len(lines) == 1, result.stderr
    assert lines[0].startswith("error: config error: posture: active-active needs every region")


def test_case_ids_are_unique() -> None:
    ids = [c[0] for c in BAD_CONFIGS]
    assert len(ids) == len(set(ids)) >= 20


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("posture = [", "is not valid TOML"),
        ('posture = "warm-standby"\nposture = "pilot-light"', "is not valid TOML"),
    ],
    ids=["unclosed-array", "duplicate-key"],
)
def test_invalid_toml_is_one_line(
    runner: CliRunner, tmp_path: Path, text: str, expected: str
) -> None:
    config = tmp_path / "bad.toml"
    config.write_text(text + "\n", encoding="utf-8")
    result = runner.invoke(app, ["config", "show", "-c", str(config)])
    assert result.exit_code == 2
    assert len(result.stderr.strip().splitlines()) == 1
    assert expected in result.stderr
    assert "bad.toml" in result.stderr


def test_missing_config_file_is_exit_2(runner: CliRunner, tmp_path: Path) -> None:
    result = runner.invoke(app, ["config", "show", "-c", str(tmp_path / "absent.toml")])
    assert result.exit_code == 2
    assert "does not exist" in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1


@pytest.mark.parametrize("command", [["config", "show"], ["synth"]])
def test_real_console_script_reports_bad_config_without_traceback(
    tmp_path: Path, command: list[str]
) -> None:
    """The installed entry point (not CliRunner): exit code and stderr as a user sees them."""
    config = tmp_path / "bad.toml"
    config.write_text('environment = "Prod"\n', encoding="utf-8")
    tradedr = Path(sys.executable).parent / "tradedr"
    done = subprocess.run(
        [str(tradedr), *command, "-c", str(config)],
        capture_output=True,
        text=True,
        timeout=120,
        cwd=tmp_path,
        check=False,
    )
    assert done.returncode == 2
    assert done.stderr.strip().splitlines()[-1].startswith("error: config error: environment: ")
    assert "Traceback" not in done.stderr
    assert done.stdout == ""


@pytest.mark.parametrize(
    "data",
    [
        {"application": "abcdefghijklmnopqrst", "environment": "abcdefghijklmnopqrst"},
        {"application": "tradingplatformxyz", "environment": "productionblue"},
    ],
)
def test_names_too_long_for_aws_are_rejected_not_truncated(data: dict[str, str]) -> None:
    with pytest.raises(ConfigError) as raised:
        load_settings(data)
    assert raised.value.message.startswith("config error: application/environment: ")
    assert "limit" in raised.value.message
