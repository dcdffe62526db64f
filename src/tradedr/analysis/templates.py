"""The synthesized templates as the analyses read them: what will actually deploy.

Both `rto` and `cost` take a `TemplateSet`, built either from a fresh synth or from a
directory of templates (`--templates DIR`, a CDK cloud assembly such as `cdk.out`).
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from tradedr.checks.templates import (
    artifact_region,
    load_json,
    manifest_stacks,
    validate_structure,
)
from tradedr.config import Settings
from tradedr.errors import TemplateError


@dataclass(frozen=True)
class Resource:
    """One CloudFormation resource and where it came from, for `source` strings."""

    stack: str
    region: str
    logical_id: str
    type: str
    properties: dict[str, Any]

    def prop(self, path: str, default: Any = None) -> Any:
        """Dotted property lookup (`HealthCheckConfig.RequestInterval`)."""
        value: Any = self.properties
        for part in path.split("."):
            if isinstance(value, list) and part.isdigit() and int(part) < len(value):
                value = value[int(part)]
            elif isinstance(value, dict) and part in value:
                value = value[part]
            else:
                return default
        return value

    @property
    def holds_logs(self) -> bool:
        """A bucket tagged as a log sink (access or audit logs), not the objects store."""
        tags = self.properties.get("Tags")
        return isinstance(tags, list) and any(
            isinstance(t, dict)
            and t.get("Key") == "Purpose"
            and t.get("Value") in ("access-logs", "audit-logs")
            for t in tags
        )

    def source(self, path: str, value: Any = None) -> str:
        """`<stack>/<logical id>.<property>=<value>`: the reviewer can find it in the diff."""
        shown = self.prop(path) if value is None else value
        return f"{self.stack}/{self.logical_id}.{path}={_show(shown)}"


def _show(value: Any) -> str:
    if isinstance(value, bool):
        return str(value).lower()
    if isinstance(value, dict | list):
        return json.dumps(value, separators=(",", ":"), sort_keys=True)
    return str(value)


@dataclass(frozen=True)
class StackDoc:
    name: str
    region: str
    kind: str
    template: dict[str, Any]

    def resources(self, type_: str | None = None) -> Iterator[Resource]:
        for logical, res in self.template.get("Resources", {}).items():
            if type_ is None or res.get("Type") == type_:
                yield Resource(
                    self.name, self.region, logical, res.get("Type", ""), res.get("Properties", {})
                )


class TemplateSet:
    """Every stack of one config, in deployment order, with lookups by type and region."""

    def __init__(self, settings: Settings, stacks: list[StackDoc]) -> None:
        self.settings = settings
        self.stacks = stacks

    @classmethod
    def from_synth(cls, settings: Settings, stacks: list[Any]) -> TemplateSet:
        """From `tradedr.infra.synth.synthesize` output (objects with name/region/kind/load)."""
        return cls(settings, [StackDoc(s.name, s.region, s.kind, s.load()) for s in stacks])

    @classmethod
    def from_directory(cls, settings: Settings, directory: Path) -> TemplateSet:
        """Read `*.template.json`; regions come from the assembly manifest when present.

        Files are read and checked as `tradedr check` reads them (size, nesting depth,
        structure: `tradedr.checks.templates`), so the models can trust what they get.
        """
        if not directory.is_dir():
            raise TemplateError(f"templates directory {directory} does not exist")
        regions: dict[str, str] = {}
        order: list[str] = []
        for artifact_id, artifact in manifest_stacks(directory).items():
            regions[artifact_id] = artifact_region(artifact)
            order.append(artifact_id)
        files = {
            p.name.removesuffix(".template.json"): p for p in directory.glob("*.template.json")
        }
        if not files:
            raise TemplateError(f"no *.template.json files in {directory}")
        names = [n for n in order if n in files] + sorted(n for n in files if n not in order)
        stacks = []
        for name in names:
            template = validate_structure(files[name], load_json(files[name]))
            region = regions.get(name) or _region_from_name(name, settings)
            kind = name.removeprefix(settings.prefix + "-").split("-", 1)[0]
            stacks.append(StackDoc(name, region, kind, template))
        return cls(settings, stacks)

    # Lookups -------------------------------------------------------------------------

    def resources(self, type_: str, *, region: str | None = None) -> list[Resource]:
        return [
            r
            for s in self.stacks
            if region is None or s.region == region
            for r in s.resources(type_)
        ]

    def first(self, type_: str, *, region: str | None = None) -> Resource | None:
        found = self.resources(type_, region=region)
        return found[0] if found else None

    def stack(self, kind: str, region: str | None = None) -> StackDoc | None:
        for s in self.stacks:
            if s.kind == kind and (region is None or s.region == region):
                return s
        return None

    @property
    def regions(self) -> list[str]:
        """Regions with stacks, in deployment order (the primary first)."""
        seen: list[str] = []
        for region in self.settings.all_regions:
            if any(s.region == region for s in self.stacks):
                seen.append(region)
        return seen

    def health_check_for(self, region: str) -> Resource | None:
        """The Route 53 health check of a region's endpoint (logical id names the region)."""
        token = region.replace("-", "")
        for check in self.resources("AWS::Route53::HealthCheck"):
            if token in check.logical_id.lower().replace("-", ""):
                return check
        return None

    def alarm(self, region: str, metric_name: str) -> Resource | None:
        for alarm in self.resources("AWS::CloudWatch::Alarm", region=region):
            if alarm.prop("MetricName") == metric_name:
                return alarm
        return None


def _region_from_name(name: str, settings: Settings) -> str:
    for region in settings.all_regions:
        if name.endswith(region):
            return region
    return settings.primary_region
