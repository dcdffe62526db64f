"""Where the CLI writes: tables and messages through rich, JSON to stdout untouched.

stdout carries the result (a table, or JSON with --json); stderr carries progress, notes,
warnings and the one-line errors, so `--json` output can always be piped.

Tables never cut a value short. Written to a pipe or a file (CI logs, `| grep`), the
consoles are `PIPE_WIDTH` columns wide whatever COLUMNS says, so every value prints in full
on one line; in a terminal, every table column folds (wraps) instead of ending in "…".
"""

from __future__ import annotations

import json
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from rich.console import Console, ConsoleDimensions
from rich.markup import escape
from rich.table import Table

# Wide enough for any row tradedr prints; a table is only as wide as its content.
PIPE_WIDTH = 10_000


class _Console(Console):
    """A rich Console that is `PIPE_WIDTH` wide off a terminal and folds table cells.

    rich takes COLUMNS as a fixed width when the console is made; only a width given by
    the caller is kept off a terminal.
    """

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._given_width = kwargs.get("width") is not None

    @property
    def size(self) -> ConsoleDimensions:
        measured = super().size
        if not self._given_width and not self.is_terminal:
            return ConsoleDimensions(PIPE_WIDTH, measured.height)
        return measured

    @size.setter
    def size(self, new_size: tuple[int, int]) -> None:
        self._width, self._height = new_size

    def print(self, *objects: Any, **kwargs: Any) -> None:
        for renderable in objects:
            fold_table(renderable)
        super().print(*objects, **kwargs)


def fold_table(renderable: Any) -> None:
    """Wrap, never ellipsis: every column of `renderable` (when a Table) folds long values."""
    if isinstance(renderable, Table):
        for column in renderable.columns:
            column.overflow = "fold"
            column.no_wrap = False


console: Console = _Console()
err_console: Console = _Console(stderr=True)


def emit_json(data: Any) -> None:
    """JSON goes to stdout untouched by rich, so CI can pipe it."""
    sys.stdout.write(json.dumps(data, indent=2, default=str) + "\n")


def print_error(message: str) -> None:
    """The one line a failed command leaves on stderr."""
    err_console.print(f"[bold red]error:[/] {escape(message)}", highlight=False, soft_wrap=True)


def print_note(message: str) -> None:
    """Something the user should know that is not a problem (a file skipped, a guess)."""
    err_console.print(f"[cyan]note:[/] {escape(message)}", highlight=False, soft_wrap=True)


def print_warning(message: str) -> None:
    err_console.print(f"[yellow]warning:[/] {escape(message)}", highlight=False, soft_wrap=True)


# Numbers read the same in every renderer: thousands separated, seconds with a unit.
def count(value: int) -> str:
    """`1,800`: a whole number with thousands separators."""
    return f"{value:,}"


def seconds(value: float, digits: int = 1, *, unit: bool = True) -> str:
    """`1,800 s`, `12.5 s`: whole seconds as such, others with `digits` decimals."""
    shown = f"{value:,}" if isinstance(value, int) else f"{value:,.{digits}f}"
    return f"{shown} s" if unit else shown


ISSUES_HINT = "this is a bug in tradedr: please report it with the command you ran"


@contextmanager
def internal_failures_exit_3() -> Iterator[None]:
    """An unexpected exception (a bug, not bad input) is one line and exit 3, never a
    traceback; TRADEDR_DEBUG=1 lets it through with its traceback for the report.

    Used by the commands that read other people's files (`check --templates`, `assess`),
    where an input tradedr did not foresee must not end in a traceback."""
    import os

    import typer

    from tradedr.errors import TradedrError

    try:
        yield
    except (TradedrError, typer.Exit, typer.Abort, KeyboardInterrupt):
        raise
    except Exception as exc:
        if os.environ.get("TRADEDR_DEBUG"):
            raise
        detail = " ".join(str(exc).split())[:200] or "no message"
        print_error(f"internal error: {type(exc).__name__}: {detail} ({ISSUES_HINT})")
        raise typer.Exit(3) from None
