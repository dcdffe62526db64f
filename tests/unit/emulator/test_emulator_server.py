"""The embedded emulator: in-process server, background process and its state file."""

from __future__ import annotations

import json
import os
from pathlib import Path

import boto3
import pytest

from tradedr.emulator import server
from tradedr.emulator.server import (
    STATE_ENV,
    EmbeddedEmulator,
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
