"""What AWS accepts: region and zone names, name and DNS patterns, tag rules, and limits.

Plain values and checks the config models share; nothing here knows the models.
"""

from __future__ import annotations

import importlib.util
import json
import re
import unicodedata
from functools import cache
from pathlib import Path

from tradedr.errors import ConfigFileError


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


def _no_double_hyphen(value: str) -> None:
    if "--" in value:
        raise ValueError(
            f"{value!r} contains '--', which RDS identifiers and CloudTrail trail names "
            "built from it must not"
        )


# DynamoDB multi-Region strong consistency (MRSC) runs only within one of these Region sets,
# in exactly three Regions: three replicas, or two replicas and a witness. Sources:
# https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/aws-properties-dynamodb-globaltable-globaltablewitness.html
# https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/V2globaltables_HowItWorks.html#V2globaltables_HowItWorks.consistency-modes-mrsc
MRSC_REGION_SETS: dict[str, tuple[str, ...]] = {
    "US": ("us-east-1", "us-east-2", "us-west-2"),
    "EU": ("eu-west-1", "eu-west-2", "eu-west-3", "eu-central-1"),
    "AP": ("ap-northeast-1", "ap-northeast-2", "ap-northeast-3"),
}


def mrsc_region_set(region: str) -> str | None:
    """The MRSC Region set `region` belongs to, or None."""
    return next((name for name, regions in MRSC_REGION_SETS.items() if region in regions), None)


def _check_region(value: str) -> None:
    if value not in known_regions():
        raise ValueError(f"{value!r} is not a known AWS region (e.g. us-east-1, eu-west-1)")
