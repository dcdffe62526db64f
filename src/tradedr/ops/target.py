"""Resolve `--target local|aws` and `--profile` into a ClientProvider."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass

from tradedr.errors import ConfigError
from tradedr.ops.clients import Boto3ClientProvider, ClientProvider

TARGETS = ("local", "aws")


@dataclass(frozen=True)
class Target:
    """Where operations run: the embedded emulator (`local`) or a real account (`aws`)."""

    name: str
    provider: ClientProvider
    endpoint_url: str | None = None

    @property
    def is_emulator(self) -> bool:
        return self.name == "local"


def check_target(target: str, profile: str | None) -> None:
    if target not in TARGETS:
        raise ConfigError(f"--target must be one of {', '.join(TARGETS)}, got {target!r}")
    if target == "local" and profile:
        raise ConfigError("--profile applies to --target aws only; the emulator needs none")


@contextmanager
def open_target(target: str = "local", profile: str | None = None) -> Iterator[Target]:
    """A provider for the target; for `local`, the running emulator or one for this block."""
    check_target(target, profile)
    if target == "aws":
        yield Target("aws", Boto3ClientProvider(profile=profile))
        return
    from tradedr.emulator.server import emulator_endpoint

    with emulator_endpoint() as url:
        yield Target("local", Boto3ClientProvider(endpoint_url=url), endpoint_url=url)
