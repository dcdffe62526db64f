"""The `tradedr` command line: thin commands that parse options, call one service
function each, and render. Exit codes: 0 ok, 1 a gate/check/target failed,
2 bad input (config, flags, templates), 3 an AWS or emulator operation failed."""

from __future__ import annotations

import contextlib
import json
import sys
from collections.abc import Callable
from functools import wraps
from pathlib import Path
from typing import Annotated, Any, ParamSpec, TypeVar

import typer
from rich.console import Console
from rich.markup import escape
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
            err_console.print(
                f"[bold red]error:[/] {escape(exc.message)}", highlight=False, soft_wrap=True
            )
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


@app.command()
@handles_errors
def check(
    config: ConfigOption = None,
    templates: Annotated[
        Path | None,
        typer.Option(
            "--templates",
            help="Check the CloudFormation templates (JSON or YAML) in DIR instead of "
            "synthesizing the config.",
            file_okay=False,
        ),
    ] = None,
    regions: Annotated[
        str | None,
        typer.Option(
            "--regions",
            help="Comma-separated regions for cfn-lint with --templates "
            "(default: the assembly's regions, else us-east-1).",
        ),
    ] = None,
    packs: Annotated[
        str,
        typer.Option(
            "--packs", help="Comma-separated cdk-nag packs: AwsSolutions, PCI, NIST, HIPAA."
        ),
    ] = "AwsSolutions,PCI,NIST",
    output_format: Annotated[
        str, typer.Option("--format", "-f", help="table, json or sarif.")
    ] = "table",
    out: Annotated[
        Path, typer.Option("--out", "-o", help="Directory for the synthesized templates.")
    ] = Path("cdk.out"),
    list_acknowledged_: Annotated[
        bool,
        typer.Option(
            "--list-acknowledged", help="Print the acknowledged findings and their reasons."
        ),
    ] = False,
) -> None:
    """Run cdk-nag (AwsSolutions, PCI DSS 3.2.1, NIST 800-53 R5), cfn-lint for every region
    and tradedr's DR rules. Exit 0 without errors, 1 with errors, 2 on bad input."""
    from tradedr.checks import runner

    if output_format not in ("table", "json", "sarif"):
        raise ConfigError(f"--format must be table, json or sarif, not {output_format!r}")
    pack_list = [p.strip() for p in packs.split(",") if p.strip()]
    region_list = [r.strip() for r in regions.split(",") if r.strip()] if regions else None
    if list_acknowledged_:
        if templates is not None:
            acknowledged = runner.check_templates(templates, regions=region_list, packs=pack_list)
            entries = acknowledged.acknowledged
        else:
            entries = runner.list_acknowledged(settings_from(config), out)
        _render_acknowledged(entries, output_format)
        return
    if templates is not None:
        if output_format == "table":
            err_console.print(f"checking templates in {templates} ...")
        report = runner.check_templates(templates, regions=region_list, packs=pack_list)
    else:
        settings = settings_from(config)
        if output_format == "table":
            err_console.print(
                f"synthesizing and checking {settings.prefix} ({settings.posture.value}) ..."
            )
        report = runner.check_config(settings, out, packs=pack_list)
    if output_format == "json":
        emit_json(report.to_dict())
    elif output_format == "sarif":
        emit_json(runner.to_sarif(report))
    else:
        _render_report(report)
    if not report.passed:
        raise typer.Exit(1)


def _render_report(report: Any) -> None:
    """Findings grouped by severity, then source; then a per-source summary."""
    from tradedr.checks.findings import SEVERITY_ORDER

    findings = report.sorted_findings()
    for severity in SEVERITY_ORDER:
        group = [f for f in findings if f.severity == severity]
        if not group:
            continue
        table = Table(title=f"{len(group)} {severity}{'s' if len(group) != 1 else ''}")
        table.add_column("source", no_wrap=True)
        table.add_column("rule")
        table.add_column("stack", no_wrap=True)
        table.add_column("resource")
        table.add_column("message")
        for f in group:
            table.add_row(f.source, f.rule, f.stack, f.resource, f.message)
        console.print(table)
    summary = Table(title="tradedr check summary")
    summary.add_column("source", no_wrap=True)
    for column in ("errors", "warnings", "info", "acknowledged"):
        summary.add_column(column, justify="right")
    for source, counts in report.counts_by_source().items():
        summary.add_row(
            source,
            str(counts["error"]),
            str(counts["warning"]),
            str(counts["info"]),
            str(counts["acknowledged"]),
        )
    console.print(summary)
    totals = report.summary()
    verdict = "[green]passed[/]" if report.passed else "[bold red]failed[/]"
    console.print(
        f"{verdict}: {totals['errors']} errors, {totals['warnings']} warnings, "
        f"{totals['acknowledged']} acknowledged"
    )


def _render_acknowledged(entries: list[Any], output_format: str) -> None:
    if output_format != "table":
        emit_json({"acknowledged": [e.to_dict() for e in entries]})
        return
    table = Table(title=f"{len(entries)} acknowledged findings", show_lines=True)
    table.add_column("source", no_wrap=True)
    table.add_column("rule")
    table.add_column("stack")
    table.add_column("resource")
    table.add_column("reason (the trade-off)")
    for e in entries:
        table.add_row(e.source, e.rule, e.stack, e.resource, e.reason)
    console.print(table)
    reasons = len({e.reason for e in entries})
    rules = len({e.rule.split("[", 1)[0] for e in entries})
    console.print(f"{rules} rules acknowledged, under {reasons} written reasons")


# --- analyses (rto, cost, plan) ------------------------------------------------------

TemplatesOption = Annotated[
    Path | None,
    typer.Option(
        "--templates",
        help="Read templates from this directory (e.g. cdk.out) instead of synthesizing.",
        file_okay=False,
    ),
]
FallbackOption = Annotated[
    str | None,
    typer.Option(
        "--fallback-region",
        help="Fill prices missing from the snapshot with this region's (each line labelled).",
    ),
]
SynthDirOption = Annotated[
    Path, typer.Option("--synth-dir", help="Where to synthesize when --templates is not given.")
]


def _progress(message: str) -> None:
    err_console.print(message, highlight=False)


@app.command()
@handles_errors
def rto(
    config: ConfigOption = None,
    templates: TemplatesOption = None,
    synth_dir: SynthDirOption = Path("cdk.out"),
    as_json: JsonOption = False,
) -> None:
    """Recovery time per failure scenario and data loss per store, from the templates.

    Exit 0 when every scenario's p99 RTO and every RPO meet the config's targets, else 1.
    """
    from tradedr.analysis.service import run_rto
    from tradedr.report.console import render_rto

    settings = settings_from(config)
    report = run_rto(
        settings,
        templates_dir=templates,
        synth_dir=synth_dir,
        progress=None if as_json else _progress,
    )
    if as_json:
        emit_json(report.to_dict())
    else:
        render_rto(console, report)
    if not report.met:
        raise typer.Exit(1)


@app.command()
@handles_errors
def cost(
    config: ConfigOption = None,
    templates: TemplatesOption = None,
    synth_dir: SynthDirOption = Path("cdk.out"),
    live: Annotated[
        bool, typer.Option("--live", help="Ask the AWS Price List API instead of the snapshot.")
    ] = False,
    profile: Annotated[
        str | None, typer.Option("--profile", help="AWS profile for --live.")
    ] = None,
    fallback_region: FallbackOption = None,
    compare_postures: Annotated[
        bool,
        typer.Option("--compare-postures", help="One row per DR posture: cost vs RTO and RPO."),
    ] = False,
    as_json: JsonOption = False,
) -> None:
    """Monthly cost per region and service from the templates and the [usage] config."""
    from tradedr.analysis.service import run_cost
    from tradedr.report.console import render_cost

    settings = settings_from(config)
    result = run_cost(
        settings,
        templates_dir=templates,
        synth_dir=synth_dir,
        live=live,
        profile=profile,
        fallback_region=fallback_region,
        compare=compare_postures,
        progress=None if as_json else _progress,
    )
    if as_json:
        emit_json(result.to_dict())
        return
    render_cost(console, result)


@app.command()
@handles_errors
def plan(
    config: ConfigOption = None,
    out: Annotated[
        Path, typer.Option("--out", "-o", help="Directory for the HTML report and summary.")
    ] = Path("report"),
    live: Annotated[bool, typer.Option("--live", help="Live prices (AWS Price List API).")] = False,
    fallback_region: FallbackOption = None,
    as_json: JsonOption = False,
) -> None:
    """Change review in one step: synth, checks, RTO/RPO, cost and posture trade-off.

    Writes OUT/report.html (self-contained, with charts) and OUT/summary.md for the pull
    request. Exit 1 when a check fails or a recovery target is missed.
    """
    from tradedr.report.plan import run_plan

    settings = settings_from(config)
    result = run_plan(
        settings,
        out,
        live=live,
        fallback_region=fallback_region,
        progress=None if as_json else _progress,
    )
    if as_json:
        emit_json(result.to_dict())
    else:
        console.print(result.summary_line())
        console.print(f"report: {result.html_path}\nsummary: {result.markdown_path}")
    if not result.passed:
        raise typer.Exit(1)


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
    """Console-script entry point: run the command, then leave without interpreter teardown.

    A synth leaves ~100k CDK/jsii objects behind; tearing the interpreter down to free
    them took 0.4-0.7 s of the whole run. Exit handlers (jsii stops its Node process,
    logging flushes) still run, and stdout/stderr are flushed before the process ends.
    Set TRADEDR_FULL_EXIT=1 for a normal interpreter exit (e.g. under `python -m cProfile`).
    """
    import os

    if os.environ.get("TRADEDR_FULL_EXIT"):
        app()
        return
    try:
        app()
        code: int = 0
    except SystemExit as exc:
        if exc.code is None or isinstance(exc.code, int):
            code = exc.code or 0
        else:
            sys.stderr.write(f"{exc.code}\n")
            code = 1
    _exit_now(code)


def _exit_now(code: int) -> None:
    """What interpreter shutdown does that matters (threads, exit handlers, flush), then exit."""
    import atexit
    import os
    import threading

    for thread in threading.enumerate():
        if thread is not threading.main_thread() and not thread.daemon:
            thread.join()
    atexit._run_exitfuncs()
    for stream in (sys.stdout, sys.stderr):
        with contextlib.suppress(OSError, ValueError):
            stream.flush()
    os._exit(code)


if __name__ == "__main__":
    main()
