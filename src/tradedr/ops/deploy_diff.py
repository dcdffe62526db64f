"""`tradedr deploy --diff`: each stack's change set against what is deployed, made with
deploy's own template and parameter handling, shown, and deleted again; nothing executes."""

from __future__ import annotations

import time
from pathlib import Path
from typing import Any

from botocore.exceptions import BotoCoreError, ClientError

from tradedr.config import Settings
from tradedr.emulator import compat
from tradedr.emulator.compat import PreparedStack
from tradedr.errors import AwsOperationError
from tradedr.infra.synth import StackTemplate
from tradedr.ops.changes import StackChanges, from_change_set, from_new_template
from tradedr.ops.clients import ClientProvider
from tradedr.ops.deploy import (
    CAPABILITIES,
    NO_CHANGES,
    RECREATE_STATUSES,
    Progress,
    _current,
    _describe,
    _error_text,
    _pages,
    _same_as_deployed,
    _template_source,
    _wait_change_set,
    deployment_order,
    stack_parameters,
)


def diff_all(
    settings: Settings,
    stacks: list[StackTemplate],
    provider: ClientProvider,
    *,
    target: str,
    progress: Progress | None = None,
) -> list[StackChanges]:
    """Each stack's change set against what is deployed, in deployment order; nothing is
    executed (every change set made is deleted again). A stack not deployed yet lists its
    template's resources as adds; one identical to the deployed stack is unchanged."""
    say = progress or (lambda _message: None)
    emulator = target == "local"
    ordered = deployment_order(stacks)
    prepared = (
        compat.prepare_for_emulator(ordered)
        if emulator
        else {s.name: PreparedStack(s.name, s.region, s.load()) for s in stacks}
    )
    outputs: dict[str, dict[str, str]] = {}
    found: list[StackChanges] = []
    try:
        for stack in ordered:
            cf = provider.client("cloudformation", stack.region)
            template = prepared[stack.name].template
            current = _current(cf, stack.name)
            if current is None or current["StackStatus"] in RECREATE_STATUSES:
                found.append(from_new_template(stack.name, stack.region, stack.kind, template))
                continue
            outputs[stack.name] = compat.public_outputs(_describe(cf, stack.name)[0])
            parameters = stack_parameters(template, outputs, emulator=emulator)
            if _same_as_deployed(cf, stack.name, current, template, parameters):
                found.append(StackChanges(stack.name, stack.region, stack.kind, "unchanged"))
                continue
            say(f"{stack.name} ({stack.region}): creating a change set to compare")
            found.append(_change_set_diff(cf, provider, stack, template, parameters))
    except ClientError as exc:
        raise AwsOperationError(f"deploy --diff: {_error_text(exc)}") from None
    except BotoCoreError as exc:
        raise AwsOperationError(f"deploy --diff: {exc}") from None
    return found


def _change_set_diff(
    cf: Any,
    provider: ClientProvider,
    stack: StackTemplate,
    template: dict[str, Any],
    parameters: dict[str, str],
) -> StackChanges:
    change_set = f"tradedr-diff-{int(time.time())}"
    cf.create_change_set(
        StackName=stack.name,
        ChangeSetName=change_set,
        ChangeSetType="UPDATE",
        Parameters=[{"ParameterKey": k, "ParameterValue": v} for k, v in parameters.items()],
        Capabilities=CAPABILITIES,
        Description="tradedr deploy --diff (never executed)",
        **_template_source(provider, stack, template),
    )
    try:
        described = _wait_change_set(cf, stack.name, change_set)
        if described["Status"] == "FAILED":
            reason = described.get("StatusReason", "")
            if any(marker in reason for marker in NO_CHANGES):
                return StackChanges(stack.name, stack.region, stack.kind, "unchanged")
            raise AwsOperationError(f"{stack.name}: change set failed: {reason}")
        pages = _pages(cf, stack.name, change_set, described)
    finally:
        cf.delete_change_set(StackName=stack.name, ChangeSetName=change_set)
    return from_change_set(stack.name, stack.region, stack.kind, pages)


def run_diff(
    settings: Settings,
    *,
    target: str,
    profile: str | None,
    outdir: Path,
    progress: Progress | None = None,
) -> list[StackChanges]:
    """Synthesize, then show each stack's change set against the target; change nothing."""
    from tradedr.infra.synth import synthesize
    from tradedr.ops.target import check_target, open_target

    check_target(target, profile)
    stacks = synthesize(settings, outdir)
    with open_target(target, profile) as opened:
        return diff_all(settings, stacks, opened.provider, target=target, progress=progress)
