"""The app tier of one region: as many orders-app processes as the ASG's desired capacity.

Each process is the reference app file (`tradedr/refapp/orders_app.py`, the same file user
data installs on EC2), listening on its own 127.0.0.1 port, configured like an instance:
its region, the SSM endpoint parameter, the secret, the sessions table, with the AWS SDK
pointed at the emulator. Scaling the ASG through the API starts or stops processes.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

APP_FILE = Path(__file__).resolve().parents[2] / "refapp" / "orders_app.py"


@dataclass
class AppSlot:
    """One instance slot: a fixed port, and a process while the slot is in service."""

    index: int
    port: int
    process: subprocess.Popen[bytes] | None = None
    frozen: bool = False

    def running(self) -> bool:
        return self.process is not None and self.process.poll() is None


@dataclass
class RegionApps:
    """The app processes of one region (slots up to the ASG's maximum size)."""

    region: str
    slots: list[AppSlot]
    env: dict[str, str]
    log_dir: Path

    def running(self) -> list[AppSlot]:
        return [s for s in self.slots if s.running()]

    def desired(self) -> int:
        return len(self.running())

    def scale_to(self, desired: int) -> tuple[list[AppSlot], list[AppSlot]]:
        """Start or stop processes until `desired` run; (started, stopped)."""
        desired = max(0, min(desired, len(self.slots)))
        started: list[AppSlot] = []
        stopped: list[AppSlot] = []
        live = self.running()
        for slot in reversed(live[desired:]):
            self._stop(slot)
            stopped.append(slot)
        for slot in self.slots:
            if len(self.running()) >= desired:
                break
            if not slot.running():
                self._start(slot)
                started.append(slot)
        return started, stopped

    def _start(self, slot: AppSlot) -> None:
        env = {**self.env, "TRADEDR_LISTEN": f"127.0.0.1:{slot.port}"}
        self.log_dir.mkdir(parents=True, exist_ok=True)
        log = open(self.log_dir / f"app-{self.region}-{slot.index}.log", "ab")  # noqa: SIM115
        slot.process = subprocess.Popen(
            [sys.executable, str(APP_FILE)],
            env=env,
            stdin=subprocess.DEVNULL,
            stdout=log,
            stderr=log,
            start_new_session=True,
        )
        log.close()
        slot.frozen = False

    @staticmethod
    def _stop(slot: AppSlot) -> None:
        """A graceful stop (scale-in): SIGTERM, then SIGKILL after 5 s."""
        process = slot.process
        if process is None:
            return
        if slot.frozen:
            process.send_signal(signal.SIGCONT)
        process.terminate()
        try:
            process.wait(timeout=5)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
        slot.process, slot.frozen = None, False

    def kill(self) -> int:
        """kill -9 every process (region loss); how many were killed."""
        killed = 0
        for slot in self.running():
            if slot.process is not None:
                slot.process.send_signal(signal.SIGKILL)
                slot.process.wait()
                killed += 1
            slot.process, slot.frozen = None, False
        return killed

    def freeze(self) -> int:
        frozen = 0
        for slot in self.running():
            if slot.process is not None:
                slot.process.send_signal(signal.SIGSTOP)
                slot.frozen = True
                frozen += 1
        return frozen

    def thaw(self) -> None:
        for slot in self.running():
            if slot.frozen and slot.process is not None:
                slot.process.send_signal(signal.SIGCONT)
                slot.frozen = False

    def pids(self) -> list[int]:
        return [s.process.pid for s in self.running() if s.process is not None]

    def stop_all(self) -> None:
        for slot in self.running():
            self._stop(slot)


def app_environment(
    *,
    region: str,
    endpoint_parameter: str,
    secret_id: str,
    sessions_table: str,
    health_path: str,
    hosts_file: Path,
    emulator_url: str,
) -> dict[str, str]:
    """An instance's configuration, with the SDK pointed at the emulator."""
    keep = {k: v for k, v in os.environ.items() if k in ("PATH", "HOME", "LANG", "TZ")}
    return {
        **keep,
        "PYTHONDONTWRITEBYTECODE": "1",
        "TRADEDR_REGION": region,
        "TRADEDR_DB_PARAMETER": endpoint_parameter,
        "TRADEDR_DB_SECRET_ID": secret_id,
        "TRADEDR_SESSIONS_TABLE": sessions_table,
        "TRADEDR_HEALTH_PATH": health_path,
        "TRADEDR_DB_HOSTS": str(hosts_file),
        "TRADEDR_DB_TLS": "off",
        "AWS_ENDPOINT_URL": emulator_url,
        "AWS_ACCESS_KEY_ID": "testing",
        "AWS_SECRET_ACCESS_KEY": "testing",
        "AWS_DEFAULT_REGION": region,
        "AWS_EC2_METADATA_DISABLED": "true",
    }
