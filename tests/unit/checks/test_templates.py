"""Bad templates read from disk: one line, exit 2, the file (and resource) named.

The same loader serves `check`, `rto` and `cost` with `--templates DIR`; each table runs
through the loaders and through the CLI as a user runs it.
"""

from __future__ import annotations

import json
import time
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from tradedr.analysis.templates import TemplateSet
from tradedr.checks import templates
from tradedr.checks.templates import (
    MAX_NESTING_DEPTH,
    MAX_TEMPLATE_BYTES,
    load_directory,
    validate_regions,
)
from tradedr.cli import app
from tradedr.config import Settings
from tradedr.errors import ConfigError, TemplateError

runner = CliRunner()
NAME = "stack.template.json"


def valid() -> dict[str, Any]:
    return {
        "Parameters": {"Env": {"Type": "String", "Default": "prod"}},
        "Resources": {
            "Bucket": {
                "Type": "AWS::S3::Bucket",
                "DeletionPolicy": "Retain",
                "UpdateReplacePolicy": "Retain",
                "Metadata": {"cdk_nag": {"rules_to_suppress": []}},
                "Properties": {"BucketName": "objects"},
            }
        },
        "Outputs": {"BucketName": {"Value": {"Ref": "Bucket"}}},
    }


def write(directory: Path, body: Any, name: str = NAME) -> Path:
    path = directory / name
    path.write_text(body if isinstance(body, str) else json.dumps(body))
    return path


def bucket(**attributes: Any) -> dict[str, Any]:
    body = valid()
    body["Resources"]["Bucket"].update(attributes)
    return body


def section(name: str, value: Any) -> dict[str, Any]:
    body = valid()
    body[name] = value
    return body


def metadata(value: Any) -> dict[str, Any]:
    return bucket(Metadata=value)


def assert_bad_input(directory: Path, message: str) -> None:
    """The exact message from both loaders and from check, rto and cost."""
    with pytest.raises(TemplateError) as info:
        load_directory(directory)
    assert info.value.message == message
    with pytest.raises(TemplateError) as info:
        TemplateSet.from_directory(Settings(), directory)
    assert info.value.message == message
    for args in (["check", "--format", "json"], ["rto", "--json"], ["cost", "--json"]):
        result = runner.invoke(app, [*args, "--templates", str(directory)])
        assert result.exit_code == 2, (args, result.output)
        assert result.stderr.splitlines() == [f"error: {message}"], args
        assert result.stdout == ""


STRUCTURE = [
    pytest.param(
        bucket(Properties=[1]),
        "resource Bucket: Properties must be a mapping, not a list",
        id="Properties list",
    ),
    pytest.param(
        bucket(Properties="x"),
        "resource Bucket: Properties must be a mapping, not a string",
        id="Properties string",
    ),
    pytest.param(
        bucket(Properties=None),
        "resource Bucket: Properties must be a mapping, not null",
        id="Properties null",
    ),
    pytest.param(
        bucket(Metadata="x"),
        "resource Bucket: Metadata must be a mapping, not a string",
        id="Metadata string",
    ),
    pytest.param(
        bucket(Metadata=3),
        "resource Bucket: Metadata must be a mapping, not a number",
        id="Metadata number",
    ),
    pytest.param(
        bucket(DeletionPolicy={"a": 1}),
        "resource Bucket: DeletionPolicy must be a string, not a mapping",
        id="DeletionPolicy mapping",
    ),
    pytest.param(
        bucket(DeletionPolicy=["Retain"]),
        "resource Bucket: DeletionPolicy must be a string, not a list",
        id="DeletionPolicy list",
    ),
    pytest.param(
        bucket(UpdateReplacePolicy=True),
        "resource Bucket: UpdateReplacePolicy must be a string, not a boolean",
        id="UpdateReplacePolicy bool",
    ),
    pytest.param(
        bucket(Type=["AWS::S3::Bucket"]),
        "resource Bucket: Type must be a string, not a list",
        id="Type list",
    ),
    pytest.param(
        bucket(Type=7),
        "resource Bucket: Type must be a string, not a number",
        id="Type number",
    ),
    pytest.param(
        {"Resources": {"Bucket": {"Properties": {}}}},
        "resource Bucket has no Type",
        id="Type missing",
    ),
    pytest.param(
        {"Resources": {"Bucket": ["AWS::S3::Bucket"]}},
        "resource Bucket must be a mapping, not a list",
        id="resource list",
    ),
    pytest.param(
        {"Resources": {"Bucket": "AWS::S3::Bucket"}},
        "resource Bucket must be a mapping, not a string",
        id="resource string",
    ),
    pytest.param(
        section("Outputs", [1]),
        "Outputs must be a mapping, not a list",
        id="Outputs list",
    ),
    pytest.param(
        section("Outputs", "x"),
        "Outputs must be a mapping, not a string",
        id="Outputs string",
    ),
    pytest.param(
        section("Parameters", ["Env"]),
        "Parameters must be a mapping, not a list",
        id="Parameters list",
    ),
    pytest.param(
        metadata({"cdk_nag": [1]}),
        "resource Bucket: Metadata.cdk_nag must be a mapping, not a list",
        id="cdk_nag list",
    ),
    pytest.param(
        metadata({"cdk_nag": {"rules_to_suppress": {"id": "S1"}}}),
        "resource Bucket: Metadata.cdk_nag.rules_to_suppress must be a list, not a mapping",
        id="rules_to_suppress mapping",
    ),
    pytest.param(
        metadata({"cfn-lint": "x"}),
        "resource Bucket: Metadata.cfn-lint must be a mapping, not a string",
        id="cfn-lint string",
    ),
    pytest.param(
        metadata({"cfn-lint": {"config": []}}),
        "resource Bucket: Metadata.cfn-lint.config must be a mapping, not a list",
        id="cfn-lint config list",
    ),
    pytest.param(
        metadata({"cfn-lint": {"config": {"ignore_checks": 1}}}),
        "resource Bucket: Metadata.cfn-lint.config.ignore_checks must be a list of strings, "
        "not a number",
        id="ignore_checks number",
    ),
    pytest.param(
        metadata({"tradedr:lint-acknowledgments": 2}),
        "resource Bucket: Metadata.tradedr:lint-acknowledgments must be a list, not a number",
        id="lint acknowledgments number",
    ),
    pytest.param(
        metadata({"cfn-lint": None}),
        "resource Bucket: Metadata.cfn-lint must be a mapping, not null",
        id="cfn-lint null",
    ),
    pytest.param(
        metadata({"cfn-lint": {"config": None}}),
        "resource Bucket: Metadata.cfn-lint.config must be a mapping, not null",
        id="cfn-lint config null",
    ),
    pytest.param(
        metadata({"cfn-lint": {"config": {"ignore_checks": ["W1", []]}}}),
        "resource Bucket: Metadata.cfn-lint.config.ignore_checks[1] must be a string, not a list",
        id="ignore_checks entry list",
    ),
    pytest.param(
        section("Metadata", [1]),
        "Metadata must be a mapping, not a list",
        id="template Metadata list",
    ),
    pytest.param(
        section("Metadata", {"cfn-lint": 5}),
        "Metadata.cfn-lint must be a mapping, not a number",
        id="template cfn-lint number",
    ),
    pytest.param(
        section("Metadata", {"cfn-lint": {"config": {"include_checks": [5]}}}),
        "Metadata.cfn-lint.config.include_checks[0] must be a string, not a number",
        id="template include_checks entry",
    ),
    pytest.param(
        section("Metadata", {"cfn-lint": {"config": {"ignore_checks": "W1"}}}),
        "Metadata.cfn-lint.config.ignore_checks must be a list of strings, not a string",
        id="template ignore_checks string",
    ),
]


@pytest.mark.parametrize(("body", "detail"), STRUCTURE)
def test_bad_structure_is_one_line_naming_file_and_resource(
    tmp_path: Path, body: dict[str, Any], detail: str
) -> None:
    path = write(tmp_path, body)
    assert_bad_input(tmp_path, f"template error: {path}: {detail}")


@pytest.mark.parametrize("logical", ["a\nb", "a\x85b", "a\u2028b", "a\rb"])
def test_names_that_would_break_the_line_are_shown_escaped(tmp_path: Path, logical: str) -> None:
    path = write(tmp_path, {"Resources": {logical: [1]}})
    assert_bad_input(
        tmp_path, f"template error: {path}: resource {logical!r} must be a mapping, not a list"
    )


@pytest.mark.parametrize(
    "body",
    [{"Resources": []}, {"Resources": "AWS::S3::Bucket"}, {"Resources": None}],
    ids=["Resources list", "Resources string", "Resources null"],
)
def test_no_resources_mapping(tmp_path: Path, body: Any) -> None:
    path = write(tmp_path, json.dumps(body))
    assert_bad_input(
        tmp_path, f"template error: {path} is not a CloudFormation template (no Resources mapping)"
    )


@pytest.mark.parametrize(
    "body", [{"Outputs": {}}, [valid()], "just text"], ids=["no Resources", "list", "str"]
)
def test_a_document_that_is_no_template_is_skipped(tmp_path: Path, body: Any) -> None:
    """Alone in the directory, it leaves nothing to check: bad input naming why."""
    path = write(tmp_path, json.dumps(body))
    assert_bad_input(
        tmp_path,
        f"template error: no CloudFormation templates (.json, .yaml, .yml, .template) in "
        f"{tmp_path}: {path} is not a CloudFormation template (no Resources mapping)",
    )
    # Beside a template, it is skipped with a note and the template is checked.
    write(tmp_path, valid(), name="good.json")
    assert [d.path.name for d in load_directory(tmp_path)] == ["good.json"]


def nested(depth: int, *, kind: str = "list") -> str:
    """A template whose deepest point is `depth` collections, the root mapping included."""
    inner = depth - 4  # root, Resources, Bucket, Properties
    opener, closer = ("[", "]") if kind == "list" else ('{"a":', "}")
    value = opener * inner + ("1" if kind == "dict" else "") + closer * inner
    return (
        '{"Resources": {"Bucket": {"Type": "AWS::S3::Bucket", "Properties": {"Tags": '
        + value
        + "}}}}"
    )


def yaml_nested(depth: int) -> str:
    lines = ["Resources:", "  Bucket:", "    Type: AWS::S3::Bucket", "    Properties:"]
    indent = "      "
    for level in range(depth - 4):
        lines.append(f"{indent}k{level}:")
        indent += " "
    lines.append(f"{indent}leaf: 1")
    return "\n".join(lines) + "\n"


def depth_message(path: Path, line: int) -> str:
    return (
        f"template error: {path} is nested more than {MAX_NESTING_DEPTH} levels deep "
        f"at line {line} (tradedr's limit)"
    )


@pytest.mark.parametrize("kind", ["list", "dict"])
def test_nesting_at_the_limit_loads_and_one_more_level_is_refused(
    tmp_path: Path, kind: str
) -> None:
    path = write(tmp_path, nested(MAX_NESTING_DEPTH, kind=kind))
    [doc] = load_directory(tmp_path)
    assert doc.resources["Bucket"]["Type"] == "AWS::S3::Bucket"
    TemplateSet.from_directory(Settings(), tmp_path)
    write(tmp_path, nested(MAX_NESTING_DEPTH + 1, kind=kind))
    assert_bad_input(tmp_path, depth_message(path, 1))


def test_deep_yaml_block_nesting_names_the_line(tmp_path: Path) -> None:
    path = write(tmp_path, yaml_nested(MAX_NESTING_DEPTH), "stack.yaml")
    load_directory(tmp_path)
    write(tmp_path, yaml_nested(MAX_NESTING_DEPTH + 1), "stack.yaml")
    with pytest.raises(TemplateError) as info:
        load_directory(tmp_path)
    # The mapping at depth d starts on line d + 1 (its first key).
    assert info.value.message == depth_message(path, MAX_NESTING_DEPTH + 2)


def alias_chain(anchors: int) -> str:
    """Anchors a0, a1, ... each 20 levels deep around an alias of the one before."""
    values = ["1", *(f"*a{i}" for i in range(anchors - 1))]
    return "".join(f"a{i}: &a{i} {'[' * 20}{v}{']' * 20}\n" for i, v in enumerate(values))


@pytest.mark.parametrize(
    ("text", "line"),
    [
        # YAML block sequences nest two characters a level.
        ("Resources:\n  B:\n    Properties:\n      X:\n        " + "- " * 200 + "1\n", 5),
        # Flow collections hidden from a JSON bracket count by single quotes.
        ("{'a': '" + "]" * 300 + "', Resources: " + "[" * 300 + "]" * 300 + "}\n", 1),
        # A chain of anchors, each 20 levels over the last: a4 reaches 1 + 20 * 5 = 101.
        ("Resources: {}\n" + alias_chain(8), 6),
    ],
    ids=["block sequences", "single-quoted brackets", "alias chain"],
)
def test_yaml_nesting_is_measured_as_the_yaml_parser_reads_it(
    tmp_path: Path, text: str, line: int
) -> None:
    path = write(tmp_path, text, "stack.yaml")
    with pytest.raises(TemplateError) as info:
        load_directory(tmp_path)
    assert info.value.message == depth_message(path, line)


def test_yaml_aliases_within_the_limit_still_load(tmp_path: Path) -> None:
    write(
        tmp_path,
        "Tags: &tags [{Key: a, Value: b}]\n"
        "Resources:\n  Bucket:\n    Type: AWS::S3::Bucket\n"
        "    Properties: {Tags: *tags}\n",
        "stack.yaml",
    )
    [doc] = load_directory(tmp_path)
    assert doc.resources["Bucket"]["Properties"]["Tags"] == [{"Key": "a", "Value": "b"}]


def test_json_strings_do_not_count_as_nesting(tmp_path: Path) -> None:
    body = bucket(Properties={"BucketName": "[" * 500 + '\\"{' * 500})
    write(tmp_path, body)
    [doc] = load_directory(tmp_path)
    assert doc.resources["Bucket"]["Properties"]["BucketName"].startswith("[[[")
    TemplateSet.from_directory(Settings(), tmp_path)


def test_oversized_file_is_refused_unread(tmp_path: Path) -> None:
    path = tmp_path / NAME
    size = 6 * 1024 * 1024
    with path.open("wb") as handle:  # sparse: nothing to read, and tradedr must not try
        handle.truncate(size)
    started = time.monotonic()
    assert_bad_input(
        tmp_path,
        f"template error: {path} is {size:,} bytes; tradedr reads files up to 5 MB "
        f"({MAX_TEMPLATE_BYTES:,} bytes; CloudFormation's own limit is 1 MB)",
    )
    assert time.monotonic() - started < 15


def test_file_just_under_the_cap_is_read(tmp_path: Path) -> None:
    body = bucket(Properties={"BucketName": "x" * (MAX_TEMPLATE_BYTES - 400)})
    path = write(tmp_path, body)
    assert path.stat().st_size <= MAX_TEMPLATE_BYTES
    assert len(TemplateSet.from_directory(Settings(), tmp_path).stacks) == 1


def test_a_file_growing_past_the_cap_after_stat_is_refused(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The read itself is bounded: stat may be stale, and devices report size 0."""
    path = tmp_path / NAME
    with path.open("wb") as handle:
        handle.truncate(MAX_TEMPLATE_BYTES + 1)
    real_stat = Path.stat

    class Small:
        st_size = 10

    def stale_stat(self: Path, **kwargs: Any) -> Any:
        return Small() if self == path else real_stat(self, **kwargs)

    monkeypatch.setattr(Path, "stat", stale_stat)
    with pytest.raises(TemplateError) as info:
        templates.read_text(path)
    assert info.value.message == (
        f"template error: {path} is larger than 5 MB; tradedr reads files up to 5 MB "
        f"({MAX_TEMPLATE_BYTES:,} bytes; CloudFormation's own limit is 1 MB)"
    )


def test_unreadable_bytes_are_one_line(tmp_path: Path) -> None:
    path = tmp_path / NAME
    path.write_bytes(b'{"Resources": "\xff"}')
    with pytest.raises(TemplateError) as info:
        load_directory(tmp_path)
    assert info.value.message.startswith(f"template error: cannot read {path}: ")
    assert "\n" not in info.value.message


# --- the cloud assembly's manifest ---------------------------------------------------


def artifact(**fields: Any) -> dict[str, Any]:
    found: dict[str, Any] = {
        "type": "aws:cloudformation:stack",
        "environment": "aws://123456789012/us-east-1",
        "properties": {"templateFile": NAME, "stackName": "stack"},
    }
    found.update(fields)
    return found


MANIFESTS = [
    pytest.param(
        "{",
        "is not valid JSON: Expecting property name enclosed in double quotes: "
        "line 1 column 2 (char 1)",
        id="not JSON",
    ),
    pytest.param(
        [1],
        "(cloud-assembly manifest): the document must be a mapping, not a list",
        id="list",
    ),
    pytest.param(
        {"artifacts": None},
        "(cloud-assembly manifest): artifacts must be a mapping, not null",
        id="artifacts null",
    ),
    pytest.param(
        {"artifacts": [1, 2]},
        "(cloud-assembly manifest): artifacts must be a mapping, not a list",
        id="artifacts list",
    ),
    pytest.param(
        {"artifacts": {"stack": "x"}},
        "(cloud-assembly manifest): artifact stack must be a mapping, not a string",
        id="artifact string",
    ),
    pytest.param(
        {"artifacts": {"stack": artifact(environment=["aws://1/us-east-1"])}},
        "(cloud-assembly manifest): artifact stack: environment must be a string, not a list",
        id="environment list",
    ),
    pytest.param(
        {"artifacts": {"stack": artifact(properties=[NAME])}},
        "(cloud-assembly manifest): artifact stack: properties must be a mapping, not a list",
        id="properties list",
    ),
    pytest.param(
        {"artifacts": {"stack": artifact(properties={"templateFile": 1})}},
        "(cloud-assembly manifest): artifact stack: properties.templateFile must be a string, "
        "not a number",
        id="templateFile number",
    ),
    pytest.param(
        {"artifacts": {"stack": artifact(properties={"templateFile": NAME, "stackName": {}})}},
        "(cloud-assembly manifest): artifact stack: properties.stackName must be a string, "
        "not a mapping",
        id="stackName mapping",
    ),
]


@pytest.mark.parametrize(("manifest", "detail"), MANIFESTS)
def test_malformed_manifest_is_one_line(tmp_path: Path, manifest: Any, detail: str) -> None:
    write(tmp_path, valid())
    path = write(tmp_path, manifest, "manifest.json")
    assert_bad_input(tmp_path, f"template error: {path} {detail}")


def test_deep_manifest_is_refused_before_parsing(tmp_path: Path) -> None:
    write(tmp_path, valid())
    path = write(tmp_path, '{"artifacts": ' + "[" * 100_000, "manifest.json")
    assert_bad_input(tmp_path, depth_message(path, 1))


def test_manifest_artifacts_other_than_stacks_are_not_judged(tmp_path: Path) -> None:
    write(tmp_path, valid())
    tree = {"type": "cdk:tree", "properties": ["anything"], "environment": 1}
    write(
        tmp_path,
        {"version": "36.0.0", "artifacts": {"stack": artifact(), "Tree": tree}},
        "manifest.json",
    )
    [doc] = load_directory(tmp_path)
    assert (doc.stack, doc.region) == ("stack", "us-east-1")
    [stack] = TemplateSet.from_directory(Settings(), tmp_path).stacks
    assert stack.region == "us-east-1"


# --- regions -------------------------------------------------------------------------


@pytest.mark.parametrize("regions", ["mars-1", "us-east-1,mars-1", "US-EAST-1"])
def test_unknown_lint_region_is_a_usage_error(tmp_path: Path, regions: str) -> None:
    write(tmp_path, valid())
    bad = next(r for r in regions.split(",") if r != "us-east-1")
    message = f"--regions {bad}: not an AWS region cfn-lint knows (e.g. us-east-1, eu-west-1)"
    with pytest.raises(ConfigError) as info:
        validate_regions(regions.split(","))
    assert info.value.message == message
    args = ["check", "--format", "json", "--templates", str(tmp_path), "--regions", regions]
    result = runner.invoke(app, args)
    assert result.exit_code == 2, result.output
    assert result.stderr.splitlines() == [f"error: {message}"]
    result = runner.invoke(app, [*args, "--list-acknowledged"])
    assert result.exit_code == 2, result.output
    assert result.stderr.splitlines() == [f"error: {message}"]


def test_manifest_region_cfn_lint_does_not_know_is_bad_input(tmp_path: Path) -> None:
    write(tmp_path, valid())
    env = "aws://123456789012/mars-1"
    path = write(tmp_path, {"artifacts": {"stack": artifact(environment=env)}}, "manifest.json")
    message = (
        f"template error: {path}: stack stack deploys to 'mars-1', not an AWS region cfn-lint knows"
    )
    with pytest.raises(TemplateError) as info:
        load_directory(tmp_path)
    assert info.value.message == message
    result = runner.invoke(app, ["check", "--format", "json", "--templates", str(tmp_path)])
    assert result.exit_code == 2
    assert result.stderr.splitlines() == [f"error: {message}"]


def test_environment_agnostic_stacks_take_the_default_region(tmp_path: Path) -> None:
    write(tmp_path, valid())
    env = "aws://unknown-account/unknown-region"
    write(tmp_path, {"artifacts": {"stack": artifact(environment=env)}}, "manifest.json")
    assert [d.region for d in load_directory(tmp_path)] == [None]
    assert [d.region for d in load_directory(tmp_path, regions=["eu-west-1"])] == ["eu-west-1"]


def test_lint_acknowledgment_key_matches_the_one_stacks_write() -> None:
    from tradedr.infra.components.compliance import LINT_ACK_METADATA_KEY
    from tradedr.templates.reading import LINT_ACK_METADATA_KEY as READ

    assert READ == LINT_ACK_METADATA_KEY


def test_valid_template_still_checks(tmp_path: Path) -> None:
    write(tmp_path, valid())
    result = runner.invoke(
        app, ["check", "--format", "json", "--packs", "", "--templates", str(tmp_path)]
    )
    assert result.exit_code in (0, 1), result.output
    assert json.loads(result.stdout)["summary"]
