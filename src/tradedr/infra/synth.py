"""Synthesize the stacks of a config to a directory and describe what was written."""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from tradedr.config import Settings


@dataclass(frozen=True)
class StackTemplate:
    """One synthesized stack: where its template is and what the deployer needs to know."""

    name: str
    region: str
    kind: str
    template_path: Path
    resources: int
    bytes: int
    dependencies: list[str] = field(default_factory=list)

    def load(self) -> dict[str, Any]:
        loaded: dict[str, Any] = json.loads(self.template_path.read_text(encoding="utf-8"))
        return loaded

    def summary(self) -> dict[str, Any]:
        data = asdict(self)
        data["template"] = str(data.pop("template_path"))
        return data


def _kind(stack_name: str, prefix: str) -> str:
    rest = stack_name.removeprefix(prefix + "-")
    return rest.split("-", 1)[0]


def synthesize(settings: Settings, outdir: Path) -> list[StackTemplate]:
    """Synthesize every stack into `outdir` (a CDK cloud assembly), in deployment order."""
    from tradedr.infra.app import build_app

    outdir.mkdir(parents=True, exist_ok=True)
    assembly = build_app(settings, outdir=outdir).synth()
    stacks = []
    for artifact in assembly.stacks_recursively:
        path = Path(artifact.template_full_path)
        stacks.append(
            StackTemplate(
                name=artifact.stack_name,
                region=artifact.environment.region,
                kind=_kind(artifact.stack_name, settings.prefix),
                template_path=path,
                resources=len(artifact.template.get("Resources", {})),
                bytes=path.stat().st_size,
                dependencies=[d.id for d in artifact.dependencies],
            )
        )
    return stacks
