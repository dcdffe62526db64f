"""What the readiness checks know about the deployment: names, sizes and objectives.

A plain, standard-library dataclass so the same check modules run in `tradedr readiness`
and, inlined, in the scheduled Lambda function (`[readiness] schedule`), where tradedr's
config model is not installed. `infra.components.readiness.readiness_facts` derives it from
the config (through `Names`, like every physical name); the CLI adds what only the plan
model knows, the IAM actions of the failover plan's calls in the standby.
"""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass, field, fields
from typing import Any


@dataclass(frozen=True)
class ReadinessFacts:
    primary: str
    standby: str
    replicates_data: bool
    runs_standby_app: bool
    aurora: bool
    rpo_seconds: int
    backup_rpo_seconds: int
    instance_type: str
    asg_max: int
    traffic: str
    # region -> desired instances before any failover (the posture's); routed regions only
    desired: dict[str, int]
    codes: dict[str, str]
    db_identifiers: dict[str, str]
    db_clusters: dict[str, str]
    global_cluster: str
    db_secret: str
    kms_aliases: dict[str, str]
    asg: str
    global_stack: str
    traffic_stack: str
    control_plane_region: str
    backup_vault: str
    sessions_table: str
    # [stack, region] of every data and replica stack
    data_stacks: list[list[str]]
    # The IAM actions of the failover plans' calls in the standby; None where the plan
    # model is not at hand (the scheduled function).
    standby_actions: list[str] | None = None
    role_arn: str | None = None
    extra: dict[str, Any] = field(default_factory=dict)

    @property
    def routed(self) -> list[str]:
        return list(self.desired)

    def to_json(self) -> str:
        return json.dumps(asdict(self), sort_keys=True, separators=(",", ":"))

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> ReadinessFacts:
        known = {f.name for f in fields(cls)}
        unknown = sorted(set(data) - known)
        if unknown:
            raise ValueError(f"unknown readiness facts: {', '.join(unknown)}")
        return cls(**data)

    @classmethod
    def from_json(cls, text: str) -> ReadinessFacts:
        return cls.from_dict(json.loads(text))
