"""Verdicts, the report, and what every check is given to run.

Standard library only (plus the facts): these modules are inlined into the scheduled
Lambda function as they are.
"""

from __future__ import annotations

import datetime as dt
import time
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from enum import StrEnum
from typing import Any, ClassVar

from tradedr.readiness.facts import ReadinessFacts


class Status(StrEnum):
    """`error`: the check could not ask (an API call failed), so readiness is unknown."""

    PASS = "pass"
    FAIL = "fail"
    NOT_APPLICABLE = "not-applicable"
    NOT_EMULATED = "not-emulated"
    ERROR = "error"


class CheckTimeoutError(Exception):
    """A wait inside a check ran past its limit (reported as the check's `error`)."""


@dataclass(frozen=True)
class Verdict:
    check: str
    region: str
    status: Status
    detail: str
    data: dict[str, Any] = field(default_factory=dict)

    @property
    def line(self) -> str:
        """The one-line verdict."""
        return f"{self.check} ({self.region}): {self.status.value}: {self.detail}"

    def to_dict(self) -> dict[str, Any]:
        return {**asdict(self), "status": self.status.value}


@dataclass
class ReadinessReport:
    target: str
    standby: str
    verdicts: list[Verdict]

    @property
    def exit_code(self) -> int:
        """0 every check passed, 3 a check could not ask AWS, else 1 when one failed."""
        statuses = {v.status for v in self.verdicts}
        if Status.ERROR in statuses:
            return 3
        return 1 if Status.FAIL in statuses else 0

    @property
    def passed(self) -> bool:
        return self.exit_code == 0

    def to_dict(self) -> dict[str, Any]:
        return {
            "target": self.target,
            "standby": self.standby,
            "passed": self.passed,
            "exit_code": self.exit_code,
            "checks": [v.to_dict() for v in self.verdicts],
        }


def _utcnow() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


@dataclass
class ReadinessContext:
    """Everything a check needs; tests swap the clock and the sleep.

    `provider` is anything with `client(service, region)` (tradedr's ClientProvider).
    """

    facts: ReadinessFacts
    provider: Any
    # Looked up when called, so a test can patch the module's clock and sleep.
    now: Callable[[], dt.datetime] = field(default=lambda: _utcnow())
    sleep: Callable[[float], None] = field(default=lambda seconds: time.sleep(seconds))
    poll_seconds: float = 5.0
    drift_timeout_seconds: float = 300.0

    @property
    def standby(self) -> str:
        return self.facts.standby

    @property
    def primary(self) -> str:
        return self.facts.primary

    def client(self, service: str, region: str) -> Any:
        return self.provider.client(service, region)

    def stack_outputs(self, stack: str, region: str) -> dict[str, str]:
        cf = self.client("cloudformation", region)
        described = cf.describe_stacks(StackName=stack)["Stacks"][0]
        return {o["OutputKey"]: o.get("OutputValue", "") for o in described.get("Outputs", [])}


class ReadinessCheck:
    """One read-only question about the standby; `run` answers pass or fail.

    `emulated` is False when moto cannot answer the question honestly (no such API, or an
    answer it fabricates): on `--target local` the check is reported `not-emulated`.
    """

    name: ClassVar[str]
    summary: ClassVar[str]
    emulated: ClassVar[bool] = True
    not_emulated_reason: ClassVar[str] = ""

    def run(self, ctx: ReadinessContext) -> Verdict:
        raise NotImplementedError

    def verdict(self, ctx: ReadinessContext, status: Status, detail: str, **data: Any) -> Verdict:
        return Verdict(self.name, ctx.standby, status, detail, data)
