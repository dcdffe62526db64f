"""The background emulator behind `tradedr emulator start|stop|status`: a thin facade over
`emulator.server`, imported when a function runs."""

from __future__ import annotations

from typing import TYPE_CHECKING, NamedTuple

if TYPE_CHECKING:
    from tradedr.emulator.server import EmulatorState


class EmulatorStatus(NamedTuple):
    """The recorded emulator (if any) and whether it is alive and answering."""

    state: EmulatorState | None
    running: bool


def start(port: int | None = None) -> tuple[EmulatorState, bool]:
    """Start a detached emulator unless one runs; (state, started now)."""
    from tradedr.emulator.server import start_background

    return start_background(port)


def stop() -> EmulatorState | None:
    """Stop the recorded emulator (only once its pid is shown to be ours) and forget it."""
    from tradedr.emulator.server import stop_background

    return stop_background()


def status() -> EmulatorStatus:
    """The recorded emulator and whether it still answers."""
    from tradedr.emulator.server import read_state

    state = read_state()
    return EmulatorStatus(state, state is not None and state.alive())
