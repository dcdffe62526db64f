"""The embedded emulator: a moto server on 127.0.0.1 and a free port.

Two ways to run it. `EmbeddedEmulator` runs moto in a thread of the current process for
the duration of one command. `start_background()` runs it in a detached process
(`tradedr emulator start`) and records where it listens in a state file, so later
commands reuse the same emulator (and the resources deployed into it).
"""

from __future__ import annotations

import argparse
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

from tradedr.errors import AwsOperationError

HOST = "127.0.0.1"
STATE_ENV = "TRADEDR_STATE_DIR"


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

        quiet_moto()
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
    log_path.parent.mkdir(parents=True, exist_ok=True)
    with log_path.open("ab") as log:
        process = subprocess.Popen(
            [sys.executable, "-m", "tradedr.emulator.server", "--port", str(port)],
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
    )
    state_file().write_text(json.dumps(asdict(state), indent=2), encoding="utf-8")
    return state, True


def stop_background() -> EmulatorState | None:
    """Stop the recorded emulator (by its recorded pid only) and forget it."""
    state = read_state()
    if state is None:
        return None
    try:
        os.kill(state.pid, signal.SIGTERM)
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline and _pid_alive(state.pid):
            time.sleep(0.1)
    except OSError:
        pass
    state_file().unlink(missing_ok=True)
    return state


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
