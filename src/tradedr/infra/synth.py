"""Synthesize the stacks of a config to a directory and describe what was written."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from tradedr.config import Settings
from tradedr.errors import TemplateError


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
        """The template, read as every template is (`tradedr.templates.reading`: bounded,
        its structure checked), for the deployer and the emulator's transforms."""
        from tradedr.templates.reading import load_json, validate_structure

        return validate_structure(self.template_path, load_json(self.template_path))

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
    build_app(settings, outdir=outdir).synth()
    return read_assembly(outdir, prefix=settings.prefix)


def read_assembly(outdir: Path, *, prefix: str) -> list[StackTemplate]:
    """Describe the stacks of a cloud assembly from its manifest, in deployment order.

    Reads `manifest.json` and the templates in Python rather than walking the assembly
    through jsii: each jsii property read is a round trip to Node, and the template
    itself would be serialized across the pipe just to count its resources. Files go
    through the template model's bounded reader (`tradedr.templates.reading`).
    """
    from tradedr.templates.reading import load_json

    manifest = load_json(outdir / "manifest.json")
    artifacts = {
        artifact_id: artifact
        for artifact_id, artifact in manifest.get("artifacts", {}).items()
        if artifact.get("type") == "aws:cloudformation:stack"
    }
    stacks = []
    for artifact_id in _deployment_order(artifacts):
        artifact = artifacts[artifact_id]
        properties = artifact.get("properties", {})
        path = (outdir / properties["templateFile"]).resolve()
        template = load_json(path)
        stack_name = properties.get("stackName", artifact_id)
        stacks.append(
            StackTemplate(
                name=stack_name,
                region=str(artifact.get("environment", "")).rsplit("/", 1)[-1],
                kind=_kind(stack_name, prefix),
                template_path=path,
                resources=len(template.get("Resources", {})),
                bytes=path.stat().st_size,
                dependencies=[d for d in artifact.get("dependencies", []) if d in artifacts],
            )
        )
    return stacks


def _deployment_order(artifacts: dict[str, dict[str, Any]]) -> list[str]:
    """Topological order in batches sorted by id: the same order the CDK assembly reports."""
    remaining = {
        artifact_id: [d for d in artifact.get("dependencies", []) if d in artifacts]
        for artifact_id, artifact in artifacts.items()
    }
    ordered: list[str] = []
    while remaining:
        ready = sorted(a for a, deps in remaining.items() if not any(d in remaining for d in deps))
        if not ready:
            raise TemplateError(f"stack dependency cycle among {', '.join(sorted(remaining))}")
        ordered.extend(ready)
        for artifact_id in ready:
            del remaining[artifact_id]
    return ordered
