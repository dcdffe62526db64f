"""Resolve `--target local|aws` and `--profile` into a ClientProvider and a Backend.

This is the one place ops reach into the emulator: `backend_for` picks the backend of a
target (see tradedr.ops.backend), and `open_target` the emulator's endpoint.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from types import ModuleType

from tradedr.errors import ConfigError
from tradedr.ops.backend import AwsBackend, Backend
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

    @property
    def backend(self) -> Backend:
        """What this target really performs (for `local`, with what a data plane announced
        for its endpoint)."""
        return backend_for(self.name, self.endpoint_url)


def backend_for(target: str, endpoint_url: str | None = None) -> Backend:
    """The backend of `target`: real AWS, or the emulator (at `endpoint_url`, whose data
    plane may have announced capabilities; see tradedr.emulator.backend)."""
    if target == "aws":
        return AwsBackend()
    from tradedr.emulator.backend import emulator_backend

    return emulator_backend(endpoint_url)


def local_lab() -> ModuleType:
    """The drill's local data plane (`tradedr.emulator.dataplane.lab`: real MariaDB,
    HAProxy and app processes behind the emulator), reached through this wiring point."""
    from tradedr.emulator.dataplane import lab

    return lab


def check_target(target: str, profile: str | None) -> None:
    if target not in TARGETS:
        raise ConfigError(f"--target must be one of {', '.join(TARGETS)}, got {target!r}")
    if target == "local" and profile:
        raise ConfigError("--profile applies to --target aws only; the emulator needs none")


def emulator_running() -> bool:
    """Does a background emulator (`tradedr emulator start`) run for this working directory?"""
    from tradedr.emulator.server import running_emulator

    return running_emulator() is not None


@contextmanager
def open_fresh_target(target: str = "local", profile: str | None = None) -> Iterator[Target]:
    """Like `open_target`, but `local` is always a fresh embedded emulator for this block
    (never the shared one): what a drill deploys into and throws away."""
    check_target(target, profile)
    if target == "aws":
        yield Target("aws", Boto3ClientProvider(profile=profile))
        return
    from tradedr.emulator.server import EmbeddedEmulator, quiet_moto

    quiet_moto()
    with EmbeddedEmulator() as url:
        yield Target("local", Boto3ClientProvider(endpoint_url=url), endpoint_url=url)


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
