"""Progress lines on stderr, quiet under --json so CI logs stay short."""

from __future__ import annotations

from collections.abc import Callable

from tradedr.cli.output import err_console


def analysis_progress(message: str) -> None:
    """What an analysis (rto, cost, review) is doing, as it does it."""
    err_console.print(message, highlight=False)


def ops_progress(as_json: bool) -> Callable[[str], None]:
    """Progress of deploy, destroy, backups and the drill: one dotted line per message."""
    if as_json:
        return lambda _message: None
    return lambda message: err_console.print(f"[dim]·[/] {message}", highlight=False)
