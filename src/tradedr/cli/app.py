"""The `tradedr` typer app: its error handling, the command table, and the console-script
entry point.

To add a command, write it in `commands/<group>.py` (parse, call one service function,
render) and add one line to the table below; `handles_errors` is applied here, to all.
"""

from __future__ import annotations

import contextlib
import sys
from collections.abc import Callable
from enum import Enum
from functools import wraps
from typing import Annotated, Any, ParamSpec, TypeVar

import typer
from typer.core import TyperCommand, TyperGroup, TyperOption

import tradedr.infra  # noqa: F401  (silences jsii's Node banner before any command runs)
from tradedr.cli.cdk_app import _region_switch_plan
from tradedr.cli.commands import (
    aliases,
    assess,
    backup,
    check,
    config,
    cost,
    deploy,
    destroy,
    drill,
    emulator,
    evidence,
    operations,
    readiness,
    review,
    rto,
    runbook,
    synth,
    validate,
)
from tradedr.cli.output import print_error
from tradedr.errors import AwsOperationError, ConfigError, TradedrError
from tradedr.infra.region_switch_plan import use_plan_source

P = ParamSpec("P")
R = TypeVar("R")


class _FlagOption(TyperOption):
    """A flag in --help: its name and help, no value type. typer (0.29) gives every option
    a type column, so flags read `--yes <bool>` as if they took a value."""

    def display_type_rich(self, ctx: Any) -> str | None:
        return None if self.is_flag else super().display_type_rich(ctx)


def reflow(text: str | None) -> str | None:
    """Help text with each paragraph on one line, so that the terminal, not the docstring,
    breaks it. typer (0.29) joins the first paragraph's lines but keeps the others' as
    written, which breaks sentences mid-way at any width. A paragraph of `- ` items or one
    that starts with click's no-rewrap marker (\\b) keeps its lines."""
    if not text:
        return text
    import inspect

    paragraphs = inspect.cleandoc(text).split("\n\n")
    kept = []
    for paragraph in paragraphs:
        lines = paragraph.splitlines()
        if paragraph.startswith("\b") or any(line.lstrip().startswith("- ") for line in lines):
            kept.append(paragraph)
        else:
            kept.append(" ".join(line.strip() for line in lines))
    return "\n\n".join(kept)


class _HelpFormatting:
    """What every tradedr command and group shows in --help: reflowed text, bare flags."""

    help: str | None

    def _tidy_help(self) -> None:
        self.help = reflow(self.help)

    def get_params(self, ctx: Any) -> list[Any]:
        params: list[Any] = super().get_params(ctx)  # type: ignore[misc]
        for param in params:
            if type(param) is TyperOption and param.is_flag:
                param.__class__ = _FlagOption
        return params


class TradedrCommand(_HelpFormatting, TyperCommand):
    """Every tradedr command: see `_HelpFormatting`."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._tidy_help()


class TradedrGroup(_HelpFormatting, TyperGroup):
    """The root group, and every sub-group. A value outside an option's choices
    (`--target gcp`) is one line naming the option and its choices, exit 2, like every
    other bad input; typer's usage box is kept for the usage errors it alone can explain."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._tidy_help()

    def invoke(self, ctx: Any) -> Any:  # typer's vendored click Context, not public
        try:
            return super().invoke(ctx)
        except typer.BadParameter as exc:
            message = _bad_choice(exc)
            if message is None:
                raise
            print_error(message)
            raise typer.Exit(ConfigError.exit_code) from None


def _bad_choice(exc: typer.BadParameter) -> str | None:
    """`--target must be one of local, aws, got 'gcp'`, when `exc` rejects a value given for
    an enum choice; None for anything else (a missing option keeps typer's own message).

    typer (0.29) keeps an option's choices on `param.type_descriptor` and raises from the
    pydantic ValidationError that names the value given; a test holds both.
    """
    param = exc.param
    choices = getattr(getattr(param, "type_descriptor", None), "choices", None)
    if param is None or not choices or not all(isinstance(c, Enum) for c in choices):
        return None
    errors = getattr(exc.__cause__, "errors", None)
    first = errors()[:1] if callable(errors) else []
    if not first or "input" not in first[0]:
        return None
    name = next((o for o in param.opts if o.startswith("--")), param.opts[0])
    allowed = ", ".join(str(c.value) for c in choices)
    return f"{name} must be one of {allowed}, got {first[0]['input']!r}"


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
        print_error(
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
            print_error(exc.message)
            raise typer.Exit(exc.exit_code) from None
        except aborts:
            print_error("declined at the prompt")
            raise typer.Exit(1) from None
        except Exception as exc:
            # An AWS failure nothing below turned into a domain error (no credentials, an
            # unreachable endpoint, a denied call): one line, exit 3.
            if not type(exc).__module__.startswith(("botocore", "boto3")):
                raise
            profile = unknown_profile(exc, kwargs)
            if profile is not None:
                raise bad_profile(profile) from None
            print_error(f"AWS: {aws_error_hint(exc)}")
            raise typer.Exit(AwsOperationError.exit_code) from None

    return wrapper


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


use_plan_source(_region_switch_plan)

app = typer.Typer(
    name="tradedr",
    help=(
        "Multi-region disaster recovery for a trading platform on AWS.\n\n"
        "Start with `tradedr init` to write tradedr.toml, then `tradedr synth` to see the "
        "stacks. Every command reads ./tradedr.toml when present (or --config FILE), and "
        "falls back to the built-in reference defaults."
    ),
    cls=TradedrGroup,
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    add_completion=False,
)


def _version(value: bool) -> None:
    if value:
        from importlib.metadata import PackageNotFoundError, version

        try:
            shown = version("tradedr")
        except PackageNotFoundError:  # a source tree that was never installed
            import tradedr

            shown = tradedr.__version__
        sys.stdout.write(f"tradedr {shown}\n")
        raise typer.Exit()


@app.callback()
def _root(
    show_version: Annotated[
        bool,
        typer.Option(
            "--version",
            help="Print tradedr's version and exit.",
            is_eager=True,
            callback=_version,
        ),
    ] = False,
) -> None:
    """Multi-region disaster recovery for a trading platform on AWS."""


def _group(name: str, help_text: str, commands: dict[str, Callable[..., None]]) -> None:
    group = typer.Typer(help=help_text, no_args_is_help=True, cls=TradedrGroup)
    for command, function in commands.items():
        group.command(command, cls=TradedrCommand)(handles_errors(function))
    app.add_typer(group, name=name)


# The command table, in --help order. ------------------------------------------------
COMMANDS: dict[str, Callable[..., None]] = {
    "init": config.init,
    "synth": synth.synth,
    "check": check.check,
    "rto": rto.rto,
    "cost": cost.cost,
    "review": review.review,
    "assess": assess.assess,
    "deploy": deploy.deploy,
    "validate": validate.validate,
    "readiness": readiness.readiness,
    "destroy": destroy.destroy,
    "failover": operations.failover,
    "failback": operations.failback,
    "fence": operations.fence,
    "export-plan": operations.export_plan,
    "drill": drill.drill,
    "runbook": runbook.runbook,
}
for _name, _function in COMMANDS.items():
    app.command(_name, cls=TradedrCommand)(handles_errors(_function))

_group("config", "Inspect the effective configuration.", {"show": config.show})
_group(
    "emulator",
    "The embedded AWS emulator (moto server).",
    {"start": emulator.start, "stop": emulator.stop, "status": emulator.status},
)
_group(
    "backup",
    "Backups now, and restore tests.",
    {"now": backup.now, "restore-test": backup.restore_test},
)
_group(
    "evidence",
    "Evidence a regulator accepts: tamper-evident journals of every drill and failover, "
    "evidence packs, incident drafts and the drill cadence.",
    {
        "verify": evidence.verify,
        "pack": evidence.pack,
        "incident": evidence.incident,
        "status": evidence.status,
    },
)

# Hidden old spellings, for one release (commands/aliases.py).
_plan = typer.Typer(help=aliases.PLAN_HELP, invoke_without_command=True, cls=TradedrGroup)
_plan.callback()(handles_errors(aliases.plan))
_plan.command("export", hidden=True, cls=TradedrCommand)(handles_errors(operations.export_plan))
app.add_typer(_plan, name="plan", hidden=True)


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
