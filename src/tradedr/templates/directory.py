"""Reading one template file, or every template in a directory, into `Template`s.

Files are decoded with cfn-lint's decoder (JSON or YAML, short-form intrinsics, anchors,
dates read as text as CloudFormation does), bounded by `reading`, and expanded by
`transforms`. A file that parses but is not a template (a buildspec, a linter's config: a
document with no `Resources`) is skipped with a note, as cfn-lint skips what is not a
template; a template that is broken is bad input. Stacks come back in dependency order:
nested templates before the stack that nests them, exporters before importers, otherwise
the cloud assembly's (deployment) order, else name order.
"""

from __future__ import annotations

import datetime
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from tradedr.errors import TemplateError
from tradedr.templates.model import Template
from tradedr.templates.reading import (
    AGNOSTIC_REGION,
    ASSEMBLY_FILES,
    ASSEMBLY_SUFFIXES,
    TEMPLATE_SUFFIXES,
    check_depth,
    manifest_regions,
    read_text,
    shown,
    validate_regions,
    validate_structure,
)
from tradedr.templates.transforms import expand

DEFAULT_REGION = "us-east-1"
_TEMPLATE_KEYS = ("Resources", "AWSTemplateFormatVersion", "Transform")


@dataclass(frozen=True)
class Skipped:
    """A file in the directory that is not a template, and why it was left out."""

    path: Path
    reason: str

    @property
    def note(self) -> str:
        return f"{shown(self.path.name)} skipped: {self.reason}"


@dataclass
class TemplateDirectory:
    templates: list[Template]
    skipped: list[Skipped] = field(default_factory=list)

    @property
    def notes(self) -> list[str]:
        return [s.note for s in self.skipped] + [
            f"{shown(t.path.name)}: {note}" for t in self.templates for note in t.notes
        ]

    @property
    def resource_count(self) -> int:
        return sum(len(t.resources) for t in self.templates)


class NotATemplateError(Exception):
    """Raised by `read_template` for a document that is no CloudFormation template."""


def stack_name(file_name: str) -> str:
    for suffix in (
        ".template.json",
        ".template.yaml",
        ".template.yml",
        ".cfn.yaml",
        ".cfn.yml",
        ".cfn.json",
        *TEMPLATE_SUFFIXES,
    ):
        if file_name.endswith(suffix):
            return file_name[: -len(suffix)]
    return file_name


def decode(path: Path) -> tuple[str, dict[str, Any]]:
    """Read and parse one template, or raise TemplateError with a one-line reason
    (NotATemplateError when the document parses but has none of a template's top-level keys)."""
    from cfnlint.decode.decode import decode_str

    text = read_text(path)
    check_depth(path, text, yaml_too=True)
    body, errors = decode_str(text)
    if errors:
        detail = str(errors[0].message).splitlines()[0]
        line = getattr(errors[0], "linenumber", None)
        where = f" (line {line})" if line else ""
        raise TemplateError(f"{shown(path)} is not valid JSON or YAML{where}: {detail}")
    if not isinstance(body, dict) or not any(k in body for k in _TEMPLATE_KEYS):
        raise NotATemplateError("not a CloudFormation template (no Resources mapping)")
    _dates_as_text(body)
    validate_structure(path, body)
    if not body["Resources"]:
        raise TemplateError(f"{shown(path)} declares no resources")
    return text, body


def _dates_as_text(body: Any) -> None:
    """YAML reads `2012-10-17` (unquoted) as a date; CloudFormation reads it as the string
    "2012-10-17". In place, without recursion; the keys (and their line marks) stay."""
    pending = [body]
    while pending:
        item = pending.pop()
        pairs = item.items() if isinstance(item, dict) else enumerate(item)
        for key, value in list(pairs):
            if isinstance(value, datetime.date):
                item[key] = value.isoformat()
            elif isinstance(value, dict | list):
                pending.append(value)


def _lines(body: dict[str, Any]) -> dict[str, int]:
    """Declaration line (1-based) of every resource, parameter and output, from the marks
    cfn-lint's decoder leaves on each key."""
    found: dict[str, int] = {}
    for section in ("Outputs", "Parameters", "Resources"):  # resources win a shared id
        for key in body.get(section) or {}:
            mark = getattr(key, "start_mark", None)
            if mark is not None:
                found[str(key)] = int(mark.line) + 1
    return found


def read_template(path: Path, *, stack: str | None = None, region: str | None = None) -> Template:
    """One template file, transforms applied (NotATemplateError for other documents)."""
    text, body = decode(path)
    lines = _lines(body)
    expanded = expand(body, region=region or DEFAULT_REGION, filename=str(path))
    if expanded.body is not body:
        validate_structure(path, expanded.body)
    return Template(
        stack=stack or stack_name(path.name),
        region=region,
        path=path,
        text=text,
        body=expanded.body,
        lines=lines,
        origins=expanded.origins,
        transforms=tuple(expanded.applied),
        notes=tuple(expanded.notes),
        source=body,
    )


def read_directory(
    directory: Path, *, regions: Sequence[str] | None = None, default_region: str | None = None
) -> TemplateDirectory:
    """Every template in `directory` (not recursive), in dependency order.

    The region of a stack is the cloud assembly's when DIR is one, else `default_region`
    (`--regions`' first), else none (the caller decides: a topology, or cfn-lint's default).
    """
    if not directory.exists():
        raise TemplateError(f"templates directory {shown(directory)} does not exist")
    if not directory.is_dir():
        raise TemplateError(f"{shown(directory)} is not a directory")
    if regions:
        validate_regions(regions)
    known = manifest_regions(directory)
    fallback = default_region or (regions[0] if regions else None)
    templates: list[Template] = []
    skipped: list[Skipped] = []
    for path in sorted(directory.iterdir()):
        name = path.name
        if not path.is_file() or name in ASSEMBLY_FILES or name.endswith(ASSEMBLY_SUFFIXES):
            continue
        if not name.endswith(TEMPLATE_SUFFIXES):
            continue
        stack, region = known.get(name, (stack_name(name), ""))
        if region == AGNOSTIC_REGION:
            region = ""
        try:
            templates.append(read_template(path, stack=stack, region=region or fallback))
        except NotATemplateError as exc:
            skipped.append(Skipped(path, str(exc)))
    if not templates:
        why = "; ".join(f"{shown(s.path)} is {s.reason}" for s in skipped[:3])
        raise TemplateError(
            f"no CloudFormation templates ({', '.join(TEMPLATE_SUFFIXES)}) in {shown(directory)}"
            + (f": {why}" if why else "")
        )
    order = list(known)  # the assembly's template files, in manifest order
    return TemplateDirectory(dependency_order(templates, order), skipped)


def dependency_order(templates: list[Template], preferred: Sequence[str] = ()) -> list[Template]:
    """Nested templates before their parent, exporters before importers; ties keep
    `preferred` (file names in deployment order), then name order. Nested templates
    without a region of their own deploy where their parent does."""
    by_file = {t.path.name: t for t in templates}
    exporters = {name: t.path.name for t in templates for name in t.exports}
    after: dict[str, set[str]] = {t.path.name: set() for t in templates}
    parents: dict[str, str] = {}
    for t in templates:
        for child in t.nested.values():
            if child in by_file and child != t.path.name:
                after[t.path.name].add(child)
                parents.setdefault(child, t.path.name)
        for name in t.imports:
            source = exporters.get(name)
            if source and source != t.path.name:
                after[t.path.name].add(source)
    rank = {name: i for i, name in enumerate(preferred)}
    pending = sorted(after, key=lambda n: (rank.get(n, len(rank)), n))
    done: list[str] = []
    while pending:
        ready = next((n for n in pending if after[n] <= set(done)), pending[0])  # cycles: as is
        pending.remove(ready)
        done.append(ready)
    ordered = []
    for name in done:
        template = by_file[name]
        parent = parents.get(name)
        if template.region is None and parent and by_file[parent].region:
            from dataclasses import replace

            template = replace(template, region=by_file[parent].region)
        ordered.append(template)
    return ordered
