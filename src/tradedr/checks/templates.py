"""The templates a check runs over: synthesized by tradedr, or read from a directory.

Directory templates may be JSON or YAML with short-form intrinsics (`!Ref`, `!Sub`,
`!GetAtt` ...); cfn-lint's decoder reads both and is what cfn-lint itself uses, so the
gates see the same document.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from tradedr.errors import TemplateError

TEMPLATE_SUFFIXES = (".json", ".yaml", ".yml", ".template")
# Files a CDK cloud assembly holds beside its templates.
_ASSEMBLY_FILES = ("manifest.json", "tree.json", "cdk.out", "validation-report.json")
_ASSEMBLY_SUFFIXES = (".metadata.json", ".assets.json")


@dataclass(frozen=True)
class TemplateDoc:
    """One CloudFormation template, the stack it belongs to and where it deploys."""

    stack: str
    region: str | None
    path: Path
    text: str
    body: dict[str, Any]

    @property
    def resources(self) -> dict[str, dict[str, Any]]:
        resources = self.body.get("Resources") or {}
        return {k: v for k, v in resources.items() if isinstance(v, dict)}


def decode(path: Path) -> tuple[str, dict[str, Any]]:
    """Read and parse one template, or raise TemplateError with a one-line reason."""
    from cfnlint.decode.decode import decode_str

    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise TemplateError(f"template error: cannot read {path}: {exc}") from None
    body, errors = decode_str(text)
    if errors:
        detail = str(errors[0].message).splitlines()[0]
        line = getattr(errors[0], "linenumber", None)
        where = f" (line {line})" if line else ""
        raise TemplateError(f"template error: {path} is not valid JSON or YAML{where}: {detail}")
    if not isinstance(body, dict) or not isinstance(body.get("Resources"), dict):
        raise TemplateError(
            f"template error: {path} is not a CloudFormation template (no Resources mapping)"
        )
    if not body["Resources"]:
        raise TemplateError(f"template error: {path} declares no resources")
    return text, body


def _manifest_regions(directory: Path) -> dict[str, tuple[str, str]]:
    """template file name -> (stack name, region), when DIR is a CDK cloud assembly."""
    manifest = directory / "manifest.json"
    if not manifest.is_file():
        return {}
    try:
        data = json.loads(manifest.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    found: dict[str, tuple[str, str]] = {}
    for artifact_id, artifact in (data.get("artifacts") or {}).items():
        if artifact.get("type") != "aws:cloudformation:stack":
            continue
        props = artifact.get("properties") or {}
        region = str(artifact.get("environment", "")).rsplit("/", 1)[-1]
        if "templateFile" in props:
            found[props["templateFile"]] = (props.get("stackName", artifact_id), region)
    return found


def load_directory(directory: Path, *, regions: Sequence[str] | None = None) -> list[TemplateDoc]:
    """Every template in `directory` (not recursive), in name order."""
    if not directory.is_dir():
        raise TemplateError(f"template error: {directory} is not a directory")
    known = _manifest_regions(directory)
    default_region = regions[0] if regions else None
    docs = []
    for path in sorted(directory.iterdir()):
        name = path.name
        if not path.is_file() or name in _ASSEMBLY_FILES or name.endswith(_ASSEMBLY_SUFFIXES):
            continue
        if not name.endswith(TEMPLATE_SUFFIXES):
            continue
        text, body = decode(path)
        stack, region = known.get(name, (_stack_name(name), default_region or ""))
        docs.append(TemplateDoc(stack, region or default_region, path, text, body))
    if not docs:
        raise TemplateError(
            f"template error: no CloudFormation templates ({', '.join(TEMPLATE_SUFFIXES)}) "
            f"in {directory}"
        )
    return docs


def _stack_name(file_name: str) -> str:
    for suffix in (".template.json", ".template.yaml", ".template.yml", *TEMPLATE_SUFFIXES):
        if file_name.endswith(suffix):
            return file_name[: -len(suffix)]
    return file_name
