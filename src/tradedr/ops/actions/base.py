"""What every action shares: the execution context, outcomes, and the action interface.

Every action is idempotent: it reads the current state first and only changes what is not
already as the step wants it, so the executor may retry or resume any step safely.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any, ClassVar, Literal, TypeVar

from botocore import xform_name
from pydantic import ValidationError

from tradedr.config import Settings
from tradedr.errors import PlanBugError, TradedrError
from tradedr.ops.backend import AwsBackend, Backend, Capability
from tradedr.ops.clients import ClientProvider
from tradedr.ops.plans import ActionKind, ApiCall, Step, StepParams, params_error

Target = Literal["local", "aws"]
Status = Literal["executed", "skipped", "not-emulated", "dry-run", "failed"]
DONE_STATUSES: frozenset[str] = frozenset({"executed", "skipped", "not-emulated"})


class PreconditionFailedError(TradedrError):
    """A step's precondition does not hold (e.g. replica lag above the RPO): stop, explain."""

    exit_code = 1


class PlanAbortedError(TradedrError):
    """An operator declined a manual approval."""

    exit_code = 1


class StepTimeoutError(TradedrError):
    """A wait inside a step ran past its limit."""

    exit_code = 3


@dataclass(frozen=True)
class RecordedCall:
    service: str
    region: str
    operation: str
    request_id: str | None


@dataclass(frozen=True)
class Outcome:
    status: Status
    detail: str = ""
    data: dict[str, Any] = field(default_factory=dict)


def always_approve(prompt: str) -> bool:
    """The approver of --yes and of the drill: recorded as an automatic approval."""
    return True


class _TargetsBackend(AwsBackend):
    """Placeholder default of ExecutionContext.backend: replaced by the target's backend."""


_BY_TARGET: Backend = _TargetsBackend()


@dataclass
class ExecutionContext:
    """Everything a step needs at run time; tests swap the clock, sleep and approver.

    `backend` says what the target really performs (tradedr.ops.backend); left out, it is
    the target's (`backend_for(target)`). Steps ask it, never the target's name."""

    provider: ClientProvider
    settings: Settings
    target: Target = "local"
    approver: Callable[[str], bool] = always_approve
    sleep: Callable[[float], None] = time.sleep
    clock: Callable[[], float] = time.monotonic
    poll_seconds: float = 5.0
    wait_timeout_seconds: float = 1800.0
    run_id: str = ""
    backend: Backend = _BY_TARGET
    _calls: threading.local = field(default_factory=threading.local, repr=False)

    def __post_init__(self) -> None:
        if self.backend is _BY_TARGET:
            from tradedr.ops.target import backend_for

            self.backend = backend_for(self.target)

    def begin_step(self, step_id: str | None = None) -> None:
        """Start recording a step's calls; none is allowed until `declare` says which."""
        self._calls.items = []
        self._calls.step = step_id
        self._calls.declared = None if step_id is None else frozenset()

    def declare(self, calls: Iterable[ApiCall]) -> None:
        """The calls the running step's action declares (`Action.calls`): `call` refuses
        any other, so what a plan says it calls (e.g. nothing in a lost region) holds."""
        self._calls.declared = frozenset((c.service, c.region, c.operation) for c in calls)

    def end_step(self) -> None:
        """The step is over: calls on this thread are no longer limited to its declaration."""
        self._calls.step = None
        self._calls.declared = None

    def recorded(self) -> list[RecordedCall]:
        items: list[RecordedCall] = getattr(self._calls, "items", [])
        return list(items)

    def call(self, service: str, region: str, operation: str, **kwargs: Any) -> dict[str, Any]:
        """Make one API call (PascalCase operation name) and record its request id.

        Inside a step, only a call its action declared: any other is a plan bug, refused
        before it leaves (exit 3). Outside a step (resume's checks) calls are not limited."""
        declared: frozenset[tuple[str, str, str]] | None = getattr(self._calls, "declared", None)
        if declared is not None and (service, region, operation) not in declared:
            step = getattr(self._calls, "step", None)
            raise PlanBugError(
                f"plan bug: step {step} called {service}:{operation} in {region}, which its "
                "action does not declare in calls(); refused, the call was not made"
            )
        client = self.provider.client(service, region)
        response: dict[str, Any] = getattr(client, xform_name(operation))(**kwargs)
        request_id = (response.get("ResponseMetadata") or {}).get("RequestId")
        if not hasattr(self._calls, "items"):
            self._calls.items = []
        self._calls.items.append(RecordedCall(service, region, operation, request_id))
        return response

    def wait_for(
        self,
        what: str,
        check: Callable[[], bool],
        *,
        timeout: float | None = None,
    ) -> None:
        """Poll `check` until it is true; raise StepTimeoutError naming `what` otherwise."""
        limit = self.wait_timeout_seconds if timeout is None else timeout
        deadline = self.clock() + limit
        while not check():
            if self.clock() >= deadline:
                raise StepTimeoutError(f"timed out after {limit:.0f} s waiting for {what}")
            self.sleep(self.poll_seconds)


class Action:
    """One kind of plan step. Subclasses declare their API calls and implement `run`."""

    kind: ClassVar[ActionKind]
    # What the whole step needs the backend to perform; where it does not, the executor
    # reports the step "not-emulated" without a call (tradedr.ops.backend).
    requires: ClassVar[Capability | None] = None
    # The model of this action's step parameters (in the action's module).
    Params: ClassVar[type[StepParams]] = StepParams
    # Pre-checks that change nothing really run during a dry run; post-condition checks
    # (verify, wait for DNS or lag) would only report the state before the plan, so not.
    read_only: ClassVar[bool] = False

    def calls(self, step: Step) -> list[ApiCall]:
        raise NotImplementedError

    def run(self, ctx: ExecutionContext, step: Step) -> Outcome:
        raise NotImplementedError

    def preview(self, ctx: ExecutionContext, step: Step) -> Outcome:
        """Dry run: what would happen. Read-only actions really run."""
        if self.read_only:
            return self.run(ctx, step)
        return Outcome("dry-run", f"would {step.title[0].lower()}{step.title[1:]}")


P = TypeVar("P", bound=StepParams)


def params_of(step: Step, model: type[P]) -> P:
    """The step's parameters as its action's model; a plan bug names the step and field."""
    try:
        return model.model_validate(step.params)
    except ValidationError as exc:
        raise PlanBugError(f"plan bug: step {step.id}: {params_error(exc)}") from None


def db_instance(ctx: ExecutionContext, region: str, identifier: str) -> dict[str, Any] | None:
    """The RDS instance, or None when it does not exist (any other error propagates)."""
    from botocore.exceptions import ClientError

    try:
        found = ctx.call("rds", region, "DescribeDBInstances", DBInstanceIdentifier=identifier)
    except ClientError as exc:
        if exc.response.get("Error", {}).get("Code") == "DBInstanceNotFound":
            return None
        raise
    instances: list[dict[str, Any]] = found.get("DBInstances", [])
    return instances[0] if instances else None


# Written by promote-replica: the source the instance was promoted away from.
PROMOTED_TAG = "tradedr:promoted-from"
# Written by retire-replica: the source a standby's old replica was detached from. Unlike
# PROMOTED_TAG it makes no claim to authority (ops/authority.py): the instance is stale.
DETACHED_TAG = "tradedr:detached-from"
# Written by retire-db and retire-replica on every instance they retire (the plan's stamp):
# validate names such instances stale, and destroy --delete-data finds them by it.
STALE_TAG = "tradedr:stale"


def replication_source(instance: dict[str, Any]) -> str | None:
    """The instance's replication source, or None for a writer.

    AWS clears ReadReplicaSourceDBInstanceIdentifier on promotion; the emulator (moto 5.2)
    keeps it, so a promoted instance is also recognised by the tag promote-replica writes,
    whose value must equal the current source (a later replica copied from it does not
    match and stays a replica).
    """
    source = instance.get("ReadReplicaSourceDBInstanceIdentifier")
    if not source:
        return None
    tags = {t["Key"]: t["Value"] for t in instance.get("TagList", [])}
    if source in (tags.get(PROMOTED_TAG), tags.get(DETACHED_TAG)):
        return None
    return str(source)


def follows(instance: dict[str, Any], writer_identifier: str) -> bool:
    """The instance is a read replica of the writer named `writer_identifier` (its source
    is that identifier, or the writer's ARN across regions)."""
    source = replication_source(instance)
    return source is not None and (
        source == writer_identifier or source.endswith(f":db:{writer_identifier}")
    )


def live_replicas(
    ctx: ExecutionContext, instance: dict[str, Any], *, formerly: str | None = None
) -> list[str]:
    """The read replicas that still replicate from `instance` (named by its identifier,
    or by `formerly`, the name it had before a rename), each looked up where it lives: RDS
    refuses to stop an instance that has one. (The emulator keeps a replica in its
    source's list after a promotion or a rename; only a live replica counts.)"""
    names = {str(instance["DBInstanceIdentifier"]), *([formerly] if formerly else [])}
    found = []
    for listed in instance.get("ReadReplicaDBInstanceIdentifiers") or []:
        listed = str(listed)
        if listed.startswith("arn:"):
            parts = listed.split(":")
            region, name = parts[3], parts[-1]
        else:
            region, name = (arn_region(instance) or "", listed)
        replica = db_instance(ctx, region, name) if region else None
        if replica is not None and any(follows(replica, n) for n in names):
            found.append(f"{name} ({region})")
    return found


def arn_region(instance: dict[str, Any]) -> str | None:
    """The region of an instance, from its ARN."""
    arn = str(instance.get("DBInstanceArn") or "")
    parts = arn.split(":")
    return parts[3] if len(parts) > 3 and parts[3] else None


def is_writer(instance: dict[str, Any]) -> bool:
    """A running instance that is not a read replica accepts writes."""
    return replication_source(instance) is None and instance.get("DBInstanceStatus") not in (
        "stopped",
        "stopping",
        "deleting",
    )


def db_cluster(ctx: ExecutionContext, region: str, identifier: str) -> dict[str, Any] | None:
    """The Aurora cluster, or None when it does not exist (any other error propagates)."""
    from botocore.exceptions import ClientError

    try:
        found = ctx.call("rds", region, "DescribeDBClusters", DBClusterIdentifier=identifier)
    except ClientError as exc:
        if exc.response.get("Error", {}).get("Code") == "DBClusterNotFoundFault":
            return None
        raise
    clusters: list[dict[str, Any]] = found.get("DBClusters", [])
    return clusters[0] if clusters else None


def global_writer_arn(
    ctx: ExecutionContext, region: str, global_id: str
) -> tuple[bool, str | None]:
    """(global cluster found, ARN of its writer member) as `region` sees it."""
    from botocore.exceptions import ClientError

    try:
        clusters = ctx.call(
            "rds", region, "DescribeGlobalClusters", GlobalClusterIdentifier=global_id
        ).get("GlobalClusters", [])
    except ClientError as exc:
        if exc.response.get("Error", {}).get("Code") == "GlobalClusterNotFoundFault":
            return False, None
        raise
    if not clusters:
        return False, None
    for member in clusters[0].get("GlobalClusterMembers", []):
        if member.get("IsWriter"):
            return True, str(member["DBClusterArn"])
    return True, None


def db_status_is(ctx: ExecutionContext, region: str, identifier: str, status: str) -> bool:
    return (db_instance(ctx, region, identifier) or {}).get("DBInstanceStatus") == status


def rename_db(ctx: ExecutionContext, region: str, identifier: str, new_identifier: str) -> None:
    """Free the stable name (retire-db, retire-replica): rename, then wait until the
    instance answers under its new name."""
    ctx.call(
        "rds",
        region,
        "ModifyDBInstance",
        DBInstanceIdentifier=identifier,
        NewDBInstanceIdentifier=new_identifier,
        ApplyImmediately=True,
    )
    ctx.wait_for(
        f"{identifier} to be renamed {new_identifier}",
        lambda: db_status_is(ctx, region, new_identifier, "available"),
    )


def wait_stopped(ctx: ExecutionContext, region: str, identifier: str) -> None:
    ctx.wait_for(f"{identifier} to stop", lambda: db_status_is(ctx, region, identifier, "stopped"))
