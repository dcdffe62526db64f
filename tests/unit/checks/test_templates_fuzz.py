"""Fuzzing what `--templates DIR` reads: exit 0, 1 or 2, never a traceback or a crash.

Templates are mutated from a small valid one (random values in place of Properties,
Type, Outputs, DeletionPolicy, Metadata ...; nesting around the depth limit; random
YAML text), and cloud-assembly manifests from a valid one; each runs through the real
loaders, the DR rules and the CLI. `rto --json` and `cost --json` run for every example
(hundredths of a second in-process); `check` runs cfn-lint once a template loads (about a
second), so it takes every example the loader refuses and a few that it accepts.
Property values are not mutated: they are cfn-lint's to judge, not the loader's.
"""

from __future__ import annotations

import contextlib
import copy
import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
import yaml
from hypothesis import HealthCheck, assume, currently_in_test_context, event, given, settings
from hypothesis import strategies as st
from typer.testing import CliRunner, Result

from tradedr.analysis.templates import TemplateSet
from tradedr.checks.lint import lint_acknowledgments
from tradedr.checks.runner import context_from_templates, run_rules
from tradedr.checks.templates import MAX_NESTING_DEPTH, load_directory
from tradedr.cli import app
from tradedr.config import Settings
from tradedr.errors import TemplateError, TradedrError

runner = CliRunner()
TRADEDR = str(Path(sys.executable).with_name("tradedr"))
NAME = "stack.template.json"
FUZZ = settings(
    max_examples=100,
    deadline=None,
    database=None,
    suppress_health_check=[
        HealthCheck.function_scoped_fixture,
        HealthCheck.too_slow,
        HealthCheck.filter_too_much,
    ],
)

BASE: dict[str, Any] = {
    "Parameters": {"DbPassword": {"Type": "String", "NoEcho": True}},
    "Resources": {
        "Bucket": {
            "Type": "AWS::S3::Bucket",
            "DeletionPolicy": "Retain",
            "UpdateReplacePolicy": "Retain",
            "Metadata": {
                "cdk_nag": {"rules_to_suppress": [{"id": "AwsSolutions-S1", "reason": "r"}]},
                "cfn-lint": {"config": {"ignore_checks": ["W3005"]}},
            },
            "Properties": {
                "VersioningConfiguration": {"Status": "Enabled"},
                "Tags": [{"Key": "DisasterRecovery", "Value": "warm-standby:primary"}],
            },
        },
        "Table": {
            "Type": "AWS::DynamoDB::GlobalTable",
            "DeletionPolicy": "Retain",
            "Properties": {
                "BillingMode": "PAY_PER_REQUEST",
                "Replicas": [{"Region": "us-east-1"}, {"Region": "us-west-2"}],
            },
        },
    },
    "Outputs": {"BucketName": {"Value": {"Ref": "Bucket"}}},
}

# Where a mutation lands, as a path into BASE: the structure the loader vouches for.
TARGETS: list[tuple[str, ...]] = [
    (),
    ("Resources",),
    ("Resources", "Bucket"),
    ("Resources", "Bucket", "Type"),
    ("Resources", "Bucket", "Properties"),
    ("Resources", "Bucket", "Metadata"),
    ("Resources", "Bucket", "Metadata", "cdk_nag"),
    ("Resources", "Bucket", "Metadata", "cdk_nag", "rules_to_suppress"),
    ("Resources", "Bucket", "Metadata", "cfn-lint"),
    ("Resources", "Bucket", "DeletionPolicy"),
    ("Resources", "Bucket", "UpdateReplacePolicy"),
    ("Resources", "Table", "Properties"),
    ("Outputs",),
    ("Outputs", "BucketName"),
    ("Outputs", "BucketName", "Value"),
    ("Parameters",),
    ("Parameters", "DbPassword"),
]
# Values there that keep the template loadable (for `check` to run to the end).
LEAVES: list[tuple[str, ...]] = [
    ("Resources", "Bucket", "Metadata", "cdk_nag", "rules_to_suppress", "0"),
    ("Resources", "Bucket", "Metadata", "cfn-lint", "config", "ignore_checks", "0"),
    ("Resources", "Bucket", "Properties", "NotAProperty"),
    ("Outputs", "BucketName", "Value"),
    ("Outputs", "Extra"),
    ("Parameters", "DbPassword"),
]
KEYS = st.sampled_from(
    [
        *("Type", "Properties", "Metadata", "DeletionPolicy", "Ref", "Fn::GetAtt", "Value"),
        *("cdk_nag", "rules_to_suppress", "cfn-lint", "config", "ignore_checks", "id"),
        *("reason", "NoEcho", "Default"),
    ]
)
SCALARS = (
    st.none()
    | st.booleans()
    | st.integers()
    | st.floats()
    | st.text(max_size=12)
    | st.sampled_from(["AWS::S3::Bucket", "Retain", "Delete", "us-east-1", "!Ref", "*x"])
)
VALUES = st.recursive(
    SCALARS,
    lambda children: (
        st.lists(children, max_size=4)
        | st.dictionaries(KEYS | st.text(max_size=6), children, max_size=4)
    ),
    max_leaves=16,
)
# Half the time a value of a type the slot may take (a mapping or a string), so that
# enough mutants load and run through the rules and models.
MUTATIONS = VALUES | st.dictionaries(KEYS | st.text(max_size=6), VALUES, max_size=4) | st.text()
YAML_TOKENS = st.sampled_from(
    [
        *("Resources:", "\n", "  ", "- ", "[", "]", "{", "}", ": ", ", ", "&a ", "*a"),
        *("!Ref ", "!GetAtt ", "Type: AWS::S3::Bucket", "Properties:", "'", '"', "#", "|"),
        *(">", "? ", "\t", "%YAML 1.1", "---", "...", "x", "1", "null", "\\", "\x00"),
        *("\ufeff", "é"),
    ]
)
YAML_TEXT = st.lists(YAML_TOKENS, max_size=60).map("".join)


MISSING = (KeyError, TypeError, IndexError, ValueError)


def put(body: Any, path: tuple[str, ...], value: Any) -> Any:
    if not path:
        return value
    node = body
    for key in path[:-1]:
        node = node[int(key)] if isinstance(node, list) else node[key]
    if isinstance(node, list):
        node[int(path[-1])] = value
    else:
        node[path[-1]] = value
    return body


def chain(depth: int, kind: str) -> Any:
    """`depth` collections nested in each other, built without recursion."""
    value: Any = 1
    for _ in range(depth):
        value = [value] if kind == "list" else {"a": value}
    return value


@st.composite
def mutated(
    draw: st.DrawFn,
    targets: list[tuple[str, ...]] = TARGETS,
    forms: tuple[str, ...] = ("json", "json", "yaml", "yaml", "text"),
    deep: bool = True,
) -> tuple[str, str]:
    """(file name, text) of a template mutated from BASE."""
    body = copy.deepcopy(BASE)
    for _ in range(draw(st.integers(1, 2))):
        target = draw(st.sampled_from(targets))
        with contextlib.suppress(*MISSING):  # an earlier mutation removed the path
            body = put(body, target, draw(MUTATIONS))
    if deep and draw(st.integers(0, 3)) == 0:
        # Nesting around the limit, at a place that may still exist.
        target = draw(st.sampled_from(targets[1:]))
        kind = draw(st.sampled_from(["list", "dict"]))
        with contextlib.suppress(*MISSING):
            body = put(body, target, chain(draw(st.integers(MAX_NESTING_DEPTH - 40, 130)), kind))
    form = draw(st.sampled_from(forms))
    if form == "text":
        return "stack.yaml", draw(YAML_TEXT)
    if form == "yaml":
        return "stack.yaml", yaml.safe_dump(body, width=1_000_000)
    return NAME, json.dumps(body)


def assert_clean(result: Result, args: list[str]) -> None:
    """Exit 0, 1 or 2; no traceback; exit 2 is exactly one stderr line, `error: ...`."""
    if result.exception is not None and not isinstance(result.exception, SystemExit):
        raise AssertionError(f"{args}: {result.exception!r}") from result.exception
    assert result.exit_code in (0, 1, 2), (args, result.output)
    assert "Traceback" not in result.output
    if result.exit_code == 2:
        [line] = result.stderr.splitlines()
        assert line.startswith("error:"), (args, line)


def run(args: list[str]) -> Result:
    result = runner.invoke(app, args)
    assert_clean(result, args)
    if currently_in_test_context():
        event(f"{args[0]} exit {result.exit_code}")
    return result


def fast_commands(directory: Path) -> None:
    for args in (["rto", "--json"], ["cost", "--json"]):
        run([*args, "--templates", str(directory)])


def check_command(directory: Path, *extra: str) -> Result:
    return run(["check", "--format", "json", "--packs", "", "--templates", str(directory), *extra])


def one_line(exc: TradedrError) -> None:
    assert exc.message
    assert "\n" not in exc.message


def loads(directory: Path) -> bool:
    """Through the loaders and the DR rules; whether `check` got past loading."""
    try:
        TemplateSet.from_directory(Settings(), directory)
    except TemplateError as exc:
        one_line(exc)
    try:
        docs = load_directory(directory)
    except TradedrError as exc:
        one_line(exc)
        return False
    run_rules(docs, context_from_templates(docs))
    for doc in docs:
        lint_acknowledgments(doc)
    return True


@FUZZ
@given(template=mutated())
def test_mutated_templates_never_crash(
    tmp_path_factory: pytest.TempPathFactory, template: tuple[str, str]
) -> None:
    directory = tmp_path_factory.mktemp("fuzz")
    name, text = template
    (directory / name).write_text(text, encoding="utf-8")
    fast_commands(directory)
    if not loads(directory):
        assert check_command(directory).exit_code == 2


@settings(FUZZ, max_examples=8)
@given(template=mutated(targets=LEAVES, forms=("json", "yaml"), deep=False))
def test_check_runs_to_the_end_on_templates_that_load(
    tmp_path_factory: pytest.TempPathFactory, template: tuple[str, str]
) -> None:
    directory = tmp_path_factory.mktemp("fuzz")
    name, text = template
    (directory / name).write_text(text, encoding="utf-8")
    assume(loads(directory))
    assert check_command(directory).exit_code in (0, 1)


MANIFEST: dict[str, Any] = {
    "version": "36.0.0",
    "artifacts": {
        "stack": {
            "type": "aws:cloudformation:stack",
            "environment": "aws://123456789012/us-east-1",
            "properties": {"templateFile": NAME, "stackName": "stack"},
        },
        "Tree": {"type": "cdk:tree", "properties": {"file": "tree.json"}},
    },
}
MANIFEST_TARGETS: list[tuple[str, ...]] = [
    (),
    ("artifacts",),
    ("artifacts", "stack"),
    ("artifacts", "stack", "type"),
    ("artifacts", "stack", "environment"),
    ("artifacts", "stack", "properties"),
    ("artifacts", "stack", "properties", "templateFile"),
    ("artifacts", "stack", "properties", "stackName"),
    ("artifacts", "Tree"),
]
ENVIRONMENTS = st.sampled_from(["us-east-1", "mars-1", "unknown-region", "", "a/b"]).map(
    "aws://123456789012/{}".format
)


@st.composite
def manifests(draw: st.DrawFn) -> str:
    manifest = copy.deepcopy(MANIFEST)
    if draw(st.booleans()):
        manifest["artifacts"]["stack"]["environment"] = draw(ENVIRONMENTS)
    for _ in range(draw(st.integers(0, 2))):
        with contextlib.suppress(*MISSING):
            manifest = put(manifest, draw(st.sampled_from(MANIFEST_TARGETS)), draw(MUTATIONS))
    text = json.dumps(manifest)
    if draw(st.integers(0, 5)) == 0:  # truncated, or nested beyond the limit
        text = draw(st.sampled_from([text[: len(text) // 2], "[" * 5000 + text]))
    return text


@settings(FUZZ, max_examples=60)
@given(manifest=manifests())
def test_mutated_manifests_never_crash(
    tmp_path_factory: pytest.TempPathFactory, manifest: str
) -> None:
    directory = tmp_path_factory.mktemp("fuzz")
    (directory / NAME).write_text(json.dumps(BASE), encoding="utf-8")
    (directory / "manifest.json").write_text(manifest, encoding="utf-8")
    fast_commands(directory)
    if not loads(directory):
        assert check_command(directory).exit_code == 2


# --- explicit cases ------------------------------------------------------------------


def write_base(directory: Path) -> Path:
    path = directory / NAME
    path.write_text(json.dumps(BASE), encoding="utf-8")
    return path


@pytest.mark.parametrize(
    "args", [["check", "--format", "json"], ["rto", "--json"], ["cost", "--json"]]
)
def test_100000_deep_json_exits_2_in_a_real_process(tmp_path: Path, args: list[str]) -> None:
    """It used to segfault `check` (exit 139): run it where a crash shows as one."""
    path = tmp_path / NAME
    path.write_text('{"Resources": ' + "[" * 100_000 + "]" * 100_000 + "}", encoding="utf-8")
    done = subprocess.run(
        [TRADEDR, *args, "--templates", str(tmp_path)],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert done.returncode == 2, done.stderr[-2000:]
    assert "Traceback" not in done.stderr
    errors = [line for line in done.stderr.splitlines() if line.startswith("error:")]
    assert errors == [
        f"error: template error: {path} is nested more than {MAX_NESTING_DEPTH} levels deep "
        "at line 1 (tradedr's limit)"
    ]


def test_6_mb_file_is_refused(tmp_path: Path) -> None:
    path = write_base(tmp_path)
    with path.open("ab") as handle:
        handle.write(b" " * (6 * 1024 * 1024))
    for args in (["check", "--format", "json"], ["rto", "--json"], ["cost", "--json"]):
        result = run([*args, "--templates", str(tmp_path)])
        assert result.exit_code == 2
        assert f"{path} is {path.stat().st_size:,} bytes; tradedr reads files up to 5 MB" in (
            result.stderr
        )


def test_malformed_manifest_is_refused(tmp_path: Path) -> None:
    write_base(tmp_path)
    manifest = tmp_path / "manifest.json"
    manifest.write_text('{"artifacts": [1, 2]}', encoding="utf-8")
    for args in (["check", "--format", "json"], ["rto", "--json"], ["cost", "--json"]):
        result = run([*args, "--templates", str(tmp_path)])
        assert result.exit_code == 2
        assert result.stderr == (
            f"error: template error: {manifest} (cloud-assembly manifest): "
            "artifacts must be a mapping, not a list\n"
        )


def test_unknown_region_is_refused(tmp_path: Path) -> None:
    write_base(tmp_path)
    result = check_command(tmp_path, "--regions", "mars-1")
    assert result.exit_code == 2
    assert result.stderr == (
        "error: --regions mars-1: not an AWS region cfn-lint knows (e.g. us-east-1, eu-west-1)\n"
    )
