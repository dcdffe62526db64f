"""The `tradedr` command line, a typer app over one service function per command.

`app.py` holds the app, its error handling and the command table; `options.py` the shared
options and choices; `commands/<group>.py` the thin commands (parse, call one service
function, render); `render/<result>.py` the renderers. Exit codes: 0 ok, 1 a
gate/check/target failed, 2 bad input (config, flags, templates), 3 an AWS or emulator
operation failed.
"""

from tradedr.cli.app import app, main

__all__ = ["app", "main"]
