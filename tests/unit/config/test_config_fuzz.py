"""Whatever bytes `-c FILE` holds, `tradedr config show` ends with exit code 0 or 2, and a 2
is exactly one line on stderr starting with "error:": never a traceback, a hang or a crash.

Three kinds of input: random bytes, random mutations of the shipped example config, and
random TOML documents shaped like the schema (known keys with wild values, unknown keys).
"""

from __future__ import annotations

import copy
import json
import math
import re
import tomllib
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from typer.testing import CliRunner, Result

from tradedr.cli import app
from tradedr.config import MAX_NESTING, Settings, toml_nesting_problem
from tradedr.services import example_config_text

EXAMPLE = example_config_text().encode("utf-8")

FUZZ = settings(
    max_examples=150,
    deadline=None,
    database=None,  # nothing written under the repo
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)

runner = CliRunner()


@pytest.fixture(scope="module")
def config_file(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("fuzz") / "tradedr.toml"


def run_config_show(path: Path, data: bytes) -> Result:
    path.write_bytes(data)
    return runner.invoke(app, ["config", "show", "-c", str(path)])


def assert_clean_exit(result: Result) -> None:
    detail = f"exit {result.exit_code}\nstdout: {result.stdout!r}\nstderr: {result.stderr!r}"
    assert result.exception is None or isinstance(result.exception, SystemExit), (
        f"{detail}\n{result.exception!r}"
    )
    assert result.exit_code in (0, 2), detail
    assert "Traceback" not in result.output, detail
    if result.exit_code == 2:
        lines = result.stderr.removesuffix("\n").split("\n")
        assert len(lines) == 1, detail
        assert lines[0].startswith("error: "), detail
        assert result.stdout == "", detail
    else:  # stderr names the file loaded, and says nothing else
        assert result.stderr.startswith("config: loaded "), detail
        assert result.stderr.count("\n") == 1, detail


# --- random bytes -----------------------------------------------------------------------


@settings(FUZZ, max_examples=100)
@given(data=st.binary(max_size=2048))
def test_random_bytes(config_file: Path, data: bytes) -> None:
    assert_clean_exit(run_config_show(config_file, data))


# --- mutations of the example config ----------------------------------------------------

TOKENS = [
    b"[",
    b"]",
    b"[[",
    b"]]",
    b"{",
    b"}",
    b"=",
    b".",
    b",",
    b"#",
    b"\n",
    b"\r\n",
    b"\t",
    b'"',
    b"'",
    b'"""',
    b"'''",
    b"\\",
    b"\\u0000",
    b"\x00",
    b"\x7f",
    b"\x1b[31m",
    b"\xff",
    b"\xc3",
    b"\xef\xbb\xbf",
    b"\xe2\x80\xa8",
    b"inf",
    b"-inf",
    b"nan",
    b"1e308",
    b"-0",
    b"0x" + b"f" * 20,
    b"9" * 30,
    b"9" * 5000,
    b"1979-05-27T07:32:00Z",
    b"true",
    b"[]",
    b"{}",
    b"--",
    b"xn--",
    b"sthree-",
    b"aws:",
    b"z",
    b" ",
    b"a.b.c",
    b"..",
    b"-",
]
VALUES = [
    '""',
    '" "',
    '"a\\nb"',
    '"\\u0000"',
    '"\\u001b[2J"',
    '"xn--app"',
    '"sthree-app"',
    '"trade--desk"',
    '"us-east-1z"',
    '"/h ealth"',
    '"/health\\r\\n"',
    '"aws:Team"',
    '"' + "x" * 300 + '"',
    "inf",
    "nan",
    "-inf",
    "1e308",
    "-1",
    "0",
    "9" * 40,
    "1.5",
    "true",
    "[]",
    "{}",
    '["us-east-1"]',
    '["us-east-1", "us-east-1"]',
    '{ "aws:x" = "y" }',
    "[[[[1]]]]",
    "{ a = { b = 1 } }",
    "1979-05-27",
    "'literal'",
    '"""multi\nline"""',
    '"börse"',
    '"App"',
    '"a..b"',
    '"10.0.0.0/8"',
    '"us-east-1"',
    '"pilot-light"',
]
ASSIGNMENT = re.compile(rb"^([A-Za-z0-9_.\-]+\s*=\s*)([^#\n]*)", re.MULTILINE)
ASSIGNMENTS = [m.span(2) for m in ASSIGNMENT.finditer(EXAMPLE)]


@st.composite
def mutated_example(draw: st.DrawFn) -> bytes:
    """A few settings of the example get wild values, then a few bytes get edited."""
    data = bytearray(EXAMPLE)
    spans = draw(st.lists(st.sampled_from(ASSIGNMENTS), max_size=3, unique=True))
    for start, end in sorted(spans, reverse=True):  # from the end: earlier spans stay valid
        data[start:end] = draw(st.sampled_from(VALUES)).encode()
    tokens = st.sampled_from(TOKENS)
    for _ in range(draw(st.integers(0 if spans else 1, 3))):
        kind = draw(st.sampled_from(["insert", "delete", "replace", "duplicate"]))
        at = draw(st.integers(0, len(data)))
        if kind == "insert":
            data[at:at] = draw(st.one_of(tokens, tokens, tokens, st.binary(min_size=1, max_size=8)))
        elif kind == "delete":
            del data[at : at + draw(st.integers(1, 64))]
        elif kind == "replace" and at < len(data):
            data[at] = draw(st.integers(0, 127) | st.integers(0, 255))
        elif kind == "duplicate":
            data[at:at] = data[at : at + draw(st.integers(1, 200))] * draw(st.integers(1, 3))
    return bytes(data)


@FUZZ
@given(data=mutated_example())
def test_mutated_example_config(config_file: Path, data: bytes) -> None:
    assert_clean_exit(run_config_show(config_file, data))


# --- random TOML documents shaped like the schema ----------------------------------------


# Start from the defaults as a document, then change a few settings at any depth: a wild
# value, a deletion, or an unknown key. Most changes get past TOML and the types, so the
# model validators see odd but well-typed data too.
DEFAULTS: dict[str, Any] = Settings().model_dump(mode="json", exclude_none=True)
PATHS: list[tuple[str, ...]] = []


def collect_paths(table: dict[str, Any], prefix: tuple[str, ...]) -> None:
    for key, value in table.items():
        PATHS.append((*prefix, key))
        if isinstance(value, dict):
            collect_paths(value, (*prefix, key))


collect_paths(DEFAULTS, ())
PATHS += [
    ("regions", "us-east-1", "availability_zones"),
    ("regions", "us-west-2", "nat_gateways"),
    ("regions", "eu-west-1"),
    ("tags", "extra", "aws:team"),
    ("tags", "extra", "Team"),
    ("failover", "max_data_loss_seconds"),
]

text = st.text(st.characters(exclude_categories=["Cs"]), max_size=30)
wild_strings = st.sampled_from([v.strip('"') for v in VALUES if v.startswith('"')])
scalars = (
    st.integers(-(10**20), 10**20)
    | st.floats(allow_nan=True, allow_infinity=True)
    | st.booleans()
    | text
    | wild_strings
    | wild_strings
    | st.dates(min_value=date(1, 1, 1))
)
values = st.recursive(
    scalars,
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(text, inner, max_size=4),
    max_leaves=12,
)


@st.composite
def schema_shaped(draw: st.DrawFn) -> dict[str, Any]:
    document = copy.deepcopy(DEFAULTS)
    for _ in range(draw(st.integers(1, 5))):
        path = draw(st.sampled_from(PATHS))
        parent = document
        for key in path[:-1]:
            if not isinstance(parent.get(key), dict):
                parent[key] = {}
            parent = parent[key]
        action = draw(st.sampled_from(["set", "set", "set", "delete", "unknown"]))
        if action == "set":
            parent[path[-1]] = draw(values)
        elif action == "delete":
            parent.pop(path[-1], None)
        else:
            parent[draw(text)] = draw(values)
    return document


def toml_key(key: str) -> str:
    return key if re.fullmatch(r"[A-Za-z0-9_-]+", key) else json.dumps(key, ensure_ascii=False)


def toml_value(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float) and math.isnan(value):
        return "nan"
    if isinstance(value, float) and math.isinf(value):
        return "inf" if value > 0 else "-inf"
    if isinstance(value, int | float):
        return repr(value)
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, str):
        return json.dumps(value, ensure_ascii=False)
    if isinstance(value, list):
        return "[" + ", ".join(toml_value(item) for item in value) + "]"
    items = (f"{toml_key(k)} = {toml_value(v)}" for k, v in value.items())
    return "{ " + ", ".join(items) + " }"


def to_toml(document: dict[str, Any]) -> str:
    lines = [
        f"{toml_key(k)} = {toml_value(v)}" for k, v in document.items() if not isinstance(v, dict)
    ]
    for key, table in document.items():
        if isinstance(table, dict):
            lines.append(f"[{toml_key(key)}]")
            lines.extend(f"{toml_key(k)} = {toml_value(v)}" for k, v in table.items())
    return "\n".join(lines) + "\n"


@FUZZ
@given(document=schema_shaped())
def test_schema_shaped_toml(config_file: Path, document: dict[str, Any]) -> None:
    assert_clean_exit(run_config_show(config_file, to_toml(document).encode("utf-8")))


def depth(value: Any) -> int:
    if isinstance(value, dict):
        return 1 + max(map(depth, value.values()), default=0)
    if isinstance(value, list):
        return 1 + max(map(depth, value), default=0)
    return 0


@settings(max_examples=100, deadline=None, database=None)
@given(document=st.dictionaries(text, values, max_size=6))
def test_nesting_scan_passes_what_tomllib_reads(document: dict[str, Any]) -> None:
    """No false alarms: a document nested within the limit is never refused by the scan."""
    source = to_toml(document)
    try:
        tomllib.loads(source)
    except tomllib.TOMLDecodeError:
        return  # e.g. a string holding DEL, which JSON does not escape
    assert depth(document) <= MAX_NESTING
    assert toml_nesting_problem(source) is None, source
