"""Old spellings kept, hidden from --help, for one release: `tradedr plan` (now
`tradedr review`) and `tradedr plan export` (now `tradedr export-plan`). Each says so on
stderr and runs the new command. Delete this module, and its lines in app.py, in the next
release."""

from __future__ import annotations

from pathlib import Path

import typer

from tradedr.cli.commands.review import LiveOption, ReviewOutOption, review
from tradedr.cli.options import ConfigOption, FallbackOption, JsonOption
from tradedr.cli.output import err_console

PLAN_HELP = (
    "Deprecated: `tradedr plan` is now `tradedr review`, and `tradedr plan export` is now "
    "`tradedr export-plan`. The old names work until the next release."
)


def _renamed(old: str, new: str) -> None:
    err_console.print(
        f"note: `{old}` is now `{new}`; the old name works until the next release",
        highlight=False,
        soft_wrap=True,
    )


def plan(
    ctx: typer.Context,
    config: ConfigOption = None,
    out: ReviewOutOption = Path("report"),
    live: LiveOption = False,
    fallback_region: FallbackOption = None,
    as_json: JsonOption = False,
) -> None:
    """`tradedr plan` runs `tradedr review`; `tradedr plan export`, `tradedr export-plan`."""
    if ctx.invoked_subcommand is not None:
        _renamed(f"tradedr plan {ctx.invoked_subcommand}", "tradedr export-plan")
        return
    _renamed("tradedr plan", "tradedr review")
    review(config=config, out=out, live=live, fallback_region=fallback_region, as_json=as_json)
