"""Values AWS would refuse at deploy time are refused at config time: exit code 2 and one
line naming the field, through the real CLI (`tradedr config show -c FILE`)."""

from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import CliRunner

from tradedr.cli import app
from tradedr.config import USAGE_LIMIT, Settings, load_settings

DNS_RULE = "labels of letters, digits and hyphens, not starting or ending with a hyphen"
PATH_RULE = "must be printable ASCII without spaces or control characters"
TAG_CHARS = "may contain only letters, digits, spaces and _ . : / = + - @"
BUCKET = "a prefix S3 refuses in bucket names (every bucket name starts with the application)"
DOUBLE_HYPHEN = "which RDS identifiers and CloudTrail trail names built from it must not"
LONG_RECORD = ".".join(["r" * 60] * 4)
RECORD_241 = ".".join(["r" * 60] * 3 + ["r" * 58])  # + ".example.com" = 253 characters

# (case id, TOML text, the whole line on stderr after "error: config error: ")
AWS_REFUSES: list[tuple[str, str, str]] = [
    # routing.record_name: Route 53 names
    (
        "record-empty",
        '[routing]\nrecord_name = ""',
        "routing.record_name: must not be empty (the public name is <record_name>.<domain_name>)",
    ),
    (
        "record-with-space",
        '[routing]\nrecord_name = "my app"',
        f"routing.record_name: 'my app' is not a lowercase DNS name: {DNS_RULE}",
    ),
    (
        "record-double-dot",
        '[routing]\nrecord_name = "api..v2"',
        "routing.record_name: 'api..v2' has an empty DNS label (a leading, trailing or '..')",
    ),
    (
        "record-trailing-dot",
        '[routing]\nrecord_name = "app."',
        "routing.record_name: 'app.' has an empty DNS label (a leading, trailing or '..')",
    ),
    (
        "record-label-64",
        f'[routing]\nrecord_name = "{"a" * 64}"',
        f"routing.record_name: '{'a' * 64}' has a DNS label of 64 characters (at most 63)",
    ),
    (
        "record-name-over-253",
        f'[routing]\nrecord_name = "{LONG_RECORD}"',
        f"routing.record_name: {LONG_RECORD}.trading.example.com is 263 characters; a DNS name "
        "has at most 253",
    ),
    (
        "record-non-ascii",
        '[routing]\nrecord_name = "börse"',
        "routing.record_name: 'börse' is not ASCII; write an internationalized name as xn--",
    ),
    (
        "record-uppercase",
        '[routing]\nrecord_name = "App"',
        f"routing.record_name: 'App' is not a lowercase DNS name: {DNS_RULE}",
    ),
    (
        "record-leading-hyphen",
        '[routing]\nrecord_name = "-app"',
        f"routing.record_name: '-app' is not a lowercase DNS name: {DNS_RULE}",
    ),
    # routing.health_check_path: Route 53 ResourcePath, target group, Global Accelerator
    (
        "health-path-newline",
        '[routing]\nhealth_check_path = "/health\\nHost: evil"',
        f"routing.health_check_path: '/health\\nHost: evil' {PATH_RULE}",
    ),
    (
        "health-path-tab",
        '[routing]\nhealth_check_path = "/health\\t"',
        f"routing.health_check_path: '/health\\t' {PATH_RULE}",
    ),
    (
        "health-path-space",
        '[routing]\nhealth_check_path = "/he alth"',
        f"routing.health_check_path: '/he alth' {PATH_RULE}",
    ),
    (
        "health-path-non-ascii",
        '[routing]\nhealth_check_path = "/gesundheit-ü"',
        f"routing.health_check_path: '/gesundheit-ü' {PATH_RULE}",
    ),
    (
        "health-path-over-255",
        f'[routing]\nhealth_check_path = "/{"h" * 255}"',
        "routing.health_check_path: is 256 characters; Route 53 allows at most 255",
    ),
    (
        "health-path-global-accelerator",
        '[routing]\ntraffic = "global-accelerator"\nhealth_check_path = "/health!"',
        "routing.health_check_path: '/health!' has characters Global Accelerator health "
        "checks refuse (use letters, digits and -@:%_+.~#?&/=)",
    ),
    # application / environment: the names built from them (S3, ALB, RDS, CloudTrail)
    (
        "application-sthree",
        'application = "sthree-trading"',
        f"application: 'sthree-trading' starts with 'sthree-', {BUCKET}",
    ),
    (
        "application-sthree-configurator",
        'application = "sthree-configurator"',
        f"application: 'sthree-configurator' starts with 'sthree-', {BUCKET}",
    ),
    (
        "application-xn",
        'application = "xn--trading"',
        f"application: 'xn--trading' starts with 'xn--', {BUCKET}",
    ),
    (
        "application-amzn-s3-demo",
        'application = "amzn-s3-demo-x"',
        f"application: 'amzn-s3-demo-x' starts with 'amzn-s3-demo-', {BUCKET}",
    ),
    (
        "application-internal",
        'application = "internal-trading"',
        "application: 'internal-trading' starts with 'internal-', which ALB names must not "
        "(every load balancer name starts with the application)",
    ),
    (
        "application-double-hyphen",
        'application = "trade--desk"',
        f"application: 'trade--desk' contains '--', {DOUBLE_HYPHEN}",
    ),
    (
        "environment-double-hyphen",
        'environment = "blue--green"',
        f"environment: 'blue--green' contains '--', {DOUBLE_HYPHEN}",
    ),
    # availability zones: letters a-f
    (
        "zone-letter-z",
        '[regions.us-east-1]\navailability_zones = ["us-east-1a", "us-east-1z"]',
        "regions.us-east-1.availability_zones: 'us-east-1z' is not an availability zone of "
        "us-east-1 (zone letters run from a to f, e.g. us-east-1a)",
    ),
    (
        "zone-letter-g",
        '[regions.us-west-2]\navailability_zones = ["us-west-2g", "us-west-2a"]',
        "regions.us-west-2.availability_zones: 'us-west-2g' is not an availability zone of "
        "us-west-2 (zone letters run from a to f, e.g. us-west-2a)",
    ),
    # tags: AWS tagging rules
    (
        "tag-key-aws-prefix",
        '[tags]\nextra = { "aws:team" = "x" }',
        "tags.extra: tag key 'aws:team': the 'aws:' prefix is reserved for AWS",
    ),
    (
        "tag-key-aws-prefix-uppercase",
        '[tags]\nextra = { "AWS:Team" = "x" }',
        "tags.extra: tag key 'AWS:Team': the 'aws:' prefix is reserved for AWS",
    ),
    (
        "tag-key-aws-prefix-mixed-case",
        '[tags]\nextra = { "Aws:team" = "x" }',
        "tags.extra: tag key 'Aws:team': the 'aws:' prefix is reserved for AWS",
    ),
    (
        "tag-key-over-128",
        f'[tags]\nextra = {{ {"k" * 129} = "x" }}',
        f"tags.extra: tag key '{'k' * 129}' must be 1-128 characters, got 129",
    ),
    (
        "tag-key-empty",
        '[tags]\nextra = { "" = "x" }',
        "tags.extra: tag key '' must be 1-128 characters, got 0",
    ),
    (
        "tag-key-bad-character",
        '[tags]\nextra = { "team;drop" = "x" }',
        f"tags.extra: tag key 'team;drop' {TAG_CHARS}",
    ),
    (
        "tag-value-over-256",
        f'[tags]\nextra = {{ Team = "{"v" * 257}" }}',
        "tags.extra: tag 'Team': value is 257 characters (at most 256)",
    ),
    (
        "tag-value-newline",
        '[tags]\nextra = { Team = "a\\nb" }',
        f"tags.extra: tag 'Team': value 'a\\nb' {TAG_CHARS}",
    ),
    (
        "tag-too-many",
        "[tags]\nextra = { " + ", ".join(f'k{i} = "v"' for i in range(43)) + " }",
        "tags.extra: 43 extra tags; with the 8 required ones AWS allows 50 per resource, so "
        "at most 42",
    ),
    (
        "tag-owner-bad-character",
        '[tags]\nowner = "sre<oncall>"',
        f"tags.owner: tag value 'sre<oncall>' {TAG_CHARS}",
    ),
    (
        "tag-cost-center-over-256",
        f'[tags]\ncost_center = "{"c" * 257}"',
        "tags.cost_center: tag value is 257 characters (at most 256)",
    ),
    # alarm_email: an SNS e-mail subscription endpoint
    (
        "alarm-email-escape-sequence",
        'alarm_email = "oncall\\u001b[2J@example.com"',
        "alarm_email: 'oncall\\x1b[2J@example.com' is not an e-mail address",
    ),
    (
        "alarm-email-over-254",
        f'alarm_email = "{"o" * 250}@example.com"',
        f"alarm_email: '{'o' * 250}@example.com' is not an e-mail address",
    ),
    # usage: finite and bounded, so `tradedr cost --json` stays JSON
    (
        "usage-inf",
        "[usage]\ns3_storage_gb = inf",
        "usage.s3_storage_gb: Input should be a finite number (got inf)",
    ),
    (
        "usage-minus-inf",
        "[usage]\ninternet_egress_gb = -inf",
        "usage.internet_egress_gb: Input should be a finite number (got -inf)",
    ),
    (
        "usage-nan",
        "[usage]\nalb_lcu_average = nan",
        "usage.alb_lcu_average: Input should be a finite number (got nan)",
    ),
    (
        "usage-nan-bounded-field",
        "[usage]\nhours_per_month = nan",
        "usage.hours_per_month: Input should be a finite number (got nan)",
    ),
    (
        "usage-1e308",
        "[usage]\nroute53_queries_millions = 1e308",
        "usage.route53_queries_millions: Input should be less than or equal to 1000000000 "
        "(got 1e+308)",
    ),
    (
        "usage-just-over-limit",
        "[usage]\nkms_requests_10k = 1_000_000_001",
        "usage.kms_requests_10k: Input should be less than or equal to 1000000000 (got 1000000001)",
    ),
]


@pytest.fixture
def runner() -> CliRunner:
    return CliRunner()


@pytest.mark.parametrize(
    ("text", "expected"), [c[1:] for c in AWS_REFUSES], ids=[c[0] for c in AWS_REFUSES]
)
def test_value_aws_refuses_is_one_line_naming_the_field(
    runner: CliRunner, tmp_path: Path, text: str, expected: str
) -> None:
    config = tmp_path / "bad.toml"
    config.write_text(text + "\n", encoding="utf-8")
    result = runner.invoke(app, ["config", "show", "-c", str(config)])
    assert result.exit_code == 2, result.output
    assert isinstance(result.exception, SystemExit)
    assert result.stderr.strip("\n").splitlines() == [f"error: config error: {expected}"]
    assert result.stdout == ""


def test_case_ids_are_unique() -> None:
    ids = [c[0] for c in AWS_REFUSES]
    assert len(ids) == len(set(ids))


# The limits themselves are allowed: (case id, config mapping)
AT_THE_LIMIT: list[tuple[str, dict[str, object]]] = [
    ("record-label-63", {"routing": {"record_name": "a" * 63}}),
    (
        "record-name-253",
        {"routing": {"record_name": RECORD_241, "domain_name": "example.com"}},
    ),
    ("record-multi-label", {"routing": {"record_name": "api.v2"}}),
    ("health-path-255", {"routing": {"health_check_path": "/" + "h" * 254}}),
    ("health-path-query", {"routing": {"health_check_path": "/health?deep=1&x=%20"}}),
    (
        "zone-letter-f",
        {"regions": {"us-east-1": {"availability_zones": ["us-east-1a", "us-east-1f"]}}},
    ),
    ("application-with-single-hyphens", {"application": "trade-desk-x"}),
    ("application-containing-sthree", {"application": "my-sthree-app"}),
    ("tag-key-128-value-256", {"tags": {"extra": {"k" * 128: "v" * 256}}}),
    ("tag-value-empty", {"tags": {"extra": {"Team": ""}}}),
    ("tag-unicode-letters", {"tags": {"extra": {"Équipe": "exécution 1/2 @desk_a+b=c:d"}}}),
    ("tag-aws-not-a-prefix", {"tags": {"extra": {"team:aws": "x", "aws": "y"}}}),
    ("tag-42-extra", {"tags": {"extra": {f"k{i}": "v" for i in range(42)}}}),
    ("usage-at-limit", {"usage": {"s3_storage_gb": float(USAGE_LIMIT)}}),
    ("usage-zero", {"usage": {"s3_storage_gb": 0.0}}),
]


@pytest.mark.parametrize("data", [c[1] for c in AT_THE_LIMIT], ids=[c[0] for c in AT_THE_LIMIT])
def test_values_at_the_aws_limits_are_accepted(data: dict[str, object]) -> None:
    assert isinstance(load_settings(data), Settings)


def test_record_name_limit_case_is_exactly_253_characters() -> None:
    routing = load_settings({"routing": {"record_name": RECORD_241, "domain_name": "example.com"}})
    assert len(f"{routing.routing.record_name}.{routing.routing.domain_name}") == 253
