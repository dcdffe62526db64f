"""The templates a check runs over: synthesized by tradedr, or read from a directory.

The reading itself is `tradedr.templates` (the one template model every part uses);
`TemplateDoc` is its `Template`, and `load_directory` its directory reader, kept under
the names the rules and tests have always used.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from tradedr.templates import Template, read_directory
from tradedr.templates.reading import (
    MAX_NESTING_DEPTH,
    MAX_TEMPLATE_BYTES,
    MAX_TEMPLATE_LABEL,
    TEMPLATE_SUFFIXES,
    artifact_region,
    check_depth,
    load_json,
    manifest_stacks,
    read_text,
    validate_regions,
    validate_structure,
)

TemplateDoc = Template

__all__ = [
    "MAX_NESTING_DEPTH",
    "MAX_TEMPLATE_BYTES",
    "MAX_TEMPLATE_LABEL",
    "TEMPLATE_SUFFIXES",
    "TemplateDoc",
    "artifact_region",
    "check_depth",
    "load_directory",
    "load_json",
    "manifest_stacks",
    "read_text",
    "validate_regions",
    "validate_structure",
]


def load_directory(directory: Path, *, regions: Sequence[str] | None = None) -> list[Template]:
    """Every template in `directory` (not recursive), in dependency order."""
    return read_directory(directory, regions=regions).templates
