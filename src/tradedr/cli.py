"""The `tradedr` command line: thin commands that parse options, call one service
function each, and render. Exit codes: 0 ok, 1 a gate/check/target failed,
2 bad input (config, flags, templates), 3 an AWS or emulator operation failed."""

from __future__ import annotations

import json
import sys
from collections.abc import Callable
from functools import wraps
from pathlib import Path
from typing import Annotated, Any, ParamSpec, TypeVar

import typer
from rich.console import Console
from rich.table import Table

from tradedr.config import DEFAULT_CONFIG_NAME, Settings, load_config
from tradedr.errors import ConfigError, TradedrError

app = typer.Typer(
    name="tradedr",
    help=(
        "Multi-region disaster recovery for a trading platform on AWS.\n\n"
        "Start with `tradedr init` to write tradedr.toml, then `tradedr synth` to see the "
        "stacks. Every command reads ./tradedr.toml when present (or --config FILE), and "
        "falls back to the built-in reference defaults."
    ),
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    add_completion=False,
)
config_app = typer.Typer(help="Inspect the effective configuration.", no_args_is_help=True)
app.add_typer(config_app, name="config")

console = Console()
err_console = Console(stderr=True)

P = ParamSpec("P")
R = TypeVar("R")

ConfigOption = Annotated[
    Path | None,
    typer.Option(
        "--config",
        "-c",
        help=f"Config file (TOML). Default: ./{DEFAULT_CONFIG_NAME} if present, "
        "else the built-in defaults.",
        dir_okay=False,
    ),
]
JsonOption = Annotated[bool, typer.Option("--json", help="Print machine-readable JSON for CI.")]


def handles_errors(func: Callable[P, R]) -> Callable[P, R]:
    """Turn domain errors into one line on stderr and a meaningful exit code."""

    @wraps(func)
    def wrapper(*args: P.args, **kwargs: P.kwargs) -> R:
        try:
            return func(*args, **kwargs)
        except TradedrError as exc:
            err_console.print(f"[bold red]error:[/] {exc.message}", highlight=False, soft_wrap=True)
            raise typer.Exit(exc.exit_code) from None

    return wrapper


def emit_json(data: Any) -> None:
    """JSON goes to stdout untouched by rich, so CI can pipe it."""
    sys.stdout.write(json.dumps(data, indent=2, default=str) + "\n")


def settings_from(config: Path | None) -> Settings:
    if config is not None and not config.exists():
        raise ConfigError(f"config error: {config} does not exist")
    return load_config(config)


# --- configuration -------------------------------------------------------------------


@app.command()
@handles_errors
def init(
    path: Annotated[Path, typer.Argument(help="Where to write the config.")] = Path(
        DEFAULT_CONFIG_NAME
    ),
    force: Annotated[bool, typer.Option("--force", help="Overwrite an existing file.")] = False,
) -> None:
    """Write an annotated example tradedr.toml (the defaults, every key explained)."""
    from tradedr.services import write_example_config

    written = write_example_config(path, force=force)
    console.print(f"wrote {written}; edit it, then run `tradedr synth`")


@config_app.command("show")
@handles_errors
def config_show(config: ConfigOption = None, as_json: JsonOption = False) -> None:
    """Print the effective config after defaults and validation."""
    settings = settings_from(config)
    data = settings.model_dump(mode="json")
    if as_json:
        emit_json(data)
        return
    from tradedr.services import config_rows

    table = Table(title=f"tradedr config: {settings.prefix}", show_lines=False)
    table.add_column("setting")
    table.add_column("value")
    for key, value in config_rows(data):
        table.add_row(key, value)
    console.print(table)


# --- synthesis -----------------------------------------------------------------------


@app.command()
@handles_errors
def synth(
    config: ConfigOption = None,
    out: Annotated[Path, typer.Option("--out", "-o", help="Directory for the templates.")] = Path(
        "cdk.out"
    ),
    as_json: JsonOption = False,
) -> None:
    """Synthesize the CloudFormation templates (per region: data, replica, app; plus global).

    Needs no AWS credentials or network. Prints one row per stack in deployment order.
    """
    from tradedr.infra.synth import synthesize

    settings = settings_from(config)
    if not as_json:
        err_console.print(f"synthesizing {settings.prefix} ({settings.posture.value}) ...")
    stacks = synthesize(settings, out)
    if as_json:
        emit_json(
            {
                "stacks": [
                    {
                        "name": s.name,
                        "region": s.region,
                        "resources": s.resources,
                        "bytes": s.bytes,
                        "template": str(s.template_path),
                    }
                    for s in stacks
                ]
            }
        )
        return
    table = Table(title=f"{len(stacks)} stacks written to {out}")
    table.add_column("stack", no_wrap=True)
    table.add_column("region", no_wrap=True)
    table.add_column("kind")
    table.add_column("resources", justify="right")
    table.add_column("template bytes", justify="right")
    for s in stacks:
        table.add_row(s.name, s.region, s.kind, str(s.resources), f"{s.bytes:,}")
    console.print(table)


# --- checks (static gates) -----------------------------------------------------------


# --- analyses (rto, cost, plan) ------------------------------------------------------


# --- operations (emulator, deploy, validate, failover, backup, drill) ----------------


# --- runbooks ------------------------------------------------------------------------


@app.command()
@handles_errors
def runbook(
    config: ConfigOption = None,
    out: Annotated[Path, typer.Option("--out", "-o", help="Directory for the runbooks.")] = Path(
        "runbooks"
    ),
    as_json: JsonOption = False,
) -> None:
    """Write Markdown runbooks naming this deployment's real stacks, resources and regions.

    Validation, failover, failback, the quarterly DR test, eight incident runbooks, scaling,
    backup/restore, cost monitoring and tagging. Regenerate after every config change.
    """
    from tradedr.runbooks.service import generate_runbooks

    settings = settings_from(config)
    paths = generate_runbooks(settings, out)
    if as_json:
        emit_json({"runbooks": [str(p) for p in paths]})
        return
    for path in paths:
        console.print(f"wrote {path}")


def main() -> None:
    """Console-script entry point."""
    app()


if __name__ == "__main__":
    main()
