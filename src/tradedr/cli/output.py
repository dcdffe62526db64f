"""Where the CLI writes: tables and messages through rich, JSON to stdout untouched.

stdout carries the result (a table, or JSON with --json); stderr carries progress, notes,
warnings and the one-line errors, so `--json` output can always be piped.
"""

from __future__ import annotations

import json
import sys
from typing import Any

from rich.console import Console
from rich.markup import escape

console = Console()
err_console = Console(stderr=True)


def emit_json(data: Any) -> None:
    """JSON goes to stdout untouched by rich, so CI can pipe it."""
    sys.stdout.write(json.dumps(data, indent=2, default=str) + "\n")


def print_error(message: str) -> None:
    """The one line a failed command leaves on stderr."""
    err_console.print(f"[bold red]error:[/] {escape(message)}", highlight=False, soft_wrap=True)


def print_warning(message: str) -> None:
    err_console.print(f"[yellow]warning:[/] {escape(message)}", highlight=False, soft_wrap=True)
