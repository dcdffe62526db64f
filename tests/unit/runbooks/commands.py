"""Check the commands a runbook shows the way the real tools would parse them.

`aws ...` lines go through botocore's own service models (service, operation or waiter,
parameter names, required parameters, enum values, numeric and length limits, and the
GetMetricStatistics datapoint limit); `tradedr ...` lines go through the real CLI parser.
Nothing is run.
"""

from __future__ import annotations

import re
import shlex
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from functools import cache
from typing import Any

import botocore.session
import typer.main
from botocore import xform_name
from botocore.exceptions import DataNotFoundError
from botocore.model import OperationModel, ServiceModel, Shape, StructureShape
from typer._click.exceptions import UsageError  # typer vendors click; pinned in pyproject

from tradedr.cli import app

CODE_BLOCK = re.compile(r"```(?:bash|sh)\n(.*?)```", re.S)
INLINE = re.compile(r"`([^`\n]+)`")
# The aws CLI's service names where they differ from botocore's.
CLI_SERVICE = {"s3api": "s3", "configservice": "config"}
# Options every aws command takes (awscli's global arguments).
GLOBAL_OPTIONS = {
    "--region",
    "--query",
    "--output",
    "--profile",
    "--no-cli-pager",
    "--cli-input-json",
    "--endpoint-url",
    "--no-paginate",
}
# Options the CLI adds to operations it paginates.
PAGINATION_OPTIONS = {"--max-items", "--starting-token", "--page-size"}
# tradedr commands that act on a deployment: a runbook must name the target.
OPERATIONAL = {"failover", "failback", "fence", "deploy", "destroy", "validate", "backup"}
# CloudWatch's documented limit for one GetMetricStatistics call.
MAX_DATAPOINTS = 1440
SUBST = "__SUBST{}__"
_DATE_NOW = re.compile(r"^date -u \+\S+$")
_DATE_AGO = re.compile(r"^date -u -d '-(\d+) (hours?|minutes?|days?)' \+\S+$")


@dataclass(frozen=True)
class Command:
    """One command as a shell would run it: its words, and what each $(...) stood for."""

    words: tuple[str, ...]
    substitutions: dict[str, str]
    # False for a mention in prose (`aws s3api copy-object`): may be partial.
    complete: bool

    def value(self, word: str) -> str:
        for key, text in self.substitutions.items():
            word = word.replace(key, f"$({text})")
        return word

    def __str__(self) -> str:
        return " ".join(self.value(w) for w in self.words)


def _substitutions(line: str, found: dict[str, str]) -> str:
    """`line` with each outermost $(...) (and $((...))) replaced by a placeholder; the inner
    commands are recorded in `found` (placeholder -> text) for checking on their own."""
    out: list[str] = []
    i = 0
    quote: str | None = None
    while i < len(line):
        ch = line[i]
        if quote == "'":
            if ch == "'":
                quote = None
            out.append(ch)
            i += 1
            continue
        if ch in "'\"" and quote is None:
            quote = ch
        elif ch == '"' and quote == '"':
            quote = None
        if line.startswith("$(", i):
            depth, j, inner_quote = 0, i + 1, None
            while j < len(line):
                c = line[j]
                if inner_quote:
                    if c == inner_quote:
                        inner_quote = None
                elif c in "'\"":
                    inner_quote = c
                elif c == "(":
                    depth += 1
                elif c == ")":
                    depth -= 1
                    if depth == 0:
                        break
                j += 1
            if j >= len(line):
                raise ValueError(f"unbalanced $( in: {line}")
            key = SUBST.format(len(found))
            found[key] = line[i + 2 : j]
            out.append(key)
            i = j + 1
            continue
        out.append(ch)
        i += 1
    return "".join(out)


def _split_pipeline(words: list[str]) -> Iterator[list[str]]:
    part: list[str] = []
    for word in words:
        if word in {"|", "||", "&&", ";"}:
            if part:
                yield part
            part = []
        else:
            part.append(word)
    if part:
        yield part


def _simple_commands(line: str, *, complete: bool) -> Iterator[Command]:
    found: dict[str, str] = {}
    outer = _substitutions(line, found)
    for inner in list(found.values()):
        if inner.startswith("(") and inner.endswith(")"):  # $(( arithmetic ))
            for nested in re.findall(r"\$\(([^()]*)\)", inner):
                yield from _simple_commands(nested, complete=complete)
            continue
        yield from _simple_commands(inner, complete=complete)
    for words in _split_pipeline(shlex.split(outer)):
        while words and re.fullmatch(r"[A-Za-z_][A-Za-z0-9_]*=.*", words[0]):
            words = words[1:]  # VAR=value prefix (an assignment, or an env for the command)
        if words:
            yield Command(tuple(words), found, complete)


def logical_lines(block: str) -> Iterator[str]:
    """Lines of a shell block with `\\` continuations joined and comments dropped."""
    pending = ""
    for raw in block.splitlines():
        line = raw.rstrip()
        if line.endswith("\\"):
            pending += line[:-1] + " "
            continue
        line = (pending + line).strip()
        pending = ""
        if line and not line.startswith("#"):
            yield line
    if pending.strip():
        yield pending.strip()


def commands(text: str, program: str) -> list[Command]:
    """Every `program ...` command of a Markdown text: in shell blocks (complete) and in
    inline code spans (mentions, possibly partial)."""
    found: list[Command] = []
    for block in CODE_BLOCK.findall(text):
        for line in logical_lines(block):
            found += [c for c in _simple_commands(line, complete=True) if c.words[0] == program]
    without_blocks = CODE_BLOCK.sub("", text)
    for span in INLINE.findall(without_blocks):
        if span.startswith(program + " "):
            found += [c for c in _simple_commands(span, complete=False) if c.words[0] == program]
    return found


# aws ------------------------------------------------------------------------------------


@cache
def _session() -> botocore.session.Session:
    return botocore.session.get_session()


@cache
def _service(cli_name: str) -> ServiceModel | None:
    try:
        return _session().get_service_model(CLI_SERVICE.get(cli_name, cli_name))
    except DataNotFoundError:
        return None


@cache
def _operations(cli_name: str) -> dict[str, str]:
    model = _service(cli_name)
    return {xform_name(op, "-"): op for op in model.operation_names} if model else {}


@cache
def _waiters(cli_name: str) -> dict[str, str]:
    """CLI waiter name -> operation it polls."""
    try:
        model = _session().get_waiter_model(CLI_SERVICE.get(cli_name, cli_name))
    except DataNotFoundError:
        return {}
    return {xform_name(name, "-"): model.get_waiter(name).operation for name in model.waiter_names}


@cache
def _paginated(cli_name: str) -> frozenset[str]:
    try:
        model = _session().get_paginator_model(CLI_SERVICE.get(cli_name, cli_name))
    except DataNotFoundError:
        return frozenset()
    return frozenset(model._paginator_config)


def _parse_args(words: tuple[str, ...]) -> tuple[dict[str, list[str]], list[str]]:
    """--flag value... pairs; words before the first flag are returned as strays."""
    params: dict[str, list[str]] = {}
    strays: list[str] = []
    current: str | None = None
    for word in words:
        if word.startswith("--"):
            current = word
            params.setdefault(word, [])
        elif current is None:
            strays.append(word)
        else:
            params[current].append(word)
    return params, strays


def _check_scalar(name: str, shape: Shape, value: str) -> list[str]:
    if "__SUBST" in value or "$" in value:
        return []  # computed when run; only its form can be checked, below
    problems = []
    meta: dict[str, Any] = shape.metadata
    if shape.type_name in ("integer", "long"):
        try:
            number = int(value)
        except ValueError:
            return [f"{name}: {value!r} is not an integer"]
        if "min" in meta and number < meta["min"]:
            problems.append(f"{name}: {number} is below the minimum {meta['min']}")
        if "max" in meta and number > meta["max"]:
            problems.append(f"{name}: {number} is above the maximum {meta['max']}")
    elif shape.type_name == "string":
        enum = shape.enum
        if enum and value not in enum:
            problems.append(f"{name}: {value!r} is not one of {sorted(enum)}")
        if "min" in meta and len(value) < meta["min"]:
            problems.append(f"{name}: {value!r} is shorter than {meta['min']}")
        if "max" in meta and len(value) > meta["max"]:
            problems.append(f"{name}: {value!r} is longer than {meta['max']}")
    elif shape.type_name == "timestamp":
        try:
            datetime.fromisoformat(value.replace("Z", "+00:00"))
        except ValueError:
            problems.append(f"{name}: {value!r} is not a timestamp")
    return problems


def _check_value(name: str, shape: Shape, values: list[str]) -> list[str]:
    if shape.type_name == "boolean":
        return [f"{name} takes no value, got {values}"] if values else []
    if not values:
        return [f"{name} needs a value"]
    if shape.type_name == "list":
        member: Shape = shape.member
        if member.type_name in ("string", "integer", "long"):
            return [p for v in values for p in _check_scalar(name, member, v)]
        return []  # shorthand structures: Name=...,Value=...
    if len(values) > 1:
        return [f"{name} takes one value, got {values}"]
    if shape.type_name in ("structure", "map", "blob"):
        return []
    return _check_scalar(name, shape, values[0])


def _time_offset(command: Command, word: str) -> timedelta | datetime | None:
    """A --start-time/--end-time value: a literal timestamp, or an offset from now written
    as $(date -u +FMT) or $(date -u -d '-N hours' +FMT)."""
    text = command.value(word)
    match = re.fullmatch(r"\$\((.*)\)", text)
    if match:
        inner = match.group(1)
        if _DATE_NOW.match(inner):
            return timedelta(0)
        ago = _DATE_AGO.match(inner)
        if ago:
            unit = ago.group(2).rstrip("s") + "s"
            return -timedelta(**{unit: int(ago.group(1))})
        return None
    try:
        return datetime.fromisoformat(text.replace("Z", "+00:00")).astimezone(UTC)
    except ValueError:
        return None


def _at(moment: timedelta | datetime, now: datetime) -> datetime:
    return now + moment if isinstance(moment, timedelta) else moment


def _metric_window(command: Command, params: dict[str, list[str]]) -> list[str]:
    try:
        start_word, end_word, period_word = (
            params["--start-time"][0],
            params["--end-time"][0],
            params["--period"][0],
        )
    except (KeyError, IndexError):
        return []  # reported as missing required parameters
    start, end = _time_offset(command, start_word), _time_offset(command, end_word)
    if start is None or end is None or isinstance(start, timedelta) != isinstance(end, timedelta):
        return [
            "get-metric-statistics: the time window must be literal timestamps or both "
            "computed from `date -u` so its datapoint count can be checked"
        ]
    now = datetime.now(UTC)
    span = (_at(end, now) - _at(start, now)).total_seconds()
    period = int(period_word)
    if span <= 0:
        return [f"get-metric-statistics: the window ends before it starts ({span:.0f} s)"]
    points = span / period
    if points > MAX_DATAPOINTS:
        return [
            f"get-metric-statistics: {points:.0f} datapoints requested; CloudWatch returns "
            f"at most {MAX_DATAPOINTS} per call"
        ]
    return []


def check_aws(command: Command) -> list[str]:
    """What botocore's models say is wrong with one `aws ...` command (empty when none)."""
    words = command.words
    if len(words) < 3:
        return [f"`{command}`: no operation"]
    service, operation = words[1], words[2]
    model = _service(service)
    if model is None:
        return [f"`{command}`: unknown service {service!r}"]
    rest = words[3:]
    if operation == "wait":
        if not rest:
            return [f"`{command}`: wait needs a waiter name"]
        waiter, rest = rest[0], rest[1:]
        if waiter not in _waiters(service):
            return [f"`{command}`: {service} has no waiter {waiter!r}"]
        op_name = _waiters(service)[waiter]
    elif operation in _operations(service):
        op_name = _operations(service)[operation]
    else:
        return [f"`{command}`: {service} has no operation {operation!r}"]
    op: OperationModel = model.operation_model(op_name)
    input_shape: StructureShape | None = op.input_shape
    members: dict[str, Shape] = dict(input_shape.members) if input_shape else {}
    flags = {"--" + xform_name(name, "-"): name for name in members}
    params, strays = _parse_args(rest)
    problems = [f"`{command}`: unexpected argument(s) {strays}"] if strays else []
    allowed = GLOBAL_OPTIONS | (PAGINATION_OPTIONS if op_name in _paginated(service) else set())
    for flag, values in params.items():
        if flag in allowed:
            continue
        name = flags.get(flag)
        negated = flags.get("--" + flag.removeprefix("--no-")) if flag.startswith("--no-") else None
        if name is None and negated is not None and members[negated].type_name == "boolean":
            name = negated
        if name is None:
            problems.append(f"`{command}`: {service} {operation} has no parameter {flag}")
            continue
        problems += [f"`{command}`: {p}" for p in _check_value(flag, members[name], values)]
    if command.complete and "--cli-input-json" not in params and input_shape is not None:
        given = {flags.get(f) for f in params} | {
            flags.get("--" + f.removeprefix("--no-")) for f in params
        }
        missing = [
            "--" + xform_name(m, "-") for m in input_shape.required_members if m not in given
        ]
        if missing:
            problems.append(f"`{command}`: missing required {', '.join(missing)}")
    if op_name == "GetMetricStatistics" and not problems:
        problems += [f"`{command}`: {p}" for p in _metric_window(command, params)]
    return problems


# tradedr --------------------------------------------------------------------------------


def parse_with_cli(argv: list[str]) -> list[str]:
    """Parse argv with the CLI's own parser (raises UsageError), without running anything;
    returns the sub-command path."""
    command = typer.main.get_command(app)
    ctx = command.make_context("tradedr", list(argv), resilient_parsing=False)
    path: list[str] = []
    while hasattr(command, "resolve_command"):
        remaining = [*ctx._protected_args, *ctx.args]
        if not remaining:
            break
        _, sub, rest = command.resolve_command(ctx, remaining)
        if sub is None or sub.name is None:
            raise UsageError(f"no such command {remaining[0]!r}")
        path.append(sub.name)
        command = sub
        ctx = command.make_context(sub.name, rest, parent=ctx, resilient_parsing=False)
    return path


def check_tradedr(command: Command) -> list[str]:
    """What the CLI parser (and the explicit-target rule) says is wrong with one command."""
    argv = [command.value(w) for w in command.words[1:]]
    try:
        path = parse_with_cli(argv)
    except UsageError as exc:
        return [f"`{command}`: {exc.format_message()}"]
    if (
        path
        and path[0] in OPERATIONAL
        and not any(a == "--target" or a.startswith("--target=") for a in argv)
    ):
        return [f"`{command}`: operational command without an explicit --target"]
    return []


def check_text(text: str) -> tuple[list[str], int]:
    """Every problem with the aws and tradedr commands of one runbook, and how many
    commands were checked."""
    problems: list[str] = []
    aws, tradedr = commands(text, "aws"), commands(text, "tradedr")
    for command in aws:
        problems += check_aws(command)
    for command in tradedr:
        problems += check_tradedr(command)
    return problems, len(aws) + len(tradedr)
