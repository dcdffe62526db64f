"""cdk-nag packs over the synthesized app, with acknowledgments matched in code.

cdk-nag 3.0.2 plugs into CDK's `Validations` framework, which prints a long report on
stderr and raises when anything is found. We call each pack's `validate_scope(app)`
instead (same rules, a structured result, no output), and apply the acknowledgments
that `tradedr.infra.components.compliance.acknowledge` recorded next to the resources.
The same acknowledgments are also registered with `Validations.of(...)`, so running the
packs as CDK plugins gives the same verdict.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import aws_cdk as cdk
from aws_cdk import cx_api

from tradedr.checks.findings import NAG_PACKS, Acknowledged, Finding, Severity
from tradedr.errors import ConfigError
from tradedr.infra.components.compliance import ACK_METADATA_TYPE

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


def validate_packs(packs: Sequence[str]) -> list[str]:
    """Unknown pack names are bad input (exit 2), reported before any work starts."""
    known = list(NAG_PACKS)
    unknown = [p for p in packs if p not in known]
    if unknown:
        raise ConfigError(
            f"unknown nag pack {', '.join(unknown)}; choose from {', '.join(known)}"
        )
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
        own = self.rule.split("::", 1)[-1]
        return own == rule and (
            construct_path == self.scope or construct_path.startswith(self.scope + "/")
        )


def _logical_ids(stack: cx_api.CloudFormationStackArtifact) -> dict[str, str]:
    return {
        entry.path.lstrip("/"): str(entry.data)
        for entry in stack.find_metadata_by_type("aws:cdk:logicalId")
    }


def acknowledgments(assembly: cx_api.CloudAssembly) -> list[AckDeclaration]:
    """Every acknowledgment declared in the app, with the logical id it sits on."""
    found: list[AckDeclaration] = []
    for stack in assembly.stacks_recursively:
        ids = _logical_ids(stack)
        for entry in stack.find_metadata_by_type(ACK_METADATA_TYPE):
            data = entry.data
            assert isinstance(data, dict)
            path = entry.path.lstrip("/")
            found.append(
                AckDeclaration(
                    stack=stack.stack_name,
                    scope=str(data["scope"]),
                    path=path,
                    resource=ids.get(path, path.split("/", 1)[-1]),
                    rule=str(data["rule"]),
                    reason=str(data["reason"]),
                )
            )
    return found


def _message(description: str) -> str:
    return description.split(" - (Control IDs")[0].strip()


def run_nag(
    app: cdk.App, assembly: cx_api.CloudAssembly, packs: Sequence[str]
) -> tuple[list[Finding], list[Acknowledged], list[AckDeclaration]]:
    """Run `packs` over the (already synthesized) app; split findings from acknowledged."""
    classes = pack_classes()
    ids: dict[str, tuple[str, str]] = {}
    for stack in assembly.stacks_recursively:
        for path, logical in _logical_ids(stack).items():
            ids[path] = (stack.stack_name, logical)
    declared = acknowledgments(assembly)
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
                        source, violation.rule_name, severity, stack, logical,
                        _message(violation.description),
                    )
                )
    relevant = {NAG_PACKS[p] for p in packs}
    for ack in declared:
        if ack in used or _ack_source(ack.rule) not in relevant:
            continue
        findings.append(
            Finding(
                _ack_source(ack.rule), ack.rule, "info", ack.stack, ack.resource,
                "acknowledgment matches no finding; remove it if the trade-off is gone",
            )
        )
    return findings, acknowledged, declared


def _ack_source(rule: str) -> str:
    prefix = rule.split("::", 1)[-1].split("-", 1)[0]
    for plugin, pack in _PLUGIN_TO_PACK.items():
        if prefix.startswith(plugin.split(".")[0]):
            return NAG_PACKS[pack]
    return "cdk-nag"
