"""--target and --profile resolve to a provider, or to a clear usage error."""

from __future__ import annotations

from pathlib import Path

import pytest

from tradedr.emulator.server import STATE_ENV
from tradedr.errors import ConfigError
from tradedr.ops.clients import Boto3ClientProvider
from tradedr.ops.target import check_target, open_target


@pytest.mark.parametrize(
    ("target", "profile", "message"),
    [
        ("gcp", None, "--target must be one of local, aws"),
        ("", None, "--target must be one of"),
        ("local", "prod", "--profile applies to --target aws only"),
    ],
)
def test_bad_target_options(target: str, profile: str | None, message: str) -> None:
    with pytest.raises(ConfigError, match=message):
        check_target(target, profile)


@pytest.mark.parametrize(("target", "profile"), [("local", None), ("aws", None), ("aws", "p")])
def test_good_target_options(target: str, profile: str | None) -> None:
    check_target(target, profile)


def test_aws_target_uses_the_profile_and_no_endpoint() -> None:
    with open_target("aws", "ops") as target:
        assert not target.is_emulator
        assert target.endpoint_url is None
        assert isinstance(target.provider, Boto3ClientProvider)
        assert target.provider.profile == "ops"


def test_local_target_points_the_provider_at_the_emulator(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv(STATE_ENV, str(tmp_path))
    with open_target("local") as target:
        assert target.is_emulator
        assert isinstance(target.provider, Boto3ClientProvider)
        assert target.provider.endpoint_url == target.endpoint_url
        sts = target.provider.client("sts", "us-east-1")
        assert sts.get_caller_identity()["Account"] == "123456789012"
