"""Deploy every stack in dependency order, across regions, with change sets.

Stacks hold no cross-region references; the values that cross regions (each app stack's
ALB for the global stack) are deploy-time parameters filled from earlier stacks' outputs.
A stack whose template and parameters match what is deployed is left alone, so a re-run
after a failure resumes where it stopped. Each change set is reviewed before it executes
(ops/changes.py): a stateful replacement needs --allow-replace, and a data stack's replace
or remove, or any change on AWS, needs confirmation. `deploy_diff.py` shows the change sets
and executes nothing.
"""

from __future__ import annotations

import json
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from botocore.exceptions import BotoCoreError, ClientError
from botocore.parsers import ResponseParserError

from tradedr.config import Settings
from tradedr.emulator import compat
from tradedr.emulator.compat import CompatNote, PreparedStack
from tradedr.errors import AwsOperationError, ConfigError, TemplateError
from tradedr.infra.synth import StackTemplate
from tradedr.ops.changes import (
    DeployDeclinedError,
    StackChanges,
    from_change_set,
    refuse_replacements,
)
from tradedr.ops.clients import ClientProvider
from tradedr.templates.markers import PARAMETER_SOURCES

Progress = Callable[[str], None]

TEMPLATE_BODY_LIMIT = 51_200
CAPABILITIES = ["CAPABILITY_IAM", "CAPABILITY_NAMED_IAM", "CAPABILITY_AUTO_EXPAND"]
POLL_SECONDS = 2.0
STACK_TIMEOUT_SECONDS = 3 * 3600
NO_CHANGES = ("didn't contain changes", "No updates are to be performed")
RECREATE_STATUSES = {
    "ROLLBACK_COMPLETE",
    "ROLLBACK_FAILED",
    "CREATE_FAILED",
    "DELETE_FAILED",
    # A change set created but never executed (an interrupted run): nothing to keep.
    "REVIEW_IN_PROGRESS",
}
STABLE_STATUSES = {
    "CREATE_COMPLETE",
    "UPDATE_COMPLETE",
    "UPDATE_ROLLBACK_COMPLETE",
    "IMPORT_COMPLETE",
    "IMPORT_ROLLBACK_COMPLETE",
}


@dataclass
class StackOutcome:
    """What happened to one stack."""

    name: str
    region: str
    status: str  # created | updated | unchanged | failed | skipped
    seconds: float = 0.0
    created: int = 0
    not_emulated: list[CompatNote] = field(default_factory=list)
    substituted: list[CompatNote] = field(default_factory=list)
    failed_resource: str | None = None
    reason: str | None = None

    def to_dict(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "region": self.region,
            "status": self.status,
            "seconds": round(self.seconds, 2),
            "resources_created": self.created,
            "not_emulated": [n.logical_id for n in self.not_emulated],
            "substituted": [n.logical_id for n in self.substituted],
            "failed_resource": self.failed_resource,
            "reason": self.reason,
        }


@dataclass
class DeployResult:
    """The outcome of `deploy_all`: per-stack status and timing, outputs, and the gaps."""

    target: str
    stacks: list[StackOutcome] = field(default_factory=list)
    outputs: dict[str, dict[str, str]] = field(default_factory=dict)
    not_emulated: list[CompatNote] = field(default_factory=list)
    substituted: list[CompatNote] = field(default_factory=list)
    seconds: float = 0.0

    @property
    def ok(self) -> bool:
        return all(s.status not in ("failed", "skipped") for s in self.stacks)

    @property
    def failure(self) -> StackOutcome | None:
        return next((s for s in self.stacks if s.status == "failed"), None)

    def to_dict(self) -> dict[str, Any]:
        return {
            "target": self.target,
            "ok": self.ok,
            "seconds": round(self.seconds, 2),
            "stacks": [s.to_dict() for s in self.stacks],
            "outputs": self.outputs,
            "not_emulated": [n.to_dict() for n in self.not_emulated],
            "substituted": [n.to_dict() for n in self.substituted],
        }


@dataclass(frozen=True)
class Review:
    """How change sets are reviewed before they execute: the target (any change on AWS is
    confirmed), the stateful resources the operator allows to be replaced, and who confirms
    (None: nobody is asked, as in the drill on the emulator)."""

    target: str = "local"
    allow_replace: frozenset[str] = frozenset()
    confirm: Callable[[StackChanges], bool] | None = None


class StackFailedError(Exception):
    """A stack did not reach a stable state; carries the first failing resource."""

    def __init__(self, resource: str | None, reason: str) -> None:
        super().__init__(reason)
        self.resource = resource
        self.reason = reason


def deployment_order(stacks: list[StackTemplate]) -> list[StackTemplate]:
    """Topological order of the cloud assembly's dependencies, stable in synth order."""
    by_name = {s.name: s for s in stacks}
    ordered: list[StackTemplate] = []
    state: dict[str, str] = {}

    def visit(stack: StackTemplate, path: tuple[str, ...]) -> None:
        if state.get(stack.name) == "done":
            return
        if state.get(stack.name) == "visiting":
            cycle = " -> ".join((*path, stack.name))
            raise TemplateError(f"stack dependency cycle: {cycle}")
        state[stack.name] = "visiting"
        for dependency in stack.dependencies:
            if dependency in by_name:
                visit(by_name[dependency], (*path, stack.name))
        state[stack.name] = "done"
        ordered.append(stack)

    for stack in stacks:
        visit(stack, ())
    return ordered


def stack_parameters(
    template: dict[str, Any],
    outputs: dict[str, dict[str, str]],
    *,
    emulator: bool = False,
) -> dict[str, str]:
    """Values for the template's parameters from earlier stacks' outputs, as the template's
    Metadata names them; parameters with a default and no source keep their default.

    On the emulator a deployed stack may lack an output because the resource behind it is
    not emulated; the parameter then gets the same visible placeholder as in-stack refs."""
    sources = template.get("Metadata", {}).get(PARAMETER_SOURCES, {})
    values: dict[str, str] = {}
    for name, spec in template.get("Parameters", {}).items():
        source = sources.get(name)
        if source is None:
            if "Default" not in spec:
                raise TemplateError(f"parameter {name} has no default and no source in Metadata")
            continue
        value = outputs.get(source["stack"], {}).get(source["output"])
        if value is None and emulator and source["stack"] in outputs:
            value = f"{compat.PLACEHOLDER_PREFIX}{source['stack']}.{source['output']}"
        if value is None:
            raise TemplateError(
                f"parameter {name}: needs output {source['output']} of {source['stack']}, "
                "which is not deployed"
            )
        values[name] = value
    return values


def deploy_all(
    settings: Settings,
    stacks: list[StackTemplate],
    provider: ClientProvider,
    *,
    target: str,
    progress: Progress | None = None,
    review: Review | None = None,
) -> DeployResult:
    """Deploy `stacks` (synthesized from `settings`) in dependency order; stops at the first
    failed stack and marks the rest skipped. The templates carry everything the deployer
    needs; `settings` is part of the signature the drill and CLI share."""
    review = review or Review(target=target)
    say = progress or (lambda _message: None)
    started = time.monotonic()
    result = DeployResult(target=target)
    emulator = target == "local"
    ordered = deployment_order(stacks)
    if emulator:
        # In deployment order, so an export the emulator cannot make reaches its importers.
        prepared = compat.prepare_for_emulator(ordered)
    else:
        prepared = {s.name: PreparedStack(s.name, s.region, s.load()) for s in stacks}
    if not emulator:  # moto has no consistency mode to compare (no MRSC)
        refuse_consistency_switch(settings, provider)
    failed = False
    for stack in ordered:
        if failed:
            result.stacks.append(StackOutcome(stack.name, stack.region, "skipped"))
            continue
        outcome = _deploy_one(
            stack,
            prepared[stack.name],
            provider,
            result.outputs,
            emulator=emulator,
            say=say,
            review=review,
        )
        result.stacks.append(outcome)
        result.not_emulated.extend(outcome.not_emulated)
        result.substituted.extend(outcome.substituted)
        failed = outcome.status == "failed"
    if not failed and not emulator and settings.routing.traffic != "dns-failover":
        _store_traffic_controls(settings, provider, say)
    result.seconds = time.monotonic() - started
    return result


def refuse_consistency_switch(settings: Settings, provider: ClientProvider) -> None:
    """dynamodb-mrsc: an orders table already deployed under its name must be STRONG.
    A global table's consistency mode is fixed at creation, so CloudFormation could only fail
    (or replace a table that holds orders); refuse before any stack moves.
    https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/V2globaltables_HowItWorks.html#V2globaltables_HowItWorks.consistency-modes"""
    if not settings.database.is_mrsc:
        return
    from tradedr.names import Names

    name = Names(settings).orders_table
    region = settings.primary_region
    try:
        table = provider.client("dynamodb", region).describe_table(TableName=name)["Table"]
    except ClientError as exc:
        if exc.response.get("Error", {}).get("Code") == "ResourceNotFoundException":
            return  # not deployed yet: CloudFormation creates it STRONG
        raise AwsOperationError(f"cannot read {name} in {region}: {_error_text(exc)}") from None
    mode = table.get("MultiRegionConsistency", "EVENTUAL")
    if mode != "STRONG":
        raise ConfigError(
            f'database.engine: "dynamodb-mrsc" needs {name} in multi-Region strong '
            f"consistency, but it exists in {region} as {mode}; a global table's consistency "
            "mode cannot be changed after creation: move its items to a new table (another "
            "environment name) instead"
        )


def _store_traffic_controls(settings: Settings, provider: ClientProvider, say: Progress) -> None:
    """Copy the ARC / accelerator controls into every app region, for a failover out of
    us-west-2 (see ops/traffic.py); a failure here does not undo the deploy."""
    from tradedr.ops.traffic import controls_parameter, store_traffic_controls

    try:
        regions = store_traffic_controls(settings, provider)
    except (ClientError, BotoCoreError, AwsOperationError) as exc:
        say(f"WARNING: could not store the traffic controls copy: {exc}")
        return
    say(f"stored the traffic controls in {controls_parameter(settings)} ({', '.join(regions)})")


def _deploy_one(
    stack: StackTemplate,
    prepared: PreparedStack,
    provider: ClientProvider,
    outputs: dict[str, dict[str, str]],
    *,
    emulator: bool,
    say: Progress,
    review: Review,
) -> StackOutcome:
    started = time.monotonic()
    outcome = StackOutcome(stack.name, stack.region, "unchanged")
    cf = provider.client("cloudformation", stack.region)
    try:
        template = (
            compat.provision_secrets(prepared, provider) if prepared.secrets else prepared.template
        )
        if prepared.certificates:
            template = compat.provision_certificates(prepared, provider, template)
        parameters = stack_parameters(template, outputs, emulator=emulator)
        say(f"{stack.name} ({stack.region}): checking")
        outcome.status = _apply(cf, provider, stack, template, parameters, emulator, say, review)
        raw_outputs, physical = _describe(cf, stack.name)
        if emulator:
            done = compat.apply_ignored_properties(prepared, raw_outputs, physical, provider)
            if outcome.status != "unchanged":
                done += compat.apply_attachments(prepared, physical, provider)
            for item in done:
                say(f"{stack.name}: applied {item} through the API (moto ignores it on deploy)")
        outputs[stack.name] = compat.public_outputs(raw_outputs)
        _classify(outcome, prepared, physical, emulator)
    except StackFailedError as exc:
        outcome.status = "failed"
        outcome.failed_resource = exc.resource
        outcome.reason = exc.reason
        say(f"{stack.name}: FAILED at {exc.resource or 'stack'}: {exc.reason}")
    except ClientError as exc:
        outcome.status = "failed"
        outcome.reason = _error_text(exc)
        say(f"{stack.name}: FAILED: {outcome.reason}")
    except ResponseParserError:
        # The emulator answers HTTP 500 with an HTML page when one of its models crashes.
        outcome.status = "failed"
        outcome.reason = "the endpoint failed internally (HTTP 500) on this stack"
        say(f"{stack.name}: FAILED: {outcome.reason}")
    except BotoCoreError as exc:
        raise AwsOperationError(f"{stack.name} ({stack.region}): {exc}") from None
    outcome.seconds = time.monotonic() - started
    if outcome.status != "failed":
        say(
            f"{stack.name}: {outcome.status} in {outcome.seconds:.1f} s"
            + (f", {len(outcome.not_emulated)} not emulated" if outcome.not_emulated else "")
        )
    return outcome


def _error_text(exc: ClientError) -> str:
    error = exc.response.get("Error", {})
    return f"{error.get('Code', 'Error')}: {error.get('Message', str(exc))}"


def _classify(
    outcome: StackOutcome, prepared: PreparedStack, listed: dict[str, str], emulator: bool
) -> None:
    """Count what really exists. A template resource the stack does not list by logical id
    was not created (moto lists each skipped resource with empty ids), so it is reported
    as not emulated whether or not the compat analysis predicted it."""
    predicted = {n.logical_id: n for n in prepared.notes if n.handling == compat.NOT_EMULATED}
    outcome.created = len(listed)
    outcome.substituted = [n for n in prepared.notes if n.handling == compat.SUBSTITUTED]
    resources = prepared.template.get("Resources", {})
    for logical_id in sorted(set(resources) | set(predicted)):
        if logical_id in listed:
            continue
        note = predicted.get(logical_id) or CompatNote(
            prepared.name,
            prepared.region,
            logical_id,
            str(resources.get(logical_id, {}).get("Type", "?")),
            compat.NOT_EMULATED,
            "not listed by the emulator after deploy" if emulator else "not listed after deploy",
        )
        outcome.not_emulated.append(note)


def _type_of(template: dict[str, Any], logical_id: str) -> str:
    return str(template.get("Resources", {}).get(logical_id, {}).get("Type", "?"))


def _describe(cf: Any, name: str) -> tuple[dict[str, str], dict[str, str]]:
    stack = cf.describe_stacks(StackName=name)["Stacks"][0]
    outputs = {o["OutputKey"]: o.get("OutputValue", "") for o in stack.get("Outputs", [])}
    listed: dict[str, str] = {}
    for page in cf.get_paginator("list_stack_resources").paginate(StackName=name):
        for res in page["StackResourceSummaries"]:
            if res.get("LogicalResourceId"):
                listed[res["LogicalResourceId"]] = res.get("PhysicalResourceId") or ""
    return outputs, listed


def _current(cf: Any, name: str) -> dict[str, Any] | None:
    try:
        stack: dict[str, Any] = cf.describe_stacks(StackName=name)["Stacks"][0]
    except ClientError as exc:
        if "does not exist" in str(exc):
            return None
        raise
    if stack.get("StackStatus") == "DELETE_COMPLETE":
        return None
    return stack


def _apply(
    cf: Any,
    provider: ClientProvider,
    stack: StackTemplate,
    template: dict[str, Any],
    parameters: dict[str, str],
    emulator: bool,
    say: Progress,
    review: Review,
) -> str:
    current = _current(cf, stack.name)
    if current and emulator and current["StackStatus"].endswith("_IN_PROGRESS"):
        # moto works synchronously: a stack still "in progress" is a failed earlier create.
        current = {**current, "StackStatus": "CREATE_FAILED"}
    if (
        current
        and current["StackStatus"].endswith("_IN_PROGRESS")
        and (current["StackStatus"] != "REVIEW_IN_PROGRESS")
    ):
        say(f"{stack.name}: waiting for {current['StackStatus']} to finish")
        current = _wait_stable(
            cf, stack.name, before=_event_ids(cf, stack.name), say=say, allow_failed=True
        )
    if current and current["StackStatus"] in RECREATE_STATUSES:
        say(f"{stack.name}: {current['StackStatus']} from an earlier run; deleting to recreate")
        cf.delete_stack(StackName=stack.name)
        _wait_deleted(cf, stack.name)
        current = None
    if current and _same_as_deployed(cf, stack.name, current, template, parameters):
        return "unchanged"

    source = _template_source(provider, stack, template)
    change_type = "UPDATE" if current else "CREATE"
    if emulator and not compat.CHANGE_SETS_WORK:
        return _apply_directly(cf, stack, source, parameters, change_type, say)
    change_set = f"tradedr-{int(time.time())}"
    before = _event_ids(cf, stack.name)
    cf.create_change_set(
        StackName=stack.name,
        ChangeSetName=change_set,
        ChangeSetType=change_type,
        Parameters=[{"ParameterKey": k, "ParameterValue": v} for k, v in parameters.items()],
        Capabilities=CAPABILITIES,
        Description="tradedr deploy",
        **source,
    )
    described = _wait_change_set(cf, stack.name, change_set)
    if described["Status"] == "FAILED":
        reason = described.get("StatusReason", "")
        cf.delete_change_set(StackName=stack.name, ChangeSetName=change_set)
        if any(marker in reason for marker in NO_CHANGES):
            return "unchanged"
        raise StackFailedError(None, f"change set failed: {reason}")
    changes = from_change_set(
        stack.name, stack.region, stack.kind, _pages(cf, stack.name, change_set, described)
    )
    try:
        refuse_replacements(changes, review.allow_replace)
        asked = review.confirm is not None and changes.needs_confirmation(review.target)
        if asked and review.confirm is not None and not review.confirm(changes):
            raise DeployDeclinedError(
                f"{stack.name}: not confirmed; its change set was not executed "
                "(the stacks before it are deployed)"
            )
    except Exception:
        cf.delete_change_set(StackName=stack.name, ChangeSetName=change_set)
        raise
    say(
        f"{stack.name}: executing {change_type.lower()} change set ({len(changes.changes)} changes)"
    )
    cf.execute_change_set(StackName=stack.name, ChangeSetName=change_set)
    final = _wait_stable(cf, stack.name, before=before, say=say, allow_failed=False)
    if stack.kind == "data" and not emulator and not final.get("EnableTerminationProtection"):
        cf.update_termination_protection(StackName=stack.name, EnableTerminationProtection=True)
    return "created" if change_type == "CREATE" else "updated"


def _apply_directly(
    cf: Any,
    stack: StackTemplate,
    source: dict[str, str],
    parameters: dict[str, str],
    change_type: str,
    say: Progress,
) -> str:
    """CreateStack/UpdateStack, for the emulator whose change sets lose exports/outputs."""
    before = _event_ids(cf, stack.name)
    kwargs: dict[str, Any] = {
        "StackName": stack.name,
        "Parameters": [{"ParameterKey": k, "ParameterValue": v} for k, v in parameters.items()],
        "Capabilities": CAPABILITIES,
        **source,
    }
    say(f"{stack.name}: {'creating' if change_type == 'CREATE' else 'updating'}")
    if change_type == "CREATE":
        cf.create_stack(**kwargs)
    else:
        cf.update_stack(**kwargs)
    _wait_stable(cf, stack.name, before=before, say=say, allow_failed=False)
    return "created" if change_type == "CREATE" else "updated"


def _same_as_deployed(
    cf: Any,
    name: str,
    current: dict[str, Any],
    template: dict[str, Any],
    parameters: dict[str, str],
) -> bool:
    """No-op detection that works on the emulator too (it has no empty change sets)."""
    if current["StackStatus"] not in STABLE_STATUSES:
        return False
    deployed_params = {
        p["ParameterKey"]: p.get("ParameterValue", "") for p in current.get("Parameters", [])
    }
    if any(deployed_params.get(k) != v for k, v in parameters.items()):
        return False
    body = cf.get_template(StackName=name, TemplateStage="Original")["TemplateBody"]
    deployed = body if isinstance(body, dict) else json.loads(body)
    return bool(deployed == json.loads(json.dumps(template)))


def minified(template: dict[str, Any]) -> str:
    return json.dumps(template, separators=(",", ":"), sort_keys=False)


def _template_source(
    provider: ClientProvider, stack: StackTemplate, template: dict[str, Any]
) -> dict[str, str]:
    """TemplateBody when it fits CloudFormation's 51,200-byte limit, else a staging bucket."""
    body = minified(template)
    if len(body.encode("utf-8")) <= TEMPLATE_BODY_LIMIT:
        return {"TemplateBody": body}
    s3 = provider.client("s3", stack.region)
    account = provider.client("sts", stack.region).get_caller_identity()["Account"]
    bucket = f"tradedr-staging-{account}-{stack.region}"
    try:
        s3.head_bucket(Bucket=bucket)
    except ClientError:
        kwargs: dict[str, Any] = {"Bucket": bucket}
        if stack.region != "us-east-1":
            kwargs["CreateBucketConfiguration"] = {"LocationConstraint": stack.region}
        s3.create_bucket(**kwargs)
        # Templates only; nothing in it is ever public.
        s3.put_public_access_block(
            Bucket=bucket,
            PublicAccessBlockConfiguration={
                "BlockPublicAcls": True,
                "IgnorePublicAcls": True,
                "BlockPublicPolicy": True,
                "RestrictPublicBuckets": True,
            },
        )
    key = f"templates/{stack.name}-{int(time.time())}.json"
    s3.put_object(Bucket=bucket, Key=key, Body=body.encode("utf-8"))
    host = "s3.amazonaws.com" if stack.region == "us-east-1" else f"s3.{stack.region}.amazonaws.com"
    return {"TemplateURL": f"https://{bucket}.{host}/{key}"}


def _wait_change_set(cf: Any, name: str, change_set: str) -> dict[str, Any]:
    deadline = time.monotonic() + 600
    while True:
        described: dict[str, Any] = cf.describe_change_set(StackName=name, ChangeSetName=change_set)
        if described["Status"] in ("CREATE_COMPLETE", "FAILED"):
            return described
        if time.monotonic() > deadline:
            raise StackFailedError(None, f"change set {change_set} still {described['Status']}")
        time.sleep(POLL_SECONDS)


def _pages(cf: Any, name: str, change_set: str, first: dict[str, Any]) -> list[dict[str, Any]]:
    """Every page of a described change set (DescribeChangeSet pages by NextToken)."""
    pages = [first]
    while pages[-1].get("NextToken"):
        pages.append(
            cf.describe_change_set(
                StackName=name, ChangeSetName=change_set, NextToken=pages[-1]["NextToken"]
            )
        )
    return pages


def _event_ids(cf: Any, name: str) -> set[str]:
    """Events that exist before an operation, so only the operation's own are relayed
    (event ids, not timestamps: the emulator's clock need not match ours)."""
    try:
        events = cf.describe_stack_events(StackName=name)["StackEvents"]
    except ClientError:
        return set()
    return {e["EventId"] for e in events}


def _wait_stable(
    cf: Any, name: str, *, before: set[str], say: Progress, allow_failed: bool
) -> dict[str, Any]:
    """Poll until the stack leaves *_IN_PROGRESS, relaying new events; raise on failure."""
    seen = set(before)
    deadline = time.monotonic() + STACK_TIMEOUT_SECONDS
    while True:
        stack: dict[str, Any] = cf.describe_stacks(StackName=name)["Stacks"][0]
        for event in _new_events(cf, name, seen):
            reason = event.get("ResourceStatusReason")
            say(
                f"{name}: {event['LogicalResourceId']} {event['ResourceStatus']}"
                + (f" ({reason})" if reason else "")
            )
        status = stack["StackStatus"]
        if not status.endswith("_IN_PROGRESS"):
            if status in STABLE_STATUSES - {"UPDATE_ROLLBACK_COMPLETE"} or allow_failed:
                return stack
            raise StackFailedError(*_first_failure(cf, name, before, status))
        if time.monotonic() > deadline:
            raise StackFailedError(None, f"still {status} after {STACK_TIMEOUT_SECONDS} s")
        time.sleep(POLL_SECONDS)


def _new_events(cf: Any, name: str, seen: set[str]) -> list[dict[str, Any]]:
    try:
        events = cf.describe_stack_events(StackName=name)["StackEvents"]
    except ClientError:
        return []
    fresh = []
    for event in reversed(events):  # the API lists newest first
        if event["EventId"] not in seen:
            seen.add(event["EventId"])
            fresh.append(event)
    return fresh


def _first_failure(cf: Any, name: str, before: set[str], status: str) -> tuple[str | None, str]:
    """The earliest *_FAILED resource event of this operation, and its reason."""
    try:
        events = cf.describe_stack_events(StackName=name)["StackEvents"]
    except ClientError:
        events = []
    for event in reversed(events):
        if event["EventId"] in before:
            continue
        if event["ResourceStatus"].endswith("_FAILED") and event["LogicalResourceId"] != name:
            return event["LogicalResourceId"], event.get("ResourceStatusReason", status)
    return None, f"stack ended in {status}"


def _wait_deleted(cf: Any, name: str) -> None:
    deadline = time.monotonic() + STACK_TIMEOUT_SECONDS
    while _current(cf, name) is not None:
        status = _current(cf, name)
        if status and status["StackStatus"] == "DELETE_FAILED":
            raise StackFailedError(
                None, f"could not delete {name}: {status.get('StackStatusReason')}"
            )
        if time.monotonic() > deadline:
            raise StackFailedError(None, f"{name} not deleted after {STACK_TIMEOUT_SECONDS} s")
        time.sleep(POLL_SECONDS)


def run_deploy(
    settings: Settings,
    *,
    target: str,
    profile: str | None,
    outdir: Path,
    progress: Progress | None = None,
    allow_replace: frozenset[str] = frozenset(),
    confirm: Callable[[StackChanges], bool] | None = None,
) -> tuple[DeployResult, bool]:
    """Synthesize, then deploy to the target. Returns (result, emulator_was_ephemeral)."""
    from tradedr.infra.synth import synthesize
    from tradedr.ops.target import check_target, emulator_running, open_target

    check_target(target, profile)
    say = progress or (lambda _message: None)
    say(f"synthesizing {settings.prefix} into {outdir}")
    stacks = synthesize(settings, outdir)
    ephemeral = target == "local" and not emulator_running()
    with open_target(target, profile) as opened:
        if opened.endpoint_url:
            say(
                f"emulator at {opened.endpoint_url}"
                + (" (for this command only)" if ephemeral else "")
            )
        result = deploy_all(
            settings,
            stacks,
            opened.provider,
            target=target,
            progress=progress,
            review=Review(target=target, allow_replace=allow_replace, confirm=confirm),
        )
    return result, ephemeral
