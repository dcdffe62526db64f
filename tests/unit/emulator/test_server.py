"""The embedded emulator: in-process server, background process and its state file.

`tradedr emulator stop` signals only the emulator it started (issue 11): a state file
naming a dead or unrelated process is removed, said so in one line, and nothing is
signalled. The state and log it writes are private (0600 in a 0700 directory).
"""

from __future__ import annotations

import json
import os
import stat
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import asdict
from pathlib import Path

import boto3
import pytest
from typer.testing import CliRunner

from tradedr.cli import app
from tradedr.emulator import server
from tradedr.emulator.server import (
    STATE_ENV,
    EmbeddedEmulator,
    StaleEmulatorStateError,
    emulator_endpoint,
    read_state,
    running_emulator,
    start_background,
    stop_background,
)


@pytest.fixture
def state_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv(STATE_ENV, str(tmp_path / "state"))
    return tmp_path / "state"


def _answers_api(url: str) -> bool:
    sts = boto3.client(
        "sts",
        region_name="us-east-1",
        endpoint_url=url,
        aws_access_key_id="testing",
        aws_secret_access_key="testing",
    )
    return bool(sts.get_caller_identity()["Account"])


def test_embedded_emulator_serves_on_localhost_and_stops() -> None:
    emulator = EmbeddedEmulator()
    url = emulator.start()
    try:
        assert url.startswith("http://127.0.0.1:")
        assert _answers_api(url)
    finally:
        emulator.stop()
    assert not server._answers(emulator.port)


def test_endpoint_starts_one_for_the_block_when_none_runs(state_dir: Path) -> None:
    assert running_emulator() is None
    with emulator_endpoint() as url:
        assert _answers_api(url)
        port = int(url.rsplit(":", 1)[1])
    assert not server._answers(port)


def test_background_emulator_is_recorded_reused_and_stopped(state_dir: Path) -> None:
    state, started = start_background()
    try:
        assert started
        recorded = json.loads((state_dir / "emulator.json").read_text())
        assert recorded["endpoint_url"] == state.endpoint_url
        assert recorded["pid"] != os.getpid()
        again, started_again = start_background()
        assert (again.pid, started_again) == (state.pid, False)
        with emulator_endpoint() as url:
            assert url == state.endpoint_url
    finally:
        stopped = stop_background()
    assert stopped is not None
    assert stopped.pid == state.pid
    assert read_state() is None
    assert not server._answers(state.port)


@pytest.mark.parametrize(
    "content",
    ["not json", json.dumps({"pid": 1}), json.dumps({"unexpected": True})],
)
def test_unreadable_state_means_no_emulator(state_dir: Path, content: str) -> None:
    state_dir.mkdir(parents=True)
    (state_dir / "emulator.json").write_text(content)
    assert read_state() is None
    assert running_emulator() is None


def test_stale_state_is_not_running(state_dir: Path) -> None:
    state_dir.mkdir(parents=True)
    port = server.free_port()  # nothing listens there
    (state_dir / "emulator.json").write_text(
        json.dumps(
            {
                "pid": os.getpid(),
                "port": port,
                "endpoint_url": f"http://127.0.0.1:{port}",
                "started_at": 0.0,
                "log_file": "",
            }
        )
    )
    assert read_state() is not None
    assert running_emulator() is None


# --- stop: only the emulator it started ------------------------------------------


@pytest.fixture
def unrelated() -> Iterator[subprocess.Popen[bytes]]:
    """A live process that is not the emulator (killed at the end of the test)."""
    process = subprocess.Popen(["sleep", "60"])
    deadline = time.monotonic() + 10
    while server._command_line(process.pid) != ["sleep", "60"] and time.monotonic() < deadline:
        time.sleep(0.01)  # until the child has exec'd sleep
    try:
        yield process
    finally:
        process.kill()
        process.wait()


def _record(state_dir: Path, pid: int, **extra: object) -> None:
    state_dir.mkdir(parents=True, exist_ok=True)
    port = server.free_port()
    state = {
        "pid": pid,
        "port": port,
        "endpoint_url": f"http://127.0.0.1:{port}",
        "started_at": 0.0,
        "log_file": "",
        **extra,
    }
    (state_dir / "emulator.json").write_text(json.dumps(state))


def _mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def test_stop_leaves_an_unrelated_live_process_alone(
    state_dir: Path, unrelated: subprocess.Popen[bytes]
) -> None:
    _record(state_dir, unrelated.pid)
    with pytest.raises(StaleEmulatorStateError, match=f"pid {unrelated.pid} is not a tradedr"):
        stop_background()
    assert unrelated.poll() is None, "the unrelated process was signalled"
    assert not (state_dir / "emulator.json").exists()


def test_cli_stop_says_so_in_one_line(state_dir: Path, unrelated: subprocess.Popen[bytes]) -> None:
    _record(state_dir, unrelated.pid)
    result = CliRunner().invoke(app, ["emulator", "stop"])
    assert result.exit_code == 1, result.output
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert "stale emulator state file" in lines[0]
    assert "nothing was signalled" in lines[0]
    assert "sleep 60" in lines[0]
    assert unrelated.poll() is None
    assert read_state() is None


def test_a_dead_pid_is_stale_too(state_dir: Path) -> None:
    finished = subprocess.Popen([sys.executable, "-c", "pass"])
    finished.wait()
    _record(state_dir, finished.pid)
    with pytest.raises(StaleEmulatorStateError, match="is not running"):
        stop_background()
    assert read_state() is None


def test_our_command_line_on_another_port_is_not_ours() -> None:
    assert server._is_our_server(
        [sys.executable, "-m", server.SERVER_MODULE, "--port", "4566"], 4566
    )
    assert not server._is_our_server(
        [sys.executable, "-m", server.SERVER_MODULE, "--port", "4566"], 4567
    )
    assert not server._is_our_server(["sleep", "60"], 4566)


def test_background_emulator_state_is_private_and_a_reused_pid_is_refused(
    state_dir: Path,
) -> None:
    state, started = start_background()
    try:
        assert started
        state_file = state_dir / "emulator.json"
        assert _mode(state_dir) == 0o700
        assert _mode(state_file) == 0o600
        assert _mode(Path(state.log_file)) == 0o600
        if state.process_start is not None:  # Linux: the start time identifies the process
            assert json.loads(state_file.read_text())["process_start"] == state.process_start
            forged = {**asdict(state), "process_start": state.process_start - 1}
            state_file.write_text(json.dumps(forged))
            with pytest.raises(StaleEmulatorStateError, match="pid reused"):
                stop_background()
            assert server._pid_alive(state.pid), "the refused stop signalled anyway"
            state_file.write_text(json.dumps(asdict(state)))
    finally:
        stopped = stop_background()
    assert stopped is not None
    assert stopped.pid == state.pid
    assert not server._pid_alive(state.pid)
    assert not os.path.exists(state_dir / "emulator.json")
