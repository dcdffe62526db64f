"""Acknowledged compliance findings, declared in code next to the resource they concern.

Each acknowledgment is handed to CDK's native `Validations.of(scope).acknowledge` (so
`cdk synth` with cdk-nag plugins honours it), recorded as construct metadata (so
`tradedr check` can match findings against it and `--list-acknowledged` can print it from
the cloud assembly with the resource's logical id), and written into the template itself:
`Metadata.cdk_nag.rules_to_suppress` ([{id, reason}], cdk-nag's own format) on every
CloudFormation resource under the acknowledged scope, and `Metadata.cfn-lint.config.
ignore_checks` for cfn-lint, so any tool reading the templates (`tradedr check
--templates cdk.out` among them) sees the same acknowledgments.
"""

from __future__ import annotations

import json
from typing import Any

import aws_cdk as cdk
import jsii
from constructs import IConstruct

from tradedr.templates.markers import ACK_METADATA_TYPE, LINT_ACK_METADATA_KEY

__all__ = [
    "ACK_METADATA_TYPE",
    "NAG_TEMPLATE_KEY",
    "NATIVE_ACKS_CONTEXT",
    "acknowledge",
    "acknowledge_lint",
]
# `tradedr check` turns native registration off so cdk-nag reports every finding and
# tradedr matches them itself: that is how it counts what each acknowledgment covers and
# spots acknowledgments that no longer match anything.
NATIVE_ACKS_CONTEXT = "tradedr:native-acknowledgments"
# cdk-nag's template metadata (its v2 `NagSuppressions` format, which 3.x still writes).
NAG_TEMPLATE_KEY = "cdk_nag"


@jsii.implements(cdk.IAspect)
class _TemplateAcknowledgment:
    """Writes one acknowledgment into the Metadata of every CfnResource under its scope.

    An aspect, so resources created after `acknowledge` (a function's default policy)
    are covered too; it runs at synth, before the templates are written.
    """

    def __init__(self, rules: list[str], reason: str) -> None:
        self.rules = rules
        self.reason = reason

    def visit(self, node: IConstruct) -> None:
        if not isinstance(node, cdk.CfnResource):
            return
        existing: Any = node.get_metadata(NAG_TEMPLATE_KEY) or {}
        entries = [dict(e) for e in (existing.get("rules_to_suppress") or [])]
        known = {e.get("id") for e in entries}
        entries += [{"id": r, "reason": self.reason} for r in self.rules if r not in known]
        node.add_metadata(NAG_TEMPLATE_KEY, {"rules_to_suppress": entries})


def acknowledge(scope: IConstruct, *, rules: list[str], reason: str) -> None:
    """Acknowledge nag findings `rules` (e.g. "AwsSolutions-S1") on `scope` and below.

    `reason` must name the trade-off: what is given up, and why it is worth it here.
    """
    if len(reason) < 40:
        raise ValueError(f"acknowledgment reason too short to name a trade-off: {reason!r}")
    target = scope.node.default_child or scope
    native = scope.node.try_get_context(NATIVE_ACKS_CONTEXT) is not False
    for rule in rules:
        if native:
            cdk.Validations.of(scope).acknowledge(cdk.Acknowledgment(id=rule, reason=reason))
        # A JSON string: jsii cannot round-trip arbitrary objects in assembly metadata.
        record = {"rule": rule, "reason": reason, "scope": scope.node.path}
        target.node.add_metadata(ACK_METADATA_TYPE, json.dumps(record))
    cdk.Aspects.of(scope).add(_TemplateAcknowledgment(list(rules), reason))


# The key is spelled in tradedr.templates.markers (the checks read it back).


def acknowledge_lint(resource: cdk.CfnResource, *, rules: list[str], reason: str) -> None:
    """Acknowledge cfn-lint rules on one resource, in the template itself.

    cfn-lint honours `Metadata.cfn-lint.config.ignore_checks`; the reason travels beside
    it so `tradedr check` can report the acknowledgment, also for `--templates DIR`.
    """
    if len(reason) < 40:
        raise ValueError(f"acknowledgment reason too short to name a trade-off: {reason!r}")
    existing: Any = resource.get_metadata("cfn-lint") or {}
    ignored = list((existing.get("config") or {}).get("ignore_checks") or [])
    ignored += [rule for rule in rules if rule not in ignored]
    resource.add_metadata("cfn-lint", {"config": {"ignore_checks": ignored}})
    reasons = list(resource.get_metadata(LINT_ACK_METADATA_KEY) or [])
    reasons += [{"rule": rule, "reason": reason} for rule in rules]
    resource.add_metadata(LINT_ACK_METADATA_KEY, reasons)
