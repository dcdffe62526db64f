"""The synthesized templates as the analyses read them: what will actually deploy.

Both `rto` and `cost` take a `TemplateSet`, built either from a fresh synth or from a
directory of templates (`--templates DIR`: a CDK cloud assembly such as `cdk.out`, or any
CloudFormation JSON/YAML, read by `tradedr.templates`, the one template model).
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from tradedr.config import Settings
from tradedr.templates import Template, read_directory
from tradedr.templates.markers import LOG_PURPOSES, PURPOSE_TAG
from tradedr.templates.values import references, with_parameter_defaults


@dataclass(frozen=True)
class Resource:
    """One CloudFormation resource and where it came from, for `source` strings."""

    stack: str
    region: str
    logical_id: str
    type: str
    properties: dict[str, Any]
    file: str = ""
    line: int | None = None

    @property
    def location(self) -> str:
        """`file:line` where the resource is written (the stack when it was synthesized)."""
        if not self.file:
            return f"{self.stack}/{self.logical_id}"
        return f"{self.file}:{self.line}" if self.line else self.file

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
            isinstance(t, dict) and t.get("Key") == PURPOSE_TAG and t.get("Value") in LOG_PURPOSES
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
    source: Template | None = None  # the file it was read from (None: synthesized)

    def resources(self, type_: str | None = None) -> Iterator[Resource]:
        for logical, res in self.template.get("Resources", {}).items():
            if type_ is None or res.get("Type") == type_:
                yield Resource(
                    self.name,
                    self.region,
                    logical,
                    res.get("Type", ""),
                    res.get("Properties") or {},
                    file=str(self.source.path) if self.source else "",
                    line=self.source.line_of(logical) if self.source else None,
                )


class TemplateSet:
    """Every stack of one config, in deployment order, with lookups by type and region."""

    def __init__(self, settings: Settings, stacks: list[StackDoc]) -> None:
        self.settings = settings
        self.stacks = stacks
        self.notes: list[str] = []  # files skipped, transforms not applied

    @classmethod
    def from_synth(cls, settings: Settings, stacks: list[Any]) -> TemplateSet:
        """From `tradedr.infra.synth.synthesize` output (objects with name/region/kind/load)."""
        return cls(settings, [StackDoc(s.name, s.region, s.kind, s.load()) for s in stacks])

    @classmethod
    def from_directory(
        cls,
        settings: Settings,
        directory: Path,
        *,
        regions: dict[str, str] | None = None,
        kinds: dict[str, str] | None = None,
    ) -> TemplateSet:
        """Every template in the directory (JSON or YAML, transforms applied, parameters
        at their defaults), in dependency order; each deploys to the cloud assembly's
        region, else `regions` (file name -> region, from a topology), else the region its
        name ends with, else the primary. `kinds` (file name -> kind) overrides the kind
        read from the name.
        """
        found = read_directory(directory)
        stacks = []
        for template in found.templates:
            name = template.path.name
            region = (
                template.region
                or (regions or {}).get(name)
                or _region_from_name(template.stack, settings)
            )
            kind = (kinds or {}).get(name) or template.stack.removeprefix(
                settings.prefix + "-"
            ).split("-", 1)[0]
            body = with_parameter_defaults(template.body, region)
            stacks.append(StackDoc(template.stack, region, kind, body, template))
        result = cls(settings, stacks)
        result.notes = found.notes
        return result

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
        checks = self.resources("AWS::Route53::HealthCheck")
        for check in checks:
            if token in check.logical_id.lower().replace("-", ""):
                return check
        # Templates that do not name the region in the logical id (anyone's but ours): the
        # check on a failover PRIMARY record is the primary's; else one in that region.
        if region == self.settings.primary_region:
            for record in self.resources("AWS::Route53::RecordSet"):
                if record.prop("Failover") == "PRIMARY":
                    named = references(record.prop("HealthCheckId"))
                    found = [c for c in checks if c.logical_id in named]
                    if found:
                        return found[0]
        local = [c for c in checks if c.region == region and not _names_a_region(c, self)]
        return local[0] if len(local) == 1 else None

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


def _names_a_region(check: Resource, templates: TemplateSet) -> bool:
    """Whether the check's logical id names one of the deployment's regions (then it is
    that region's, wherever its stack lives)."""
    ident = check.logical_id.lower().replace("-", "")
    return any(r.replace("-", "") in ident for r in templates.settings.all_regions)
