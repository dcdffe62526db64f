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
from tradedr.errors import AwsOperationError, ConfigError, TradedrError

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
    ),
]
JsonOption = Annotated[bool, typer.Option("--json", help="Print machine-readable JSON for CI.")]


def handles_errors(func: Callable[P, R]) -> Callable[P, R]:
    """Turn domain errors into one line on stderr and a meaningful exit code.

    A prompt that got no answer (stdin at EOF, Ctrl-C) is a refusal: exit 1, as when the
    answer is no. An AWS profile that does not exist is bad input: exit 2, naming it, also
    where a service wrapped botocore's ProfileNotFound in its own error or reported it as
    something else (a region that "does not answer").
    """
    aborts: tuple[type[BaseException], ...] = (typer.Abort,)
    with contextlib.suppress(ImportError):  # click's own, where one besides typer's is used
        from click.exceptions import Abort as ClickAbort

        aborts += (ClickAbort,)

    def unknown_profile(exc: BaseException, kwargs: dict[str, Any]) -> str | None:
        seen: BaseException | None = exc
        for _ in range(10):  # the raise-while-handling chain; short, and never a cycle
            if seen is None:
                break
            if type(seen).__name__ == "ProfileNotFound":
                return str(getattr(seen, "kwargs", {}).get("profile", "?"))
            seen = seen.__cause__ or seen.__context__
        profile = kwargs.get("profile")
        if not isinstance(profile, str) or kwargs.get("target") == "local":
            return None
        try:
            import botocore.session

            known = botocore.session.Session().available_profiles
        except Exception:  # an unreadable AWS config: let the original error speak
            return None
        return None if profile in known else profile

    def bad_profile(profile: str) -> typer.Exit:
        _print_error(
            f"--profile {profile}: no such AWS profile in the AWS config or credentials "
            "files (`aws configure list-profiles` lists them)"
        )
        return typer.Exit(ConfigError.exit_code)

    @wraps(func)
    def wrapper(*args: P.args, **kwargs: P.kwargs) -> R:
        try:
            return func(*args, **kwargs)
        except TradedrError as exc:
            profile = unknown_profile(exc, kwargs)
            if profile is not None:
                raise bad_profile(profile) from None
            _print_error(exc.message)
            raise typer.Exit(exc.exit_code) from None
        except aborts:
            _print_error("declined at the prompt")
            raise typer.Exit(1) from None
        except Exception as exc:
            # An AWS failure nothing below turned into a domain error (no credentials, an
            # unreachable endpoint, a denied call): one line, exit 3.
            if not type(exc).__module__.startswith(("botocore", "boto3")):
                raise
            profile = unknown_profile(exc, kwargs)
            if profile is not None:
                raise bad_profile(profile) from None
            _print_error(f"AWS: {aws_error_hint(exc)}")
            raise typer.Exit(AwsOperationError.exit_code) from None

    return wrapper


def _print_error(message: str) -> None:
    err_console.print(f"[bold red]error:[/] {escape(message)}", highlight=False, soft_wrap=True)


def aws_error_hint(exc: Exception) -> str:
    """The botocore message, plus what to do for the failures an operator meets first."""
    message = str(exc)
    name = type(exc).__name__
    if name == "NoCredentialsError":
        return (
            f"{message}: set AWS credentials or pass --profile for --target aws "
            "(the local emulator needs none)"
        )
    if name in ("ProfileNotFound", "EndpointConnectionError", "ConnectTimeoutError"):
        return message
    return f"{name}: {message}"


def emit_json(data: Any) -> None:
    """JSON goes to stdout untouched by rich, so CI can pipe it."""
    sys.stdout.write(json.dumps(data, indent=2, default=str) + "\n")


def settings_from(config: Path | None) -> Settings:
    # load_config checks the file itself (missing, a directory, a FIFO, too large, not
    # UTF-8), so every problem is one line and exit code 2, never click's usage box.
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
    assume: Annotated[
        list[str] | None,
        typer.Option(
            "--assume",
            metavar="KEY=BEST,TYPICAL,WORST",
            help="Replace one assumption with seconds you measured (repeatable), e.g. "
            "--assume aurora-global-failover=18,31,47 from drills on real AWS. The report "
            "lists every replaced assumption.",
        ),
    ] = None,
    measured: Annotated[
        list[Path] | None,
        typer.Option(
            "--measured",
            metavar="RUN_DIR",
            help="Use step durations measured in failover/drill runs on real AWS (a run "
            "directory, or a runs directory such as .tradedr/runs; repeatable): min / median "
            "/ max per modelled step. Emulator runs are skipped and said so.",
        ),
    ] = None,
    as_json: JsonOption = False,
) -> None:
    """Recovery time per failure scenario and data loss per store, from the templates.

    Durations come from template properties or from the published assumptions listed in
    docs/rto-rpo.md; --assume swaps an assumption for your own measurements.
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
        assume=assume,
        measured=measured,
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


plan_app = typer.Typer(
    help="Change review (synth, checks, RTO/RPO, cost), or `plan export` of the failover plan.",
    invoke_without_command=True,
)
app.add_typer(plan_app, name="plan")


@plan_app.callback()
@handles_errors
def plan(
    ctx: typer.Context,
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
    `tradedr plan export` writes the failover plan in another format instead.
    """
    if ctx.invoked_subcommand is not None:
        return
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

emulator_app = typer.Typer(help="The embedded AWS emulator (moto server).", no_args_is_help=True)
app.add_typer(emulator_app, name="emulator")
backup_app = typer.Typer(help="Backups now, and restore tests.", no_args_is_help=True)
app.add_typer(backup_app, name="backup")

TargetOption = Annotated[
    str,
    typer.Option(
        "--target",
        "-t",
        help="local: the embedded emulator (started for this command unless `tradedr "
        "emulator start` runs one); aws: a real account.",
    ),
]
ProfileOption = Annotated[
    str | None, typer.Option("--profile", help="AWS profile for --target aws.")
]


@plan_app.command("export")
@handles_errors
def plan_export(
    export_format: Annotated[
        str,
        typer.Option("--format", help="Export format: arc-region-switch (AWS ARC Region switch)."),
    ],
    execution_role: Annotated[
        str,
        typer.Option(
            "--execution-role",
            help="IAM role ARN Region switch runs the plan as (required by CreatePlan).",
        ),
    ],
    config: ConfigOption = None,
    to_region: Annotated[
        str | None, typer.Option("--to", help="Region to activate (default: the first standby).")
    ] = None,
    out: Annotated[
        Path | None, typer.Option("--out", "-o", help="Write the JSON here instead of stdout.")
    ] = None,
    approval_role: Annotated[
        str | None,
        typer.Option("--approval-role", help="IAM role ARN allowed to approve the plan's step."),
    ] = None,
    no_approval: Annotated[
        bool, typer.Option("--no-approval", help="Leave the manual approval step out.")
    ] = False,
    custom_action_lambda: Annotated[
        str | None,
        typer.Option(
            "--custom-action-lambda",
            help="Lambda ARN that performs the steps with no native Region switch block "
            "(SSM endpoint update, fencing, verification...); see docs/failover.md.",
        ),
    ] = None,
    target: TargetOption = "aws",
    profile: ProfileOption = None,
) -> None:
    """Export the failover plan as CreatePlan input for AWS ARC Region switch.

    ARNs of the deployed resources are read from the target (ASGs, databases, traffic
    controls); roles and the custom-action Lambda come from the flags, never invented.
    """
    from tradedr.ops.region_switch import FORMAT, ExportOptions, export_on_target

    if export_format != FORMAT:
        raise ConfigError(f"--format {export_format}: supported formats: {FORMAT}")
    result = export_on_target(
        settings_from(config),
        target=target,
        profile=profile,
        to_region=to_region,
        options=ExportOptions(
            execution_role=execution_role,
            approval_role=approval_role,
            custom_action_lambda=custom_action_lambda,
            include_approval=not no_approval,
        ),
    )
    for note in result.notes:
        err_console.print(f"note: {escape(note)}", highlight=False)
    if out is None:
        sys.stdout.write(result.to_json() + "\n")
    else:
        from tradedr.fileio import write_private

        write_private(out, result.to_json() + "\n")
        err_console.print(f"wrote {out}", highlight=False)


def _ops_progress(as_json: bool) -> Callable[[str], None]:
    """Progress lines on stderr (rich); quiet under --json so CI logs stay short."""
    if as_json:
        return lambda _message: None
    return lambda message: err_console.print(f"[dim]·[/] {message}", highlight=False)


@emulator_app.command("start")
@handles_errors
def emulator_start(
    port: Annotated[int | None, typer.Option(help="Port (default: a free one).")] = None,
    as_json: JsonOption = False,
) -> None:
    """Start a background emulator on 127.0.0.1; later commands use it until `stop`."""
    from tradedr.emulator.server import start_background

    state, started = start_background(port)
    if as_json:
        emit_json({"endpoint_url": state.endpoint_url, "pid": state.pid, "started": started})
        return
    verb = "started" if started else "already running"
    console.print(f"emulator {verb} at {state.endpoint_url} (pid {state.pid})")


@emulator_app.command("stop")
@handles_errors
def emulator_stop() -> None:
    """Stop the background emulator; everything deployed into it is gone."""
    from tradedr.emulator.server import stop_background

    state = stop_background()
    console.print(f"stopped emulator pid {state.pid}" if state else "no emulator recorded")


@emulator_app.command("status")
@handles_errors
def emulator_status(as_json: JsonOption = False) -> None:
    """Is a background emulator running, and where. Exit 1 when none is."""
    from tradedr.emulator.server import read_state

    state = read_state()
    alive = state is not None and state.alive()
    if as_json:
        emit_json(
            {
                "running": alive,
                "endpoint_url": state.endpoint_url if state else None,
                "pid": state.pid if state else None,
            }
        )
    elif alive and state:
        console.print(f"running at {state.endpoint_url} (pid {state.pid})")
    else:
        console.print("not running" + (" (stale state file)" if state else ""))
    if not alive:
        raise typer.Exit(1)


@app.command()
@handles_errors
def deploy(
    config: ConfigOption = None,
    target: TargetOption = "local",
    profile: ProfileOption = None,
    out: Annotated[Path, typer.Option("--out", "-o", help="Directory for the templates.")] = Path(
        "cdk.out"
    ),
    as_json: JsonOption = False,
) -> None:
    """Deploy every stack in dependency order across regions (change sets; no-op when
    nothing changed). Resources the emulator cannot create are listed as not emulated."""
    from tradedr.errors import AwsOperationError
    from tradedr.ops.deploy import run_deploy

    settings = settings_from(config)
    result, ephemeral = run_deploy(
        settings, target=target, profile=profile, outdir=out, progress=_ops_progress(as_json)
    )
    if as_json:
        emit_json(result.to_dict())
    else:
        _render_deploy(result, ephemeral)
    failure = result.failure
    if failure is not None:
        where = failure.failed_resource or failure.name
        raise AwsOperationError(f"deploy failed: {failure.name}: {where}: {failure.reason}")


@app.command()
@handles_errors
def validate(
    config: ConfigOption = None,
    target: TargetOption = "local",
    profile: ProfileOption = None,
    as_json: JsonOption = False,
) -> None:
    """Check the deployment with boto3: VPC, ALB and targets, ASG capacity, RDS and its
    replicas, DynamoDB, S3 replication, Route 53, alarms, secret. Exit 1 if any fails."""
    from tradedr.ops.validate import run_validate

    settings = settings_from(config)
    report = run_validate(settings, target=target, profile=profile)
    if as_json:
        emit_json(report.to_dict())
    else:
        table = Table(title=f"validate {settings.prefix} on {target}")
        table.add_column("check", no_wrap=True)
        table.add_column("region", no_wrap=True)
        table.add_column("status", no_wrap=True)
        table.add_column("detail")
        colour = {"ok": "green", "fail": "red", "not-emulated": "yellow"}
        for c in report.checks:
            table.add_row(c.name, c.region, f"[{colour[c.status]}]{c.status}[/]", c.detail)
        console.print(table)
        failed = sum(1 for c in report.checks if c.status == "fail")
        console.print("passed" if report.passed else f"[red]{failed} checks failed[/]")
    if not report.passed:
        raise typer.Exit(1)


@app.command()
@handles_errors
def destroy(
    config: ConfigOption = None,
    target: TargetOption = "local",
    profile: ProfileOption = None,
    delete_data: Annotated[
        bool,
        typer.Option(
            "--delete-data",
            help="Also delete the data and replica stacks, after final RDS snapshots and a "
            "DynamoDB backup. Retained resources (backup vault, bucket, key, table) stay.",
        ),
    ] = False,
    yes: Annotated[bool, typer.Option("--yes", "-y", help="Do not ask for confirmation.")] = False,
    as_json: JsonOption = False,
) -> None:
    """Delete the stacks in reverse order. Stateful stacks stay unless --delete-data.

    Asks for confirmation on a terminal; elsewhere (CI, pipes, --json) it needs --yes.
    """
    from tradedr.ops.destroy import run_destroy

    settings = settings_from(config)
    if not yes:
        scope = "ALL stacks including data" if delete_data else "the global and app stacks"
        what = f"{scope} of {settings.prefix} on {target}"
        # An output format is not consent: without --yes, only a person at a terminal can.
        if as_json or not sys.stdin.isatty():
            why = "--json does not prompt" if as_json else "no terminal to ask at"
            raise ConfigError(f"pass --yes to confirm deleting {what} ({why})")
        if not typer.confirm(f"Delete {what}?", default=False, err=True):
            raise TradedrError("declined at the prompt; nothing was deleted")
    result = run_destroy(
        settings,
        target=target,
        profile=profile,
        delete_data=delete_data,
        progress=_ops_progress(as_json),
    )
    if as_json:
        emit_json(result.to_dict())
    else:
        for label, items in (
            ("deleted", result.deleted),
            ("kept (stateful; --delete-data to remove)", result.kept),
            ("final backups", result.final_backups),
            ("retained (DeletionPolicy Retain, or owned by no stack)", result.retained),
            ("deletion protection restored (the destroy failed)", result.reprotected),
            ("failed", result.failed),
        ):
            if items:
                console.print(f"[bold]{label}:[/]")
                for item in items:
                    console.print(f"  {item}", highlight=False)
    if not result.ok:
        raise typer.Exit(3)


def _render_backup(result: Any, title: str) -> None:
    table = Table(title=title)
    table.add_column("kind", no_wrap=True)
    table.add_column("region", no_wrap=True)
    table.add_column("identifier")
    table.add_column("status", no_wrap=True)
    table.add_column("seconds", justify="right")
    table.add_column("detail")
    for item in result.items:
        table.add_row(
            item.kind,
            item.region,
            item.identifier,
            item.status,
            f"{item.seconds:.1f}",
            item.detail,
        )
    console.print(table)


@backup_app.command("now")
@handles_errors
def backup_now_command(
    config: ConfigOption = None,
    target: TargetOption = "local",
    profile: ProfileOption = None,
    as_json: JsonOption = False,
) -> None:
    """RDS snapshot copied to every standby, DynamoDB backup and export to S3, and an AWS
    Backup job (not emulated locally). Exit 1 if any of them failed."""
    from tradedr.ops.backup import run_backup_now

    settings = settings_from(config)
    result = run_backup_now(
        settings, target=target, profile=profile, progress=_ops_progress(as_json)
    )
    if as_json:
        emit_json(result.to_dict())
    else:
        _render_backup(result, f"backup now: {settings.prefix} on {target}")
    if not result.ok:
        raise typer.Exit(1)


@backup_app.command("restore-test")
@handles_errors
def backup_restore_test(
    config: ConfigOption = None,
    target: TargetOption = "local",
    profile: ProfileOption = None,
    region: Annotated[
        str | None, typer.Option(help="Region to restore into (default: the first standby).")
    ] = None,
    as_json: JsonOption = False,
) -> None:
    """Restore the latest snapshot and table backup into scratch resources, read them,
    delete them, and report how long each restore took. Exit 1 if a restore failed."""
    from tradedr.ops.backup import run_restore_test

    settings = settings_from(config)
    result = run_restore_test(
        settings, target=target, profile=profile, region=region, progress=_ops_progress(as_json)
    )
    if as_json:
        emit_json(result.to_dict())
    else:
        _render_backup(result, f"restore test: {settings.prefix} on {target}")
    if not result.ok:
        raise typer.Exit(1)


def _render_deploy(result: Any, ephemeral: bool) -> None:
    table = Table(title=f"deploy to {result.target}: {result.seconds:.1f} s")
    table.add_column("stack", no_wrap=True)
    table.add_column("region", no_wrap=True)
    table.add_column("status")
    table.add_column("created", justify="right")
    table.add_column("not emulated", justify="right")
    table.add_column("seconds", justify="right")
    for s in result.stacks:
        table.add_row(
            s.name,
            s.region,
            s.status,
            str(s.created),
            str(len(s.not_emulated)) if s.not_emulated else "",
            f"{s.seconds:.1f}",
        )
    console.print(table)
    if result.not_emulated:
        gaps = Table(title="not emulated (listed by the emulator, not created)")
        gaps.add_column("stack", no_wrap=True)
        gaps.add_column("resource")
        gaps.add_column("type")
        for note in result.not_emulated:
            gaps.add_row(note.stack, note.logical_id, note.resource_type)
        console.print(gaps)
    if result.substituted:
        subs = Table(title="substituted for the emulator")
        subs.add_column("stack", no_wrap=True)
        subs.add_column("resource")
        subs.add_column("how")
        for note in result.substituted:
            subs.add_row(note.stack, note.logical_id, note.detail)
        console.print(subs)
    if ephemeral and result.target == "local":
        err_console.print(
            "note: the emulator ran for this command only and is gone; run "
            "`tradedr emulator start` first to keep what you deploy."
        )


# Failover, failback and the drill (plans and their execution) ------------------------

RunsDirOption = Annotated[
    Path,
    typer.Option("--runs-dir", help="Where run journals are kept (one directory per RUN_ID)."),
]
YesOption = Annotated[
    bool, typer.Option("--yes", "-y", help="Approve the plan's manual-approval step.")
]
DryRunOption = Annotated[
    bool,
    typer.Option("--dry-run", help="Print the plan and run only its read-only checks."),
]
ResumeOption = Annotated[
    str | None,
    typer.Option("--resume", metavar="RUN_ID", help="Continue an interrupted run."),
]


def _approver(yes: bool) -> Callable[[str], bool] | None:
    """None approves automatically (and the journal says so). A prompt that gets no answer
    (stdin at EOF, Ctrl-C) declines: the plan stops "not approved" and can be resumed."""
    if yes:
        return None

    def approve(prompt: str) -> bool:
        try:
            return typer.confirm(prompt, default=False, err=True)
        except typer.Abort:
            err_console.print("")  # end the prompt's line; the plan reports the refusal
            return False

    return approve


def _print_plan(plan: Any) -> None:
    from tradedr.ops.plans import render_plan

    table = Table(title=f"plan: {plan.title}", show_lines=True)
    for column in ("group", "step", "action", "region", "what / verify"):
        table.add_column(column, no_wrap=column in ("step", "region"))
    for row in render_plan(plan):
        table.add_row(*row)
    err_console.print(table)
    for note in plan.notes:
        err_console.print(f"[yellow]note:[/] {note}", highlight=False, soft_wrap=True)


def _step_progress(as_json: bool) -> Callable[..., None]:
    def report(event: str, step: Any, attempt: int, extra: Any = None) -> None:
        if as_json:
            return
        if event == "start":
            again = f" (attempt {attempt})" if attempt > 1 else ""
            err_console.print(f"[dim]·[/] {step.id}{again} ...", highlight=False, soft_wrap=True)
        elif event == "retry":
            err_console.print(
                f"  [yellow]retrying[/] {step.id}: {extra}", highlight=False, soft_wrap=True
            )
        elif event == "end":
            err_console.print(
                f"  {extra.status} in {extra.seconds:.2f} s", highlight=False, soft_wrap=True
            )

    return report


def _run_options(
    target: str, *, dry_run: bool, yes: bool, resume: str | None, runs_dir: Path, as_json: bool
) -> Any:
    """The run options failover, failback and fence share, from their common flags."""
    from tradedr.ops.run import RunOptions

    return RunOptions(
        target="aws" if target == "aws" else "local",
        dry_run=dry_run,
        approver=_approver(yes),
        resume=resume,
        runs_dir=runs_dir,
        progress=_step_progress(as_json),
        on_plan=None if as_json else _print_plan,
    )


def _render_run(result: Any, as_json: bool) -> None:
    for warning in result.warnings:
        err_console.print(f"[yellow]warning:[/] {escape(warning)}", highlight=False, soft_wrap=True)
    if as_json:
        emit_json(result.as_dict())
    else:
        table = Table(title=f"{result.plan.title}: {result.status} in {result.total_seconds:.1f} s")
        for column in ("step", "region", "status", "seconds", "attempts", "detail"):
            table.add_column(column, no_wrap=column in ("step", "region", "status"))
        for record in result.records:
            status = record.status + (" (earlier run)" if record.previous_run else "")
            table.add_row(
                record.step_id,
                record.region,
                status,
                f"{record.seconds:.2f}",
                str(record.attempts),
                record.detail,
            )
        console.print(table)
        if result.run_id != "dry-run":
            console.print(f"run id {result.run_id}; journal {result.journal_path}", soft_wrap=True)
    if result.status == "stopped":
        err_console.print(
            f"[bold red]stopped:[/] {result.message}", highlight=False, soft_wrap=True
        )
        raise typer.Exit(result.exit_code)
    if result.exit_code:
        raise typer.Exit(result.exit_code)


@app.command()
@handles_errors
def failover(
    to: Annotated[
        str | None, typer.Option("--to", metavar="REGION", help="Region to fail over to.")
    ] = None,
    config: ConfigOption = None,
    target: TargetOption = "local",
    profile: ProfileOption = None,
    dry_run: DryRunOption = False,
    practice: Annotated[
        bool,
        typer.Option("--practice", help="Rehearse the unplanned path on a healthy system."),
    ] = False,
    allow_data_loss: Annotated[
        bool,
        typer.Option(
            "--allow-data-loss", help="Proceed when replica lag exceeds the RPO or is unknown."
        ),
    ] = False,
    assume_region_lost: Annotated[
        bool,
        typer.Option(
            "--assume-region-lost",
            help="Treat the primary region as lost when the probe cannot decide (its API is "
            "unreachable but the routing's health view is unknown or still healthy). The "
            "unplanned plan does not fence the old primary: fence it when it returns.",
        ),
    ] = False,
    yes: YesOption = False,
    resume: ResumeOption = None,
    runs_dir: RunsDirOption = Path(".tradedr/runs"),
    as_json: JsonOption = False,
) -> None:
    """Fail over to REGION: build the plan, print it, ask for approval, run it.

    Planned when the primary's API answers (fence, catch up, promote, retire the old
    writer). Unplanned only when two signals agree the primary is lost: its API stays
    unreachable through retries AND the routing's health view (Route 53 health checkers or
    Global Accelerator) sees it unhealthy; nothing in the failed region is called. When the
    signals disagree or are unknown the command refuses (exit 1): pass --assume-region-lost
    if you know the region is gone. Only one run per deployment at a time (exit 1 names the
    holder). --resume re-checks the deployment first and re-runs the lag check, the drain
    and the approval before a pending promotion.
    """
    from tradedr.ops.failover import failover as failover_service
    from tradedr.ops.run import run_on_target

    result = run_on_target(
        failover_service,
        settings_from(config),
        _run_options(
            target, dry_run=dry_run, yes=yes, resume=resume, runs_dir=runs_dir, as_json=as_json
        ),
        profile=profile,
        to_region=to,
        practice=practice,
        allow_data_loss=allow_data_loss,
        assume_region_lost=assume_region_lost,
    )
    _render_run(result, as_json)


@app.command()
@handles_errors
def failback(
    to: Annotated[
        str | None,
        typer.Option("--to", metavar="REGION", help="Home region (default: the primary)."),
    ] = None,
    from_region: Annotated[
        str | None,
        typer.Option("--from", metavar="REGION", help="Current writer region (default: found)."),
    ] = None,
    config: ConfigOption = None,
    target: TargetOption = "local",
    profile: ProfileOption = None,
    dry_run: DryRunOption = False,
    yes: YesOption = False,
    resume: ResumeOption = None,
    runs_dir: RunsDirOption = Path(".tradedr/runs"),
    as_json: JsonOption = False,
) -> None:
    """Return to the home region: retire its stale writer, replicate back, catch up, then
    run the reverse plan and rebuild the standby replica."""
    from tradedr.ops.failback import failback as failback_service
    from tradedr.ops.run import run_on_target

    result = run_on_target(
        failback_service,
        settings_from(config),
        _run_options(
            target, dry_run=dry_run, yes=yes, resume=resume, runs_dir=runs_dir, as_json=as_json
        ),
        profile=profile,
        to_region=to,
        from_region=from_region,
    )
    _render_run(result, as_json)


@app.command()
@handles_errors
def fence(
    region: Annotated[
        str,
        typer.Option("--region", metavar="REGION", help="The recovered former primary."),
    ],
    config: ConfigOption = None,
    target: TargetOption = "local",
    profile: ProfileOption = None,
    dry_run: DryRunOption = False,
    yes: YesOption = False,
    runs_dir: RunsDirOption = Path(".tradedr/runs"),
    as_json: JsonOption = False,
) -> None:
    """Stop a recovered former primary from taking traffic or writes after an unplanned
    failover: scale its app to 0 and retire its stale writer (data kept).

    Run it as soon as the lost region answers again, before its health check turns healthy;
    it refuses when REGION holds the only writer. Failback comes later, when you choose.
    """
    from tradedr.ops.fence import fence as fence_service
    from tradedr.ops.run import run_on_target

    result = run_on_target(
        fence_service,
        settings_from(config),
        _run_options(
            target, dry_run=dry_run, yes=yes, resume=None, runs_dir=runs_dir, as_json=as_json
        ),
        profile=profile,
        region=region,
    )
    _render_run(result, as_json)


@app.command()
@handles_errors
def drill(
    config: ConfigOption = None,
    target: TargetOption = "local",
    profile: ProfileOption = None,
    out: Annotated[
        Path, typer.Option("--out", "-o", help="Directory for drill-report.md/.json.")
    ] = Path("."),
    as_json: JsonOption = False,
) -> None:
    """The DR drill: deploy, seed, validate, lose the primary, fail over, fail back, report.

    On the emulator by default (a fresh one, started for the drill). Exit 0 only when
    every emulated step succeeded; steps the emulator cannot perform are "not-emulated".
    """
    from tradedr.ops.drill import run_drill, write_report

    settings = settings_from(config)
    report = run_drill(
        settings,
        target=target,
        profile=profile,
        runs_dir=out / "drill-runs",
        progress=_ops_progress(as_json),
    )
    markdown, data = write_report(report, out)
    if as_json:
        emit_json(report.as_dict())
    else:
        table = Table(
            title=f"DR drill on {report.target}: {'PASSED' if report.passed else 'FAILED'}"
        )
        for column in ("#", "step", "region", "status", "seconds"):
            right = column in ("#", "seconds")
            table.add_column(column, justify="right" if right else "left", overflow="fold")
        style = {"executed": "green", "not-emulated": "yellow", "failed": "bold red"}
        for index, step in enumerate(report.steps, start=1):
            table.add_row(
                str(index),
                step.name,
                step.region,
                f"[{style[step.status]}]{step.status}[/]",
                f"{step.seconds:.2f}",
            )
        console.print(table)
        recovery = report.measured_recovery_seconds
        console.print(
            f"total {report.total_seconds:.1f} s; measured recovery "
            + ("not reached" if recovery is None else f"{recovery:.1f} s")
            + f" (RTO target {report.rto_seconds} s"
            + (
                f", modelled p50 {report.modelled_rto_seconds['p50']:.0f} s"
                if report.modelled_rto_seconds
                else ""
            )
            + f"); reports: {markdown}, {data}",
            soft_wrap=True,
        )
        for step in report.steps:
            if step.status == "failed":
                err_console.print(
                    f"[bold red]failed:[/] {step.name}: {step.detail}", highlight=False
                )
    if not report.passed:
        raise typer.Exit(1)


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
