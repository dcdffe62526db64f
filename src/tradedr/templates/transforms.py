"""Template transforms, applied the way CloudFormation (and cfn-lint) applies them.

`AWS::LanguageExtensions` (`Fn::ForEach`, `Fn::Length`, `Fn::ToJsonString`, intrinsic
`DeletionPolicy`...) goes through cfn-lint's own implementation
(`cfnlint.template.transforms`), so the resources tradedr sees are the ones cfn-lint lints.

`AWS::Serverless-2016-10-31` (SAM) goes through `samtranslator`, AWS's own translator, the
way cfn-lint 0.x ran it (`cfnlint/template/transforms/_sam.py`, MIT-0) and `sam validate`
does: local code paths become a placeholder S3 URI first, because the translator accepts
only S3 locations, and the region comes from AWS_DEFAULT_REGION. cfn-lint 1.x stopped
translating (it validates SAM resources against SAM schemas instead), so a
`AWS::Serverless::SimpleTable` would otherwise never reach the data-store rules.

A transform that fails leaves the template as written and says why in a note; the
template is still read, only its macro resources are not expanded.
"""

from __future__ import annotations

import contextlib
import copy
import logging
import os
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

LANGUAGE_EXTENSIONS = "AWS::LanguageExtensions"
SAM = "AWS::Serverless-2016-10-31"
_PLACEHOLDER_S3 = "s3://bucket/value"
# SAM property -> the resource types whose local path must look like S3 to the translator.
_CODE_LOCATIONS = {
    "AWS::Serverless::Function": ("CodeUri", "ImageUri"),
    "AWS::Serverless::LayerVersion": ("ContentUri",),
    "AWS::Serverless::StateMachine": ("DefinitionUri",),
    "AWS::Serverless::Api": ("DefinitionUri",),
    "AWS::Serverless::HttpApi": ("DefinitionUri",),
    "AWS::Serverless::Application": ("Location",),
}


@dataclass
class Expanded:
    """A template after its transforms: the body, and where each new resource came from."""

    body: dict[str, Any]
    applied: list[str] = field(default_factory=list)
    # logical id of an expanded resource -> the logical id (or ForEach key) it came from
    origins: dict[str, str] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)


def transforms_of(body: dict[str, Any]) -> list[str]:
    declared = body.get("Transform") or []
    names = declared if isinstance(declared, list) else [declared]
    return [n for n in names if isinstance(n, str)]


def expand(body: dict[str, Any], *, region: str, filename: str) -> Expanded:
    """`body` (as cfn-lint decoded it, marks kept) with every transform it declares applied."""
    result = Expanded(body)
    declared = transforms_of(body)
    if LANGUAGE_EXTENSIONS in declared:
        _language_extensions(result, region=region, filename=filename)
    if SAM in declared:
        _sam(result, region=region)
    for name in declared:
        if name not in (LANGUAGE_EXTENSIONS, SAM):
            result.notes.append(
                f"transform {name} is a macro tradedr cannot run offline; "
                "its resources are read as written"
            )
    return result


def _language_extensions(result: Expanded, *, region: str, filename: str) -> None:
    from cfnlint.template import Template
    from cfnlint.template.transforms._language_extensions import language_extension

    before = dict(result.body.get("Resources") or {})
    cfn = Template(filename, copy.deepcopy(result.body), [region])
    try:
        matches, template = language_extension(cfn)
    except Exception as exc:  # cfn-lint's transform raises on shapes it does not expect
        result.notes.append(f"{LANGUAGE_EXTENSIONS} not applied: {_first_line(exc)}")
        return
    if matches or not isinstance(template, dict):
        reason = _first_line(matches[0].message) if matches else "no template returned"
        result.notes.append(f"{LANGUAGE_EXTENSIONS} not applied: {reason}")
        return
    loops = [k for k in before if isinstance(k, str) and k.startswith("Fn::ForEach::")]
    for logical in template.get("Resources") or {}:
        if logical not in before and loops:
            result.origins[str(logical)] = _loop_of(logical, loops)
    result.body = template
    result.applied.append(LANGUAGE_EXTENSIONS)


def _loop_of(logical: Any, loops: list[str]) -> str:
    """The ForEach key a generated resource came from: the one on the line it was made on."""
    line = getattr(getattr(logical, "start_mark", None), "line", None)
    for loop in loops:
        if getattr(getattr(loop, "start_mark", None), "line", None) == line:
            return loop
    return loops[0]


@contextlib.contextmanager
def _region_env(region: str) -> Iterator[None]:
    """The translator reads the partition and region from AWS_DEFAULT_REGION."""
    old = os.environ.get("AWS_DEFAULT_REGION")
    os.environ["AWS_DEFAULT_REGION"] = region
    try:
        yield
    finally:
        if old is None:
            os.environ.pop("AWS_DEFAULT_REGION", None)
        else:
            os.environ["AWS_DEFAULT_REGION"] = old


def _sam(result: Expanded, *, region: str) -> None:
    for name in ("samtranslator", "botocore"):
        logging.getLogger(name).setLevel(logging.CRITICAL)
    from samtranslator.model.exceptions import InvalidDocumentException
    from samtranslator.parser import parser
    from samtranslator.translator.translator import Translator

    source = _plain(result.body)
    sam_ids = {
        logical: str(res.get("Type"))
        for logical, res in (source.get("Resources") or {}).items()
        if isinstance(res, dict) and str(res.get("Type", "")).startswith("AWS::Serverless::")
    }
    _placeholder_locations(source)
    try:
        with _region_env(region), contextlib.redirect_stdout(None):
            translated = Translator(managed_policy_map=None, sam_parser=parser.Parser()).translate(
                sam_template=source, parameter_values={}, passthrough_metadata=True
            )
    except InvalidDocumentException as exc:
        causes = "; ".join(_first_line(c.message) for c in exc.causes[:2])
        result.notes.append(f"SAM transform not applied: {causes}")
        return
    except Exception as exc:  # the translator's own bugs must not stop a directory's check
        result.notes.append(f"SAM transform not applied: {_first_line(exc)}")
        return
    before = set(result.body.get("Resources") or {})
    for logical in translated.get("Resources") or {}:
        if logical in before and logical not in sam_ids:
            continue
        origin = _sam_origin(logical, sam_ids) or _implicit_api_origin(source, sam_ids)
        if origin:
            result.origins[logical] = origin
    result.body = translated
    result.applied.append(SAM)


def _sam_origin(logical: str, sam_ids: dict[str, str]) -> str | None:
    """SAM names what it generates after the resource it came from (`FnRole` from `Fn`)."""
    if logical in sam_ids:
        return logical
    prefixes = [s for s in sam_ids if logical.startswith(s)]
    return max(prefixes, key=len) if prefixes else None


def _implicit_api_origin(template: dict[str, Any], sam_ids: dict[str, str]) -> str | None:
    """SAM's implicit `ServerlessRestApi`/`ServerlessHttpApi` (and their stages and
    deployments) come from the functions' Api events: the first such function, else the
    first SAM resource."""
    for logical in sam_ids:
        events = ((template["Resources"][logical].get("Properties") or {}).get("Events")) or {}
        if any(
            isinstance(e, dict) and e.get("Type") in ("Api", "HttpApi") for e in events.values()
        ):
            return logical
    return next(iter(sam_ids), None)


def _placeholder_locations(template: dict[str, Any]) -> None:
    for res in (template.get("Resources") or {}).values():
        if not isinstance(res, dict):
            continue
        props = res.get("Properties")
        if not isinstance(props, dict):
            continue
        for key in _CODE_LOCATIONS.get(str(res.get("Type")), ()):
            value = props.get(key)
            if key == "ImageUri" and props.get("PackageType") != "Image":
                continue
            if key == "CodeUri" and props.get("PackageType") == "Image":
                continue
            if key == "DefinitionUri" and "DefinitionBody" in props:
                continue
            if key == "DefinitionUri" and value is None:
                continue  # an Api without a definition gets one generated from its events
            if isinstance(value, str) and value.startswith("s3://"):
                continue
            if isinstance(value, dict) and not ({"Ref", "Fn::Sub"} & set(value)):
                continue  # {Bucket, Key} or a Location mapping: already S3
            if key == "Location" and isinstance(value, dict):
                continue
            props[key] = _PLACEHOLDER_S3
        if (
            res.get("Type") == "AWS::Serverless::Function"
            and not {"CodeUri", "InlineCode"} & set(props)
            and props.get("PackageType") != "Image"
        ):
            props["CodeUri"] = _PLACEHOLDER_S3


def _plain(value: Any) -> Any:
    """Plain dicts, lists and scalars (cfn-lint's nodes carry marks the translator copies)."""
    if isinstance(value, dict):
        return {str(k): _plain(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_plain(v) for v in value]
    if isinstance(value, str):
        return str(value)
    return value


def _first_line(value: object) -> str:
    text = str(value).strip().splitlines()
    return text[0] if text else type(value).__name__
