"""Reading template files, bounded: whatever tradedr reads from disk goes through here.

`read_text`, `check_depth` and `validate_structure` make a hostile or broken file one
`TemplateError` naming it, never a traceback, a crash or minutes of parsing: files above
`MAX_TEMPLATE_BYTES` are refused unread, nesting deeper than `MAX_NESTING_DEPTH` is found by
a scan that does not recurse (the parsers after it do), and the sections and resource
attributes the rules and models read are of the types they expect. The cloud-assembly
manifest (regions, deployment order) is read here too.
"""

from __future__ import annotations

import json
import re
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from tradedr.errors import ConfigError, TemplateError
from tradedr.templates.markers import LINT_ACK_METADATA_KEY

TEMPLATE_SUFFIXES = (".json", ".yaml", ".yml", ".template")
# Files a CDK cloud assembly holds beside its templates.
ASSEMBLY_FILES = ("manifest.json", "tree.json", "cdk.out", "validation-report.json")
ASSEMBLY_SUFFIXES = (".metadata.json", ".assets.json")

# CloudFormation itself takes at most 1 MB from S3 (51,200 bytes inline); five times that
# leaves room for what cfn-lint and cdk-nag read before packaging, and bounds the time
# and memory one file can cost (a 46 MB template took minutes and gigabytes).
MAX_TEMPLATE_BYTES = 5 * 1024 * 1024
MAX_TEMPLATE_LABEL = "5 MB"
# Synthesized templates nest about 15 levels; the parsers and rules recurse per level.
MAX_NESTING_DEPTH = 100
# CDK's environment-agnostic stacks deploy to "aws://unknown-account/unknown-region".
AGNOSTIC_REGION = "unknown-region"
_STACK_ARTIFACT = "aws:cloudformation:stack"


def shown(value: object) -> str:
    """A name from a file or the command line as one printable line (else its repr)."""
    text = str(value)
    return text if text.isprintable() else repr(text)


# --- reading, bounded ----------------------------------------------------------------


def read_text(path: Path) -> str:
    """The file's text, refused unread above MAX_TEMPLATE_BYTES."""
    try:
        size = path.stat().st_size
        if size > MAX_TEMPLATE_BYTES:
            raise _too_large(path, size)
        with path.open("rb") as handle:  # bounded: the file may grow, or be a device
            data = handle.read(MAX_TEMPLATE_BYTES + 1)
    except OSError as exc:
        raise TemplateError(f"cannot read {shown(path)}: {exc}") from None
    if len(data) > MAX_TEMPLATE_BYTES:
        raise _too_large(path, None)
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise TemplateError(f"cannot read {shown(path)}: {exc}") from None


def _too_large(path: Path, size: int | None) -> TemplateError:
    size_text = f"{size:,} bytes" if size else f"larger than {MAX_TEMPLATE_LABEL}"
    return TemplateError(
        f"{shown(path)} is {size_text}; "
        f"tradedr reads files up to {MAX_TEMPLATE_LABEL} "
        f"({MAX_TEMPLATE_BYTES:,} bytes; CloudFormation's own limit is 1 MB)"
    )


# --- nesting depth, without recursion ------------------------------------------------

# A JSON string, or an unterminated one (to the end of the text: the decoder stops there).
_JSON_STRING = re.compile(r'"[^"\\]*(?:\\.[^"\\]*)*(?:"|\\?\Z)', re.DOTALL)
_JSON_BRACKET = re.compile(r"[\[\]{}]")


def _json_too_deep(text: str, limit: int) -> int | None:
    """Offset where JSON nesting first exceeds `limit`, counting brackets outside strings.

    Exact for whatever a JSON decoder reads before it stops: strings are blanked (same
    length, so offsets hold), then the brackets are counted left to right.
    """
    blanked = _JSON_STRING.sub(lambda m: " " * len(m.group()), text)
    depth = 0
    for match in _JSON_BRACKET.finditer(blanked):
        if match.group() in "[{":
            depth += 1
            if depth > limit:
                return match.start()
        else:
            depth -= 1
    return None


def _yaml_too_deep(text: str, limit: int) -> tuple[int | None, bool]:
    """(line where YAML nesting first exceeds `limit`, whether the YAML parser failed).

    Reads the parser's event stream (its scanner and parser are state machines with
    explicit stacks; only composing a document recurses). An alias stands for its anchor's
    whole subtree, so it counts that subtree's height where it is used.
    """
    import yaml

    loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
    heights: dict[str, int] = {}  # anchor -> height of the node it names
    open_: list[tuple[str | None, int]] = []  # (anchor, height so far) per open collection
    try:
        for event in yaml.parse(text, Loader=loader):
            if isinstance(event, yaml.CollectionStartEvent):
                open_.append((event.anchor, 1))
                if len(open_) > limit:
                    return _line(event), False
                continue
            if isinstance(event, yaml.CollectionEndEvent):
                anchor, height = open_.pop()
            elif isinstance(event, yaml.AliasEvent):
                anchor, height = None, heights.get(event.anchor or "", 0)
                if len(open_) + height > limit:
                    return _line(event), False
            elif isinstance(event, yaml.ScalarEvent):
                anchor, height = event.anchor, 0
            else:
                continue
            if anchor is not None:
                heights[anchor] = height
            if open_:
                parent_anchor, parent_height = open_[-1]
                open_[-1] = (parent_anchor, max(parent_height, height + 1))
    except yaml.YAMLError:
        return None, True
    return None, False


def _line(event: Any) -> int:
    mark = event.start_mark
    return int(mark.line) + 1 if mark is not None else 1


def check_depth(path: Path, text: str, *, yaml_too: bool) -> None:
    """Refuse text nested deeper than MAX_NESTING_DEPTH before any parser recurses into it.

    `yaml_too`: the text goes to cfn-lint's decoder, which reads it as YAML first and
    falls back to JSON; otherwise it goes to `json.loads` alone.
    """
    line: int | None = None
    yaml_failed = True
    if yaml_too:
        line, yaml_failed = _yaml_too_deep(text, MAX_NESTING_DEPTH)
    if line is None and yaml_failed and text.lstrip()[:1] in ("{", "["):
        offset = _json_too_deep(text, MAX_NESTING_DEPTH)
        if offset is not None:
            line = text.count("\n", 0, offset) + 1
    if line is not None:
        raise TemplateError(
            f"{shown(path)} is nested more than {MAX_NESTING_DEPTH} levels deep "
            f"at line {line} (tradedr's limit)"
        )


# --- structure ------------------------------------------------------------------------

# Sections the rules read as mappings of name -> declaration.
_MAPPING_SECTIONS = ("Metadata", "Parameters", "Outputs")
_MAPPING_ATTRIBUTES = ("Properties", "Metadata")
_STRING_ATTRIBUTES = ("DeletionPolicy", "UpdateReplacePolicy")
_STRINGS = "list of strings"
# Metadata that tradedr (acknowledgments) and cfn-lint (its directives) read, in both the
# template's and each resource's Metadata: key path -> type. Parents come first.
_METADATA_SHAPE: tuple[tuple[tuple[str, ...], type | str], ...] = (
    (("cdk_nag",), dict),
    (("cdk_nag", "rules_to_suppress"), list),
    (("cfn-lint",), dict),
    (("cfn-lint", "config"), dict),
    (("cfn-lint", "config", "ignore_checks"), _STRINGS),
    (("cfn-lint", "config", "include_checks"), _STRINGS),
    ((LINT_ACK_METADATA_KEY,), list),
)
_NAMES = {dict: "a mapping", list: "a list", str: "a string", _STRINGS: "a list of strings"}


def _kind(value: Any) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "a boolean"
    if isinstance(value, dict):
        return "a mapping"
    if isinstance(value, list):
        return "a list"
    if isinstance(value, str):
        return "a string"
    if isinstance(value, int | float):
        return "a number"
    return type(value).__name__


def _expect(value: Any, type_: type | str, where: str, what: str) -> None:
    """`what` (e.g. "Properties") must be of `type_`, or a TemplateError says it isn't."""
    if type_ == _STRINGS and isinstance(value, list):
        for index, entry in enumerate(value):
            _expect(entry, str, where, f"{what}[{index}]")
        return
    if not isinstance(type_, type) or not isinstance(value, type_):
        raise TemplateError(f"{where}: {what} must be {_NAMES[type_]}, not {_kind(value)}")


def validate_structure(path: Path, body: Any) -> dict[str, Any]:
    """The template, once its sections and resource attributes have the types read later.

    Resources: a mapping of logical id -> mapping with a string Type; Properties and
    Metadata mappings; DeletionPolicy and UpdateReplacePolicy strings. Metadata,
    Parameters and Outputs mappings; in Metadata, the entries tradedr and cfn-lint read.
    A key that is present must hold its type (CloudFormation takes no nulls either).
    Everything else, such as the values of Properties, is cfn-lint's to judge.
    """
    if not isinstance(body, dict) or not isinstance(body.get("Resources"), dict):
        raise TemplateError(
            f"{shown(path)} is not a CloudFormation template (no Resources mapping)"
        )
    for section in _MAPPING_SECTIONS:
        if section in body:
            _expect(body[section], dict, shown(path), section)
    _validate_metadata(body.get("Metadata") or {}, shown(path))
    for logical, resource in body["Resources"].items():
        if isinstance(logical, str) and logical.startswith("Fn::ForEach::"):
            continue  # a loop, checked once the language extensions have expanded it
        where = f"{shown(path)}: resource {shown(logical)}"
        _expect(resource, dict, shown(path), f"resource {shown(logical)}")
        if "Type" not in resource:
            raise TemplateError(f"{where} has no Type")
        _expect(resource["Type"], str, where, "Type")
        for attribute in _MAPPING_ATTRIBUTES:
            if attribute in resource:
                _expect(resource[attribute], dict, where, attribute)
        for attribute in _STRING_ATTRIBUTES:
            if attribute in resource:
                _expect(resource[attribute], str, where, attribute)
        _validate_metadata(resource.get("Metadata") or {}, where)
    return body


def _validate_metadata(metadata: dict[str, Any], where: str) -> None:
    for keys, type_ in _METADATA_SHAPE:
        parent: Any = metadata
        for key in keys[:-1]:
            parent = parent.get(key) or {}
        if keys[-1] in parent:
            _expect(parent[keys[-1]], type_, where, "Metadata." + ".".join(keys))


def load_json(path: Path) -> Any:
    """A JSON file (a template for `rto`/`cost`, a cloud-assembly manifest), bounded."""
    text = read_text(path)
    check_depth(path, text, yaml_too=False)
    try:
        return json.loads(text)
    except ValueError as exc:
        raise TemplateError(f"{shown(path)} is not valid JSON: {exc}") from None


# --- the cloud assembly's manifest ---------------------------------------------------


def manifest_stacks(directory: Path) -> dict[str, dict[str, Any]]:
    """artifact id -> artifact for each stack in DIR/manifest.json ({} without one).

    A manifest that is there but malformed is a TemplateError: the regions and the
    deployment order come from it.
    """
    manifest = directory / "manifest.json"
    if not manifest.is_file():
        return {}
    data = load_json(manifest)
    where = f"{shown(manifest)} (cloud-assembly manifest)"
    _expect(data, dict, where, "the document")
    if "artifacts" not in data:
        return {}
    _expect(data["artifacts"], dict, where, "artifacts")
    found: dict[str, dict[str, Any]] = {}
    for artifact_id, artifact in data["artifacts"].items():
        _expect(artifact, dict, where, f"artifact {shown(artifact_id)}")
        if artifact.get("type") != _STACK_ARTIFACT:
            continue
        at = f"{where}: artifact {shown(artifact_id)}"
        if "environment" in artifact:
            _expect(artifact["environment"], str, at, "environment")
        if "properties" in artifact:
            _expect(artifact["properties"], dict, at, "properties")
            for key in ("templateFile", "stackName"):
                if key in artifact["properties"]:
                    _expect(artifact["properties"][key], str, at, f"properties.{key}")
        found[artifact_id] = artifact
    return found


def artifact_region(artifact: dict[str, Any]) -> str:
    """The region of a stack artifact's `aws://account/region` environment ("" if none)."""
    return str(artifact.get("environment", "")).rsplit("/", 1)[-1]


def manifest_regions(directory: Path) -> dict[str, tuple[str, str]]:
    """template file name -> (stack name, region), when DIR is a CDK cloud assembly."""
    found: dict[str, tuple[str, str]] = {}
    for artifact_id, artifact in manifest_stacks(directory).items():
        props = artifact.get("properties") or {}
        region = artifact_region(artifact)
        if region == AGNOSTIC_REGION:
            region = ""
        if region:
            where = f"{shown(directory / 'manifest.json')}: stack {shown(artifact_id)}"
            _known_region(region, where)
        if "templateFile" in props:
            found[props["templateFile"]] = (props.get("stackName", artifact_id), region)
    return found


def _known_region(region: str, where: str) -> None:
    from cfnlint.helpers import REGIONS

    if region not in REGIONS:
        raise TemplateError(f"{where} deploys to {region!r}, not an AWS region cfn-lint knows")


def validate_regions(regions: Sequence[str]) -> None:
    """`--regions` for cfn-lint: each must be a region cfn-lint has a schema for."""
    from cfnlint.helpers import REGIONS

    for region in regions:
        if region not in REGIONS:
            raise ConfigError(
                f"--regions {shown(region)}: not an AWS region cfn-lint knows "
                "(e.g. us-east-1, eu-west-1)"
            )
