"""`tradedr emulator start|stop|status`."""

from __future__ import annotations

from typing import TYPE_CHECKING

from tradedr.cli.output import console, emit_json

if TYPE_CHECKING:
    from tradedr.emulator.server import EmulatorState
    from tradedr.emulator.service import EmulatorStatus


def render_started(state: EmulatorState, started: bool, *, as_json: bool) -> None:
    if as_json:
        emit_json({"endpoint_url": state.endpoint_url, "pid": state.pid, "started": started})
        return
    verb = "started" if started else "already running"
    console.print(f"emulator {verb} at {state.endpoint_url} (pid {state.pid})")


def render_stopped(state: EmulatorState | None, *, as_json: bool = False) -> None:
    if as_json:
        emit_json({"stopped": state is not None, "pid": state.pid if state else None})
        return
    console.print(f"stopped emulator pid {state.pid}" if state else "no emulator recorded")


def render_status(status: EmulatorStatus, *, as_json: bool) -> None:
    state = status.state
    if as_json:
        emit_json(
            {
                "running": status.running,
                "endpoint_url": state.endpoint_url if state else None,
                "pid": state.pid if state else None,
            }
        )
    elif status.running and state:
        console.print(f"running at {state.endpoint_url} (pid {state.pid})")
    else:
        console.print("not running" + (" (stale state file)" if state else ""))
