"""Failover and failback plans as data: ordered groups of steps, each one action in one region.

Modelled on Route 53 ARC Region switch plans: a plan is built, printed and checked before
anything runs, the executor runs it group by group (steps inside a group in parallel), and
the journal refers to steps by id. Because a plan is data, "an unplanned failover needs no
control plane of the failed region" is a static check over its API calls, not a promise.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import UTC, datetime
from enum import StrEnum
from pathlib import Path
from typing import Any, Literal, NamedTuple

from pydantic import BaseModel, ConfigDict, Field, ValidationError

# Services whose control plane lives in one region whatever region the client names.
GLOBAL_CONTROL_PLANES: dict[str, str] = {
    "route53": "us-east-1",
    "iam": "us-east-1",
    "cloudfront": "us-east-1",
    "globalaccelerator": "us-west-2",
}


def control_plane_region(service: str, region: str) -> str:
    """The region that must be up for a control-plane call of `service` to work."""
    return GLOBAL_CONTROL_PLANES.get(service, region)


class ActionKind(StrEnum):
    CHECK_REPLICA_LAG = "check-replica-lag"
    MANUAL_APPROVAL = "manual-approval"
    SCALE_ASG = "scale-asg"
    FENCE_PRIMARY = "fence-primary"
    PROMOTE_REPLICA = "promote-replica"
    UPDATE_DB_ENDPOINT = "update-db-endpoint"
    RETIRE_DB = "retire-db"
    RETIRE_REPLICA = "retire-replica"
    CREATE_REPLICA = "create-read-replica"
    WAIT_REPLICA = "wait-replica"
    SHIFT_TRAFFIC = "shift-traffic"
    SET_ROUTING_CONTROL = "set-routing-control"
    SET_TRAFFIC_DIAL = "set-traffic-dial"
    AURORA_GLOBAL_FAILOVER = "aurora-global-failover"
    UPDATE_TABLE_REPLICAS = "update-table-replicas"
    CHECK_MRSC_REPLICAS = "check-mrsc-replicas"
    BACKUP_JOB = "backup-job"
    VERIFY_HEALTH = "verify-health"


class TrafficMode(StrEnum):
    """How clients are moved: the config's routing decides which one a plan uses."""

    HEALTH_CHECK = "health-check"
    ROUTING_CONTROL = "routing-control"
    TRAFFIC_DIAL = "traffic-dial"


class ApiCall(NamedTuple):
    """One AWS operation a step may make; `plane` is "control" or "data"."""

    service: str
    region: str
    operation: str
    plane: str = "control"

    @property
    def home_region(self) -> str:
        if self.plane == "data":
            return self.region
        return control_plane_region(self.service, self.region)


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class StepParams(_Model):
    """The parameters of one kind of step: each action defines its model (in its own module
    under ops/actions/), recipes build it, and a resumed journal is validated against it.
    In a plan they are stored as the JSON of the fields that were given (`dump`)."""

    def dump(self) -> dict[str, Any]:
        return self.model_dump(mode="json", exclude_unset=True)


def params_error(exc: ValidationError) -> str:
    """The first problem of a parameter validation, as `params.<field>: <message>`."""
    first = exc.errors()[0]
    where = ".".join(str(part) for part in first.get("loc", ()))
    return f"params{'.' + where if where else ''}: {first.get('msg', 'invalid')}"


class Step(_Model):
    """One action in one region; `phase` "cleanup" steps run after recovery is verified."""

    id: str
    action: ActionKind
    region: str
    title: str
    params: dict[str, Any] = Field(default_factory=dict)
    preconditions: list[str] = Field(default_factory=list)
    verification: str = ""
    phase: Literal["recovery", "cleanup"] = "recovery"


class StepGroup(_Model):
    """Steps that do not depend on each other run in parallel; groups run in order."""

    name: str
    steps: list[Step]


PlanKind = Literal["failover", "failback", "fence"]
PlanMode = Literal["planned", "unplanned", "practice"]


class Plan(_Model):
    kind: PlanKind
    mode: PlanMode
    prefix: str
    source_region: str
    target_region: str
    rpo_seconds: int
    rto_seconds: int
    traffic_mode: TrafficMode = TrafficMode.HEALTH_CHECK
    created_at: str = Field(default_factory=lambda: datetime.now(UTC).isoformat(timespec="seconds"))
    notes: list[str] = Field(default_factory=list)
    groups: list[StepGroup]

    def steps(self) -> Iterator[Step]:
        for group in self.groups:
            yield from group.steps

    def step(self, step_id: str) -> Step:
        for candidate in self.steps():
            if candidate.id == step_id:
                return candidate
        raise KeyError(step_id)

    @property
    def title(self) -> str:
        """`failover us-east-1 -> us-west-2 (planned)`; a fence acts on one region only:
        `fence us-east-1`."""
        if self.kind == "fence":
            return f"fence {self.target_region}"
        return f"{self.kind} {self.source_region} -> {self.target_region} ({self.mode})"

    def api_calls(self) -> list[tuple[Step, ApiCall]]:
        """Every (step, call) the plan may make, as each action declares it."""
        from tradedr.ops.actions import action_for

        return [(step, call) for step in self.steps() for call in action_for(step).calls(step)]

    def to_json(self) -> str:
        return self.model_dump_json(indent=2)

    @classmethod
    def from_json(cls, text: str) -> Plan:
        return cls.model_validate_json(text)

    def save(self, path: Path) -> None:
        """Atomically (temporary file, fsync, rename) and private: a crash never leaves half
        a plan, and plans name account ids and endpoints."""
        from tradedr.fileio import write_private

        write_private(path, self.to_json() + "\n")

    @classmethod
    def load(cls, path: Path) -> Plan:
        return cls.from_json(path.read_text(encoding="utf-8"))

    def summary(self) -> dict[str, Any]:
        data: dict[str, Any] = json.loads(self.to_json())
        data["api_calls"] = [{"step": step.id, **call._asdict()} for step, call in self.api_calls()]
        return data


def failed_region_violations(plan: Plan, failed_region: str) -> list[str]:
    """Recovery-phase calls that need the failed region's control plane (should be none).

    Route 53's control plane lives in us-east-1, so with us-east-1 lost a record or
    health-check edit counts as a call into the failed region.
    """
    problems = []
    for step, call in plan.api_calls():
        if step.phase != "recovery" and plan.mode == "practice":
            continue
        if call.plane == "control" and call.home_region == failed_region:
            problems.append(
                f"{step.id}: {call.service}:{call.operation} needs the control plane in "
                f"{failed_region}"
            )
    return problems


def render_plan(plan: Plan) -> list[tuple[str, str, str, str, str]]:
    """Rows (group, step, action, region, what/verify) for a table."""
    rows = []
    for index, group in enumerate(plan.groups, start=1):
        parallel = " (parallel)" if len(group.steps) > 1 else ""
        for step in group.steps:
            detail = step.title
            if step.verification:
                detail += f"\n  verify: {step.verification}"
            for precondition in step.preconditions:
                detail += f"\n  requires: {precondition}"
            rows.append(
                (
                    f"{index}. {group.name}{parallel}",
                    step.id,
                    step.action.value,
                    step.region,
                    detail,
                )
            )
    return rows


def plan_text(plan: Plan) -> str:
    """Plain-text rendering for logs and the journal directory."""
    lines = [
        f"plan: {plan.title}",
        f"  prefix {plan.prefix}, RPO {plan.rpo_seconds} s, "
        f"RTO {plan.rto_seconds} s, traffic {plan.traffic_mode.value}",
    ]
    lines += [f"  note: {note}" for note in plan.notes]
    for group, step_id, action, region, detail in render_plan(plan):
        lines.append(f"  {group:<34} {step_id:<28} {action:<22} {region}")
        lines += [f"      {line.strip()}" for line in detail.splitlines()]
    return "\n".join(lines)
