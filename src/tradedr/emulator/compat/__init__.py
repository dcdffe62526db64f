"""Template transforms that only the embedded emulator (moto 5.2.5) needs.

Never applied for `--target aws`: real CloudFormation deploys the synthesized templates as
they are. Each transform names the moto limitation it works around. They work by resource
type and property, not by logical id, so new resources in the stacks need no new code
unless they hit a new limitation.

What moto can deploy is detected from moto's own CloudFormation model registry (the same
one its CloudFormation backend dispatches on), not from a hand-kept list. Every resource
the emulator cannot create is reported as a `CompatNote`: "not emulated" when moto skips
it (it still lists it as CREATE_COMPLETE, with an empty physical id), "substituted" when a
transform stands in an emulatable equivalent.

One transform family per module (by service where only one is concerned: `dynamodb`,
`secretsmanager`, `acm`, `kms`, `rds`; else `tags`, `attributes`, `properties`,
`not_emulated`), with the deploy-time step that completes it; `model` holds the prepared
stack and notes, `registry` what moto can create, `template` the walking helpers. The
seam the deployer calls is here, and every name used elsewhere is re-exported.
"""

from __future__ import annotations

from collections.abc import Callable

from tradedr.emulator.compat.acm import (
    CERTIFICATE_TOKEN,
    EMULATOR_CERTIFICATE_DOMAIN,
    _listener_certificates,
    provision_certificates,
    self_signed_certificate,
)
from tradedr.emulator.compat.attributes import (
    MOTO_ALB_HOSTED_ZONE,
    UNIMPLEMENTED_ATTRIBUTES,
    _unimplemented_attributes,
)
from tradedr.emulator.compat.dynamodb import _global_tables_to_tables
from tradedr.emulator.compat.kms import _kms_keys
from tradedr.emulator.compat.model import (
    COMPAT_OUTPUT_PREFIX,
    NOT_EMULATED,
    PLACEHOLDER_PREFIX,
    SUBSTITUTED,
    CompatNote,
    PreparedStack,
    PropertyApplication,
    SecretSubstitute,
)
from tradedr.emulator.compat.not_emulated import _dropped_imports, _not_emulated
from tradedr.emulator.compat.properties import (
    IGNORED_PROPERTIES,
    _ignored_properties,
    apply_ignored_properties,
)
from tradedr.emulator.compat.rds import _replica_subnet_groups
from tradedr.emulator.compat.registry import emulated_types, is_emulated
from tradedr.emulator.compat.secretsmanager import (
    SECRET_TOKEN,
    _secrets_via_api,
    apply_attachments,
    provision_secrets,
)
from tradedr.emulator.compat.secretsmanager import (
    _generated_secret as _generated_secret,  # read by the unit tests
)
from tradedr.emulator.compat.tags import TAGS_AS_LIST, _tag_shapes
from tradedr.infra.synth import StackTemplate

# moto executes a change set without the backend's exports (Fn::ImportValue fails), and
# computes no outputs or exports for a stack created from one; the deployer uses
# CreateStack/UpdateStack on the emulator, and change sets on AWS.
CHANGE_SETS_WORK = False


PER_STACK_TRANSFORMS: tuple[Callable[[PreparedStack], None], ...] = (
    _secrets_via_api,
    _listener_certificates,
    _kms_keys,
    _tag_shapes,
    _replica_subnet_groups,
    _unimplemented_attributes,
    _ignored_properties,
    _not_emulated,
)


def prepare_for_emulator(stacks: list[StackTemplate]) -> dict[str, PreparedStack]:
    """Every stack's template with the emulator transforms applied, keyed by stack name."""
    prepared = {s.name: PreparedStack(s.name, s.region, s.load()) for s in stacks}
    _global_tables_to_tables(prepared, {s.name: s.kind for s in stacks})
    dropped: set[str] = set()
    for stack in prepared.values():  # deployment order: exporters before importers
        _dropped_imports(stack, dropped)
        for transform in PER_STACK_TRANSFORMS:
            transform(stack)
        dropped |= set(stack.dropped_exports)
    return prepared


def public_outputs(outputs: dict[str, str]) -> dict[str, str]:
    """Stack outputs without the ones the transforms added for themselves."""
    return {k: v for k, v in outputs.items() if not k.startswith(COMPAT_OUTPUT_PREFIX)}


__all__ = [
    "CERTIFICATE_TOKEN",
    "CHANGE_SETS_WORK",
    "COMPAT_OUTPUT_PREFIX",
    "EMULATOR_CERTIFICATE_DOMAIN",
    "IGNORED_PROPERTIES",
    "MOTO_ALB_HOSTED_ZONE",
    "NOT_EMULATED",
    "PER_STACK_TRANSFORMS",
    "PLACEHOLDER_PREFIX",
    "SECRET_TOKEN",
    "SUBSTITUTED",
    "TAGS_AS_LIST",
    "UNIMPLEMENTED_ATTRIBUTES",
    "CompatNote",
    "PreparedStack",
    "PropertyApplication",
    "SecretSubstitute",
    "apply_attachments",
    "apply_ignored_properties",
    "emulated_types",
    "is_emulated",
    "prepare_for_emulator",
    "provision_certificates",
    "provision_secrets",
    "public_outputs",
    "self_signed_certificate",
]
