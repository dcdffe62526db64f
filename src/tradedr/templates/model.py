"""One CloudFormation template as every part of tradedr reads it.

`body` is what deploys: the template after its transforms (SAM, language extensions).
`source` is the document as written, for cfn-lint and for anyone who wants the original.
Each resource keeps the line it is declared on (`line_of`), also when a transform made it:
a SAM-generated role points at its function, a `Fn::ForEach` copy at its loop.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from tradedr.templates.values import text_of

NESTED_STACK_TYPES = ("AWS::CloudFormation::Stack", "AWS::Serverless::Application")


@dataclass(frozen=True)
class Template:
    """One template, the stack it belongs to and where it deploys."""

    stack: str
    region: str | None
    path: Path
    text: str
    body: dict[str, Any]
    lines: Mapping[str, int] = field(default_factory=dict)
    origins: Mapping[str, str] = field(default_factory=dict)
    transforms: tuple[str, ...] = ()
    notes: tuple[str, ...] = ()
    source: Mapping[str, Any] | None = None

    @property
    def resources(self) -> dict[str, dict[str, Any]]:
        resources = self.body.get("Resources") or {}
        return {str(k): v for k, v in resources.items() if isinstance(v, dict)}

    @property
    def written(self) -> Mapping[str, Any]:
        """The template as written (before transforms)."""
        return self.source if self.source is not None else self.body

    def line_of(self, logical: str) -> int | None:
        """The line `logical` (or what a transform made it from) is declared on."""
        line = self.lines.get(logical)
        if line is None and logical in self.origins:
            line = self.lines.get(self.origins[logical])
        return line

    def location(self, logical: str | None = None) -> str:
        """`path:line` of a resource (the file alone when the line is unknown)."""
        line = self.line_of(logical) if logical else None
        return f"{self.path}:{line}" if line else str(self.path)

    def expanded_from(self, logical: str) -> str | None:
        return self.origins.get(logical)

    # --- what ties stacks together ---------------------------------------------------

    @property
    def exports(self) -> set[str]:
        """Export names of the outputs, `${AWS::StackName}` read as this stack's name."""
        found = set()
        for output in (self.body.get("Outputs") or {}).values():
            if isinstance(output, dict) and isinstance(output.get("Export"), dict):
                name = text_of(output["Export"].get("Name"))
                if name:
                    found.add(name.replace("${AWS::StackName}", self.stack))
        return found

    @property
    def imports(self) -> set[str]:
        found: set[str] = set()
        stack: list[Any] = [self.body.get("Resources") or {}, self.body.get("Outputs") or {}]
        while stack:
            item = stack.pop()
            if isinstance(item, dict):
                for key, value in item.items():
                    if key == "Fn::ImportValue":
                        name = text_of(value)
                        if name:
                            found.add(name)
                    else:
                        stack.append(value)
            elif isinstance(item, list):
                stack.extend(item)
        return found

    @property
    def nested(self) -> dict[str, str]:
        """logical id -> file name of each nested stack's template (the URL's last part)."""
        found = {}
        for logical, res in self.resources.items():
            if res.get("Type") not in NESTED_STACK_TYPES:
                continue
            props = res.get("Properties") or {}
            url = text_of(props.get("TemplateURL") or props.get("Location"))
            if url:
                found[logical] = url.rstrip("/").rsplit("/", 1)[-1]
        return found
