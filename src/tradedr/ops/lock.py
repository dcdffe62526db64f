"""One mutating plan per deployment at a time.

Two concurrent failovers each stop part-way ("both ... exist", DBInstanceNotFound) or worse.
Every failover, failback and fence run (and resume) therefore holds two locks:

- a file lock (`flock`) beside the run journals: the operating system releases it when the
  process dies, so a `kill -9` never leaves it behind on this machine;
- a lease in every region of the deployment the plan does not treat as lost: an SSM
  parameter created with `Overwrite=False`, a conditional write that fails when another run
  holds it. It works with the primary region gone, because it lives in the others. A lease
  names its run, host and pid and expires (renewed at every step); a lease of a dead process
  on this host, an expired lease, or a lease of the same run (a resume) is taken over.

A second run exits 1 with one line naming the holder.
"""

from __future__ import annotations

import contextlib
import fcntl
import json
import os
import socket
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import IO, Any

from botocore.exceptions import ClientError

from tradedr.config import Settings
from tradedr.errors import TradedrError
from tradedr.fileio import private_state_dir
from tradedr.names import Names
from tradedr.ops.clients import ClientProvider

LEASE_SECONDS = 3600.0


class LockHeldError(TradedrError):
    """Another run of the same deployment is in progress."""

    exit_code = 1


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


class DeploymentLock:
    """The file lock plus the regional leases of one run; a context manager."""

    def __init__(
        self,
        settings: Settings,
        provider: ClientProvider,
        *,
        runs_dir: Path,
        owner: str,
        regions: list[str],
        lease_seconds: float = LEASE_SECONDS,
        clock: Callable[[], float] = time.time,
    ) -> None:
        self.settings = settings
        self.provider = provider
        self.runs_dir = runs_dir
        self.owner = owner
        self.regions = sorted(regions)
        self.lease_seconds = lease_seconds
        self.clock = clock
        self.parameter = Names(settings).operation_lock_parameter
        self._file: IO[str] | None = None
        self._leased: list[str] = []

    # File lock ---------------------------------------------------------------------------

    @property
    def path(self) -> Path:
        return self.runs_dir / f".{self.settings.prefix}.lock"

    def _holder(self) -> dict[str, Any]:
        return {
            "run": self.owner,
            "host": socket.gethostname(),
            "pid": os.getpid(),
            "since": round(self.clock(), 3),
            "expires": round(self.clock() + self.lease_seconds, 3),
        }

    def _lock_file(self) -> None:
        private_state_dir(self.runs_dir)
        handle = open(self.path, "a+", encoding="utf-8")  # noqa: SIM115 (held until release)
        os.chmod(self.path, 0o600)
        try:
            fcntl.flock(handle.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            handle.seek(0)
            text = handle.read().strip()
            handle.close()
            raise LockHeldError(
                f"{self.settings.prefix} is locked by another run on this machine "
                f"({describe(text)}); wait for it to finish, or resume that run"
            ) from None
        handle.seek(0)
        handle.truncate()
        handle.write(json.dumps(self._holder()))
        handle.flush()
        self._file = handle

    # Regional leases ---------------------------------------------------------------------

    def _lease(self, region: str, *, renew: bool = False) -> None:
        ssm = self.provider.client("ssm", region)
        value = json.dumps(self._holder())
        try:
            ssm.put_parameter(Name=self.parameter, Value=value, Type="String", Overwrite=renew)
            return
        except ClientError as exc:
            if exc.response.get("Error", {}).get("Code") != "ParameterAlreadyExists":
                raise
        current = _read(ssm, self.parameter)
        if not self._may_take(current):
            raise LockHeldError(
                f"{self.settings.prefix} is locked by another run: lease {self.parameter} in "
                f"{region} held by {describe(json.dumps(current))}; wait for it to finish, or "
                "resume that run"
            )
        ssm.put_parameter(Name=self.parameter, Value=value, Type="String", Overwrite=True)

    def _may_take(self, current: dict[str, Any]) -> bool:
        if not current or current.get("run") == self.owner:
            return True
        if float(current.get("expires", 0)) < self.clock():
            return True
        same_host = current.get("host") == socket.gethostname()
        return same_host and not _alive(int(current.get("pid", 0)))

    def acquire(self) -> None:
        self._lock_file()
        try:
            for region in self.regions:
                self._lease(region)
                self._leased.append(region)
        except BaseException:
            self.release()
            raise

    def renew(self) -> None:
        """Push every lease's expiry forward: called as each step starts."""
        for region in self._leased:
            with contextlib.suppress(ClientError):
                self._lease(region, renew=True)

    def release(self) -> None:
        for region in self._leased:
            with contextlib.suppress(Exception):
                ssm = self.provider.client("ssm", region)
                if _read(ssm, self.parameter).get("run") == self.owner:
                    ssm.delete_parameter(Name=self.parameter)
        self._leased = []
        if self._file is not None:
            with contextlib.suppress(OSError):
                self._file.seek(0)
                self._file.truncate()
                fcntl.flock(self._file.fileno(), fcntl.LOCK_UN)
            self._file.close()
            self._file = None

    def __enter__(self) -> DeploymentLock:
        self.acquire()
        return self

    def __exit__(self, *exc: object) -> None:
        self.release()


def _read(ssm: Any, name: str) -> dict[str, Any]:
    try:
        value = ssm.get_parameter(Name=name)["Parameter"]["Value"]
    except ClientError as exc:
        if exc.response.get("Error", {}).get("Code") == "ParameterNotFound":
            return {}
        raise
    try:
        parsed = json.loads(value)
    except ValueError:
        return {"run": "unreadable lease", "expires": 0}
    return parsed if isinstance(parsed, dict) else {}


def describe(text: str) -> str:
    """'run R on HOST (pid N), lease until T' from a holder record."""
    try:
        holder = json.loads(text) if text else {}
    except ValueError:
        return "holder unknown"
    if not isinstance(holder, dict) or not holder:
        return "holder unknown"
    until = time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(float(holder.get("expires", 0))))
    return (
        f"run {holder.get('run')} on {holder.get('host')} (pid {holder.get('pid')}), "
        f"lease until {until}"
    )


@contextlib.contextmanager
def deployment_lock(
    settings: Settings,
    provider: ClientProvider,
    *,
    runs_dir: Path,
    owner: str,
    regions: list[str],
) -> Iterator[DeploymentLock]:
    lock = DeploymentLock(settings, provider, runs_dir=runs_dir, owner=owner, regions=regions)
    with lock:
        yield lock
