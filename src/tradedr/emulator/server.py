"""The embedded emulator: a moto server on 127.0.0.1 and a free port.

Two ways to run it. `EmbeddedEmulator` runs moto in a thread of the current process for
the duration of one command. `start_background()` runs it in a detached process
(`tradedr emulator start`) and records where it listens in a state file, so later
commands reuse the same emulator (and the resources deployed into it).
"""

from __future__ import annotations

import argparse
import itertools
import json
import logging
import os
import signal
import socket
import subprocess
import sys
import time
import warnings
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from dataclasses import asdict, dataclass
from pathlib import Path
from types import TracebackType
from typing import Any

from tradedr.errors import AwsOperationError, TradedrError
from tradedr.fileio import PRIVATE_FILE_MODE, private_state_dir, write_private

HOST = "127.0.0.1"
STATE_ENV = "TRADEDR_STATE_DIR"
SERVER_MODULE = "tradedr.emulator.server"


def state_dir() -> Path:
    """Where tradedr keeps local state (`.tradedr/` in the working directory by default)."""
    return Path(os.environ.get(STATE_ENV, ".tradedr"))


def state_file() -> Path:
    return state_dir() / "emulator.json"


def quiet_moto() -> None:
    """moto logs every request and warns once per skipped resource type; tradedr reports
    skipped types itself (as "not emulated"), so the raw noise only hides real output."""
    logging.getLogger("werkzeug").setLevel(logging.ERROR)
    logging.getLogger("moto").setLevel(logging.ERROR)
    warnings.filterwarnings("ignore", message=r"Tried to parse .* not supported by moto")
    warnings.filterwarnings("ignore", category=UserWarning, module=r"moto\..*")


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind((HOST, 0))
        port: int = sock.getsockname()[1]
        return port


def _answers(port: int, timeout: float = 0.5) -> bool:
    try:
        with socket.create_connection((HOST, port), timeout=timeout):
            return True
    except OSError:
        return False


class EmbeddedEmulator:
    """moto's ThreadedMotoServer in this process: `with EmbeddedEmulator() as url: ...`."""

    def __init__(self, port: int | None = None) -> None:
        self.port = port or free_port()
        self._server: Any = None

    @property
    def endpoint_url(self) -> str:
        return f"http://{HOST}:{self.port}"

    def start(self) -> str:
        from moto.server import ThreadedMotoServer

        from tradedr.emulator import moto_patches

        quiet_moto()
        moto_patches.apply()
        self._server = ThreadedMotoServer(ip_address=HOST, port=self.port, verbose=False)
        self._server.start()
        _wait_until_answers(self.port, seconds=15)
        return self.endpoint_url

    def stop(self) -> None:
        if self._server is not None:
            self._server.stop()
            self._server = None

    def __enter__(self) -> str:
        return self.start()

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.stop()


def _wait_until_answers(port: int, *, seconds: float) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if _answers(port):
            return
        time.sleep(0.05)
    raise AwsOperationError(f"emulator did not answer on {HOST}:{port} within {seconds:.0f} s")


@dataclass(frozen=True)
class EmulatorState:
    """What `tradedr emulator start` records so other commands can find the emulator."""

    pid: int
    port: int
    endpoint_url: str
    started_at: float
    log_file: str
    # The process's start time as the kernel records it (clock ticks since boot, Linux), so
    # a recycled pid is told apart from the emulator; None where it cannot be read.
    process_start: int | None = None

    def alive(self) -> bool:
        try:
            os.kill(self.pid, 0)
        except OSError:
            return False
        return _answers(self.port)


def read_state() -> EmulatorState | None:
    path = state_file()
    if not path.is_file():
        return None
    try:
        return EmulatorState(**json.loads(path.read_text(encoding="utf-8")))
    except (ValueError, TypeError):
        return None


def running_emulator() -> EmulatorState | None:
    """The recorded background emulator, if it is still answering."""
    state = read_state()
    return state if state is not None and state.alive() else None


def _spawn(port: int, log_path: Path) -> subprocess.Popen[bytes]:
    """The emulator in its own process, so its state outlives this command (or, in tests,
    is not shared with in-process moto mocks)."""
    private_state_dir(log_path.parent)
    fd = os.open(log_path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, PRIVATE_FILE_MODE)
    os.fchmod(fd, PRIVATE_FILE_MODE)  # an older log may predate private files
    with os.fdopen(fd, "ab") as log:
        process = subprocess.Popen(
            [sys.executable, "-m", SERVER_MODULE, "--port", str(port)],
            stdout=log,
            stderr=log,
            stdin=subprocess.DEVNULL,
            start_new_session=True,
        )
    try:
        _wait_until_answers(port, seconds=30)
    except AwsOperationError:
        process.kill()
        raise
    return process


@contextmanager
def emulator_process(log_path: Path) -> Iterator[str]:
    """A separate emulator process for the duration of a block; yields its endpoint URL."""
    port = free_port()
    process = _spawn(port, log_path)
    try:
        yield f"http://{HOST}:{port}"
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def start_background(port: int | None = None) -> tuple[EmulatorState, bool]:
    """Start a detached emulator unless one runs; returns (state, started_now)."""
    existing = running_emulator()
    if existing is not None:
        return existing, False
    port = port or free_port()
    log_path = state_dir() / "emulator.log"
    process = _spawn(port, log_path)
    state = EmulatorState(
        pid=process.pid,
        port=port,
        endpoint_url=f"http://{HOST}:{port}",
        started_at=time.time(),
        log_file=str(log_path),
        process_start=_process_start(process.pid),
    )
    write_private(state_file(), json.dumps(asdict(state), indent=2))
    return state, True


class StaleEmulatorStateError(TradedrError):
    """The state file names a process that is not the emulator it recorded."""


def stop_background() -> EmulatorState | None:
    """Stop the recorded emulator (by its recorded pid only, once that pid is shown to be
    this emulator's process) and forget it.

    A state file whose pid is gone or now belongs to another process (pids are reused) is
    removed without signalling anything, and StaleEmulatorStateError says so.
    """
    state = read_state()
    if state is None:
        return None
    reason = _not_ours(state)
    if reason is not None:
        state_file().unlink(missing_ok=True)
        raise StaleEmulatorStateError(
            f"removed a stale emulator state file: {reason}; nothing was signalled"
        )
    try:
        os.kill(state.pid, signal.SIGTERM)
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline and _pid_alive(state.pid):
            time.sleep(0.1)
    except OSError:
        pass
    state_file().unlink(missing_ok=True)
    return state


def _not_ours(state: EmulatorState) -> str | None:
    """Why `state.pid` is not the emulator `state` recorded, or None when it is."""
    argv = _command_line(state.pid)
    if not argv:
        return f"pid {state.pid} is not running (or cannot be inspected)"
    if not _is_our_server(argv, state.port):
        shown = " ".join(argv)
        shown = shown if len(shown) <= 80 else shown[:77] + "..."
        return f"pid {state.pid} is not a tradedr emulator on port {state.port} ({shown!r})"
    if state.process_start is not None:
        now = _process_start(state.pid)
        if now is not None and now != state.process_start:
            return f"pid {state.pid} started after the emulator it recorded (pid reused)"
    return None


def _is_our_server(argv: list[str], port: int) -> bool:
    """`python -m tradedr.emulator.server --port PORT`, as _spawn starts it."""
    if SERVER_MODULE not in argv:
        return False
    return any(a == "--port" and b == str(port) for a, b in itertools.pairwise(argv))


def _command_line(pid: int) -> list[str] | None:
    """A process's argv: /proc on Linux, else `ps`; None when it is gone or unreadable."""
    proc = Path(f"/proc/{pid}/cmdline")
    if Path("/proc/self/cmdline").exists():
        try:
            raw = proc.read_bytes()
        except OSError:
            return None
        return [part.decode("utf-8", "replace") for part in raw.split(b"\0") if part]
    try:
        listed = subprocess.run(
            ["ps", "-ww", "-o", "command=", "-p", str(pid)],
            capture_output=True,
            text=True,
            timeout=5,
            check=False,
        )
    except (OSError, subprocess.SubprocessError):
        return None
    return listed.stdout.split() if listed.returncode == 0 else None


def _process_start(pid: int) -> int | None:
    """The process's start time in clock ticks since boot (Linux /proc/<pid>/stat field
    22); None where /proc is not there or the process is gone."""
    try:
        stat = Path(f"/proc/{pid}/stat").read_text(encoding="utf-8", errors="replace")
    except OSError:
        return None
    # The command name (field 2) may hold spaces and parentheses: split after the last ')'.
    fields = stat.rsplit(")", 1)[-1].split()
    try:
        return int(fields[19])
    except (IndexError, ValueError):
        return None


def _pid_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except OSError:
        return False
    # A zombie child (when we started it from this very process) no longer serves.
    with suppress(ChildProcessError):
        os.waitpid(pid, os.WNOHANG)
    try:
        os.kill(pid, 0)
    except OSError:
        return False
    return True


@contextmanager
def emulator_endpoint() -> Iterator[str]:
    """The running background emulator's URL, or an embedded one for this block only."""
    state = running_emulator()
    if state is not None:
        quiet_moto()
        yield state.endpoint_url
        return
    with EmbeddedEmulator() as url:
        yield url


def _serve(port: int) -> None:
    """Entry point of the detached process: serve until SIGTERM."""
    emulator = EmbeddedEmulator(port)
    emulator.start()
    stopping = False

    def _stop(signum: int, frame: object) -> None:
        nonlocal stopping
        stopping = True

    signal.signal(signal.SIGTERM, _stop)
    signal.signal(signal.SIGINT, _stop)
    while not stopping:
        time.sleep(0.2)
    emulator.stop()


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description="Run the tradedr embedded emulator.")
    parser.add_argument("--port", type=int, required=True)
    _serve(parser.parse_args().port)
