"""cdk-nag packs over the synthesized app, with acknowledgments matched in code.

cdk-nag 3.0.2 plugs into CDK's `Validations` framework, which prints a long report on
stderr and raises when anything is found. We call each pack's `validate_scope(app)`
instead (same rules, a structured result, no output), and apply the acknowledgments
that `tradedr.infra.components.compliance.acknowledge` recorded next to the resources.
The same acknowledgments are also registered with `Validations.of(...)`, so running the
packs as CDK plugins gives the same verdict.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from tradedr.checks.findings import NAG_PACKS, Acknowledged, Finding, Severity
from tradedr.errors import ConfigError
from tradedr.templates.markers import ACK_METADATA_TYPE

if TYPE_CHECKING:  # importing aws_cdk starts jsii's Node process: only where nag runs
    import aws_cdk as cdk

# Plugin names cdk-nag reports, mapped to the pack names users type.
_PLUGIN_TO_PACK = {
    "AwsSolutions": "AwsSolutions",
    "PCI.DSS.321": "PCI",
    "NIST.800.53.R5": "NIST",
    "HIPAA.Security": "HIPAA",
}


def pack_classes() -> dict[str, Any]:
    import cdk_nag

    return {
        "AwsSolutions": cdk_nag.AwsSolutionsChecks,
        "PCI": cdk_nag.PCIDSS321Checks,
        "NIST": cdk_nag.NIST80053R5Checks,
        "HIPAA": cdk_nag.HIPAASecurityChecks,
    }


def start_jsii() -> None:
    """Import aws_cdk, its include module and cdk-nag: jsii starts Node and loads their
    assemblies, which is mostly Node's work, so a thread can do it while Python reads."""
    import aws_cdk  # noqa: F401
    import cdk_nag  # noqa: F401
    from aws_cdk import cloudformation_include  # noqa: F401


def validate_packs(packs: Sequence[str]) -> list[str]:
    """Unknown pack names are bad input (exit 2), reported before any work starts."""
    known = list(NAG_PACKS)
    unknown = [p for p in packs if p not in known]
    if unknown:
        raise ConfigError(f"unknown nag pack {', '.join(unknown)}; choose from {', '.join(known)}")
    return list(dict.fromkeys(packs))


@dataclass(frozen=True)
class AckDeclaration:
    """One `acknowledge(...)` call as the cloud assembly recorded it."""

    stack: str
    scope: str
    path: str
    resource: str
    rule: str
    reason: str

    def covers(self, rule: str, construct_path: str) -> bool:
        return strip_pack_prefix(self.rule) == rule and (
            construct_path == self.scope or construct_path.startswith(self.scope + "/")
        )


@dataclass(frozen=True)
class AssemblyStack:
    """What a cloud assembly records about one stack, read from its JSON files."""

    name: str
    region: str
    template_path: Path
    metadata: dict[str, list[dict[str, Any]]]

    def logical_ids(self) -> dict[str, str]:
        return {
            path.lstrip("/"): str(entry["data"])
            for path, entries in self.metadata.items()
            for entry in entries
            if entry.get("type") == "aws:cdk:logicalId"
        }


def assembly_stacks(outdir: Path) -> list[AssemblyStack]:
    """Stacks of a synthesized assembly, from manifest.json (no jsii round trips)."""
    manifest = json.loads((outdir / "manifest.json").read_text(encoding="utf-8"))
    stacks = []
    for artifact_id, artifact in manifest.get("artifacts", {}).items():
        if artifact.get("type") != "aws:cloudformation:stack":
            continue
        metadata = dict(artifact.get("metadata") or {})
        extra = artifact.get("additionalMetadataFile")
        if extra:
            metadata.update(json.loads((outdir / extra).read_text(encoding="utf-8")))
        props = artifact.get("properties", {})
        stacks.append(
            AssemblyStack(
                name=props.get("stackName", artifact_id),
                region=str(artifact.get("environment", "")).rsplit("/", 1)[-1],
                template_path=outdir / props["templateFile"],
                metadata=metadata,
            )
        )
    return stacks


def acknowledgments(stacks: Sequence[AssemblyStack]) -> list[AckDeclaration]:
    """Every acknowledgment declared in the app, with the logical id it sits on."""
    found: list[AckDeclaration] = []
    for stack in stacks:
        ids = stack.logical_ids()
        for raw_path, entries in stack.metadata.items():
            path = raw_path.lstrip("/")
            for entry in entries:
                if entry.get("type") != ACK_METADATA_TYPE:
                    continue
                data = json.loads(entry["data"])
                found.append(
                    AckDeclaration(
                        stack=stack.name,
                        scope=str(data["scope"]),
                        path=path,
                        resource=ids.get(path, path.split("/", 1)[-1]),
                        rule=str(data["rule"]),
                        reason=str(data["reason"]),
                    )
                )
    return found


def strip_pack_prefix(rule: str) -> str:
    """ "NIST.800.53.R5::NIST.800.53.R5-X" -> "NIST.800.53.R5-X"; finding ids keep their "::"."""
    prefix, sep, rest = rule.partition("::")
    return rest if sep and "[" not in prefix and "-" not in prefix else rule


def _message(description: str) -> str:
    return description.split(" - (Control ID")[0].strip()


def nag_findings(
    app: cdk.App,
    packs: Sequence[str],
    ids: dict[str, tuple[str, str]],
    declared: Sequence[AckDeclaration],
) -> tuple[list[Finding], list[Acknowledged], set[AckDeclaration]]:
    """Run `packs` over `app`: each violation is acknowledged (when a declaration covers it)
    or a finding. `ids` maps construct paths to (stack, logical id)."""
    classes = pack_classes()
    used: set[AckDeclaration] = set()
    findings: list[Finding] = []
    acknowledged: list[Acknowledged] = []
    for pack in packs:
        source = NAG_PACKS[pack]
        report = classes[pack]().validate_scope(app)
        for violation in report.violations:
            severity: Severity = "warning" if violation.severity == "warning" else "error"
            for resource in violation.violating_resources:
                path = resource.construct_path or ""
                stack, logical = ids.get(path, (path.split("/", 1)[0], path))
                ack = next((a for a in declared if a.covers(violation.rule_name, path)), None)
                if ack is not None:
                    used.add(ack)
                    acknowledged.append(
                        Acknowledged(source, violation.rule_name, stack, logical, ack.reason)
                    )
                    continue
                findings.append(
                    Finding(
                        source,
                        violation.rule_name,
                        severity,
                        stack,
                        logical,
                        _message(violation.description),
                    )
                )
    return findings, acknowledged, used


def run_nag(
    app: cdk.App, stacks: Sequence[AssemblyStack], packs: Sequence[str]
) -> tuple[list[Finding], list[Acknowledged], list[AckDeclaration]]:
    """Run `packs` over the (already synthesized) app; split findings from acknowledged."""
    ids: dict[str, tuple[str, str]] = {}
    for stack in stacks:
        for path, logical in stack.logical_ids().items():
            ids[path] = (stack.name, logical)
    declared = acknowledgments(stacks)
    findings, acknowledged, used = nag_findings(app, packs, ids, declared)
    relevant = {NAG_PACKS[p] for p in packs}
    for ack in declared:
        if ack in used or ack_source(ack.rule) not in relevant:
            continue
        findings.append(
            Finding(
                ack_source(ack.rule),
                ack.rule,
                "info",
                ack.stack,
                ack.resource,
                "acknowledgment matches no finding; remove it if the trade-off is gone",
            )
        )
    return findings, acknowledged, declared


def ack_source(rule: str) -> str:
    prefix = strip_pack_prefix(rule).split("-", 1)[0]
    for plugin, pack in _PLUGIN_TO_PACK.items():
        if prefix.startswith(plugin.split(".")[0]):
            return NAG_PACKS[pack]
    return "cdk-nag"
