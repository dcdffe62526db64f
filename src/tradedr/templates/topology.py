"""Where foreign templates deploy, as what, and against which targets (`assess.toml`).

A directory of templates says what is defined, not where it runs. The topology says it:
for each template its region and role (primary, standby or global), which standby
templates pair with which primary, the RTO/RPO targets and the tag policy. It is read
from a small TOML file or, without one, inferred from the templates themselves (region
parameters, replica ARNs, global-table replicas, replication destinations, the
DisasterRecovery tag, file names) with the reason for every guess, so the user can
confirm it or write the file. Example (docs/assess.md):

    posture = "warm-standby"
    [targets]
    rto_seconds = 60
    rpo_seconds = 5
    [[stacks]]
    template = "primary.yaml"
    region = "us-east-1"
    role = "primary"
    [[stacks]]
    template = "standby.yaml"
    region = "us-west-2"
    role = "standby"
    pair = "primary.yaml"
    [tags]
    required = ["Environment", "Owner"]
    severity = "warning"
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Sequence
from pathlib import Path
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from tradedr.config import REQUIRED_TAG_KEYS, Posture
from tradedr.errors import ConfigFileError
from tradedr.templates.markers import DR_TAG
from tradedr.templates.model import Template
from tradedr.templates.values import region_in, text_of

Role = Literal["primary", "standby", "global"]
_REGION = re.compile(r"^[a-z]{2}(?:-gov)?-[a-z]+-\d$")
_STANDBY_NAME = re.compile(r"(?:^|[-_.])(standby|dr|passive)(?:$|[-_.])", re.IGNORECASE)
_DR_TAG = re.compile(r"^([a-z-]+):(primary|standby|global)$")
DEFAULT_PRIMARY = "us-east-1"


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class StackPlacement(_Strict):
    template: str = Field(min_length=1, description="file name in the directory")
    region: str
    role: Role = "primary"
    pair: str | None = Field(default=None, description="the primary template it stands by for")
    reason: str = Field(default="assess.toml", description="why (for inferred placements)")

    @field_validator("region")
    @classmethod
    def _region(cls, value: str) -> str:
        if not _REGION.match(value):
            raise ValueError(f"not an AWS region: {value!r}")
        return value


class TopologyTargets(_Strict):
    rto_seconds: int | None = Field(default=None, gt=0)
    rpo_seconds: int | None = Field(default=None, ge=0)


class TagPolicy(_Strict):
    required: tuple[str, ...] = REQUIRED_TAG_KEYS
    severity: Literal["error", "warning", "info"] = "warning"


class Topology(_Strict):
    """The deployment the templates describe; `inferred` when no file said so."""

    posture: Posture | None = None
    targets: TopologyTargets = TopologyTargets()
    stacks: tuple[StackPlacement, ...] = ()
    tags: TagPolicy = TagPolicy()
    inferred: bool = False

    def placement(self, file_name: str) -> StackPlacement | None:
        return next((s for s in self.stacks if s.template == file_name), None)

    @property
    def primary_region(self) -> str:
        for stack in self.stacks:
            if stack.role == "primary":
                return stack.region
        return self.stacks[0].region if self.stacks else DEFAULT_PRIMARY

    @property
    def standby_regions(self) -> tuple[str, ...]:
        seen: list[str] = []
        for stack in self.stacks:
            standby = stack.role == "standby" and stack.region != self.primary_region
            if standby and stack.region not in seen:
                seen.append(stack.region)
        return tuple(seen)

    @property
    def effective_posture(self) -> Posture | None:
        """The posture given, else pilot-light when standbys exist (the least posture
        that keeps data replicas: what a standby template implies), else none."""
        if self.posture is not None:
            return self.posture
        return Posture.PILOT_LIGHT if self.standby_regions else None

    @property
    def pairs(self) -> dict[str, tuple[str, ...]]:
        found: dict[str, list[str]] = {}
        for stack in self.stacks:
            if stack.role == "standby" and stack.pair:
                found.setdefault(stack.pair, []).append(stack.template)
        return {k: tuple(v) for k, v in found.items()}

    def to_toml(self) -> str:
        """The topology as an assess.toml the user can save, edit and pass back."""
        lines = []
        if self.posture is not None:
            lines.append(f'posture = "{self.posture.value}"')
        lines.append("[targets]")
        if self.targets.rto_seconds is not None:
            lines.append(f"rto_seconds = {self.targets.rto_seconds}")
        else:
            lines.append("# rto_seconds = 300")
        if self.targets.rpo_seconds is not None:
            lines.append(f"rpo_seconds = {self.targets.rpo_seconds}")
        else:
            lines.append("# rpo_seconds = 60")
        for stack in self.stacks:
            lines += (
                ["", "[[stacks]]", f"# {stack.reason}"] if self.inferred else ["", "[[stacks]]"]
            )
            lines += [
                f'template = "{stack.template}"',
                f'region = "{stack.region}"',
                f'role = "{stack.role}"',
            ]
            if stack.pair:
                lines.append(f'pair = "{stack.pair}"')
        lines += ["", "[tags]", "required = [" + ", ".join(f'"{t}"' for t in self.tags.required)]
        lines[-1] += "]"
        lines.append(f'severity = "{self.tags.severity}"')
        return "\n".join(lines) + "\n"


def load_topology(path: Path) -> Topology:
    """assess.toml, validated; a one-line error naming the field otherwise."""
    from tradedr.config.errors import _format_error
    from tradedr.config.files import decode_config, parse_config_text, read_config_bytes

    data = parse_config_text(decode_config(path, read_config_bytes(path)), path)
    try:
        return Topology.model_validate(data)
    except ValidationError as exc:
        raise ConfigFileError(f"{path}: {_format_error(exc)}") from None


def topology_for(templates: Sequence[Template], given: Topology | None) -> Topology:
    """The given topology, completed for templates it does not place, else inferred."""
    if given is None:
        return infer_topology(templates)
    known = {t.path.name for t in templates}
    unknown = [s.template for s in given.stacks if s.template not in known]
    if unknown:
        raise ConfigFileError(f"stacks.template: {unknown[0]!r} is not a template in the directory")
    placed = {s.template for s in given.stacks}
    extra = [
        StackPlacement(
            template=t.path.name,
            region=t.region or given.primary_region,
            role="primary",
            reason="not in assess.toml: taken as part of the primary",
        )
        for t in templates
        if t.path.name not in placed
    ]
    return given.model_copy(update={"stacks": (*given.stacks, *extra)})


# --- inference -------------------------------------------------------------------------


def _parameter_regions(template: Template) -> dict[str, str]:
    """parameter name -> default region, for parameters that hold a region."""
    found = {}
    for name, spec in (template.body.get("Parameters") or {}).items():
        default = spec.get("Default") if isinstance(spec, dict) else None
        if isinstance(default, str) and _REGION.match(default):
            found[str(name)] = default
    return found


def _replica_sources(template: Template) -> list[tuple[str, str]]:
    """(region, what) for each replica this template defines of a source elsewhere."""
    found = []
    for logical, res in template.resources.items():
        props = res.get("Properties") or {}
        kind = res.get("Type")
        if kind == "AWS::RDS::DBInstance" and props.get("SourceDBInstanceIdentifier"):
            region = region_in(props["SourceDBInstanceIdentifier"]) or region_in(
                props.get("SourceRegion")
            )
            if region:
                found.append((region, f"{logical}'s SourceDBInstanceIdentifier ARN"))
        secondary = not props.get("MasterUsername") and not props.get("ManageMasterUserPassword")
        if kind == "AWS::RDS::DBCluster" and props.get("GlobalClusterIdentifier") and secondary:
            found.append(("", f"{logical} joins a global cluster without credentials"))
    return found


def _dr_tag(template: Template) -> tuple[Posture | None, str | None]:
    for res in template.resources.values():
        tags = (res.get("Properties") or {}).get("Tags")
        for tag in tags if isinstance(tags, list) else []:
            if isinstance(tag, dict) and tag.get("Key") == DR_TAG:
                match = _DR_TAG.match(str(tag.get("Value") or ""))
                if match:
                    try:
                        return Posture(match.group(1)), match.group(2)
                    except ValueError:
                        return None, match.group(2)
    return None, None


def _named_regions(template: Template) -> Counter[str]:
    """Regions the template names as where things replicate to (table replicas)."""
    found: Counter[str] = Counter()
    for res in template.resources.values():
        props = res.get("Properties") or {}
        if res.get("Type") == "AWS::DynamoDB::GlobalTable":
            for replica in props.get("Replicas") or []:
                region = text_of((replica or {}).get("Region"))
                if _REGION.match(region):
                    found[region] += 1
    return found


def infer_topology(templates: Sequence[Template]) -> Topology:
    """A best guess, with the reason for every placement, for the user to confirm."""
    posture: Posture | None = None
    primary_votes: Counter[str] = Counter()
    guesses: list[StackPlacement | tuple[str, Role, str]] = []
    for t in templates:
        params = _parameter_regions(t)
        tag_posture, tag_role = _dr_tag(t)
        posture = posture or tag_posture
        role, reason = _role(t, tag_role)
        for source_region, _ in _replica_sources(t):
            if source_region:
                primary_votes[source_region] += 2
        region = t.region
        if region:
            reason = _joined(reason, "region from the cloud assembly or --regions")
        else:
            region, why = _region_from_parameters(params, role)
            reason = _joined(reason, why)
        primary_votes.update(v for k, v in params.items() if "primary" in k.lower())
        primary_votes.update(_named_regions(t))
        if region:
            placed = StackPlacement(
                template=t.path.name, region=region, role=role, reason=reason or _NO_EVIDENCE
            )
            guesses.append(placed)
        else:
            guesses.append((t.path.name, role, reason))
    primary = primary_votes.most_common(1)[0][0] if primary_votes else DEFAULT_PRIMARY
    others = sorted(r for r in primary_votes if r != primary)
    standby_region = others[0] if others else pair_region(primary)
    stacks = []
    for guess in guesses:
        if isinstance(guess, tuple):
            name, role, reason = guess
            region = standby_region if role == "standby" else primary
            which = "a standby" if role == "standby" else "the primary"
            why = f"no region in the template: {which} region ({region}) assumed"
            guess = StackPlacement(
                template=name, region=region, role=role, reason=_joined(reason, why)
            )
        stacks.append(guess)
    primaries = [s.template for s in stacks if s.role == "primary"]
    if len(primaries) == 1:
        stacks = [
            s.model_copy(update={"pair": primaries[0]}) if s.role == "standby" else s
            for s in stacks
        ]
    return Topology(posture=posture, stacks=tuple(stacks), inferred=True)


_NO_EVIDENCE = "no evidence: taken as part of the primary"


def _role(template: Template, tag_role: str | None) -> tuple[Role, str]:
    if tag_role in ("primary", "standby", "global"):
        role: Role = (
            "standby" if tag_role == "standby" else "global" if tag_role == "global" else "primary"
        )
        return role, f"{DR_TAG} tag says {tag_role}"
    sources = _replica_sources(template)
    if sources:
        return "standby", f"standby: {sources[0][1]}"
    if _STANDBY_NAME.search(template.path.stem):
        return "standby", f"standby: the file name {template.path.name!r} says so"
    return "primary", ""


def _joined(first: str, second: str) -> str:
    return f"{first}; {second}" if first and second else first or second


def _region_from_parameters(params: dict[str, str], role: str) -> tuple[str | None, str]:
    """A region parameter's default: the standby's for a standby, the primary's else."""
    standby = [v for k, v in params.items() if re.search("secondary|standby", k, re.I)]
    primary = [v for k, v in params.items() if "primary" in k.lower()]
    if role == "standby" and standby:
        return standby[0], "region from a standby-region parameter's default"
    if role != "standby" and primary:
        return primary[0], "region from a primary-region parameter's default"
    if params and not (role == "standby" and primary):
        return next(iter(params.values())), "region from a region parameter's default"
    return None, ""


# AWS's usual DR partner of each region when nothing else names one.
_PAIRS = {
    "us-east-1": "us-west-2",
    "us-east-2": "us-west-2",
    "us-west-1": "us-east-1",
    "us-west-2": "us-east-1",
    "eu-west-1": "eu-central-1",
    "eu-central-1": "eu-west-1",
    "eu-west-2": "eu-west-1",
    "ap-southeast-1": "ap-southeast-2",
    "ap-southeast-2": "ap-southeast-1",
    "ap-northeast-1": "ap-northeast-3",
}


def pair_region(primary: str) -> str:
    """The region a standby is assumed in when no template names one."""
    return _PAIRS.get(primary, "us-west-2" if primary != "us-west-2" else "us-east-1")
