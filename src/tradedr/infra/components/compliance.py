"""Acknowledged compliance findings, declared in code next to the resource they concern.

Each acknowledgment is both handed to CDK's native `Validations.of(scope).acknowledge`
(so `cdk synth` with cdk-nag plugins honours it) and recorded as construct metadata, so
`tradedr check` can match findings against it and `--list-acknowledged` can print it
from the cloud assembly with the resource's logical id.
"""

from __future__ import annotations

import json

import aws_cdk as cdk
from constructs import IConstruct

ACK_METADATA_TYPE = "tradedr:acknowledgment"
# `tradedr check` turns native registration off so cdk-nag reports every finding and
# tradedr matches them itself: that is how it counts what each acknowledgment covers and
# spots acknowledgments that no longer match anything.
NATIVE_ACKS_CONTEXT = "tradedr:native-acknowledgments"


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


LINT_ACK_METADATA_KEY = "tradedr:lint-acknowledgments"


def acknowledge_lint(resource: cdk.CfnResource, *, rules: list[str], reason: str) -> None:
    """Acknowledge cfn-lint rules on one resource, in the template itself.

    cfn-lint honours `Metadata.cfn-lint.config.ignore_checks`; the reason travels beside
    it so `tradedr check` can report the acknowledgment, also for `--templates DIR`.
    """
    if len(reason) < 40:
        raise ValueError(f"acknowledgment reason too short to name a trade-off: {reason!r}")
    resource.add_metadata("cfn-lint", {"config": {"ignore_checks": list(rules)}})
    resource.add_metadata(
        LINT_ACK_METADATA_KEY, [{"rule": rule, "reason": reason} for rule in rules]
    )
