"""Run a plan group by group, journaling every step so a run can be resumed.

The journal (`<runs>/<RUN_ID>/journal.jsonl`) is append-only JSON lines: run-start (with
the target: measured durations from the emulator must never pass for AWS timings),
step-start, step-retry, step-end (outcome, start, end, attempts, API request ids) and
run-end. A step with a successful step-end is never run again by `resume`; a step that
started but did not finish is simply run again, which is safe because every action is
idempotent. Throttling, 5xx and timeouts are retried with exponential backoff and full
jitter; access and validation errors stop the plan at once with the journal intact.
"""

from __future__ import annotations

import json
import random
import secrets
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, Literal

from botocore.exceptions import (
    ClientError,
    ConnectionClosedError,
    ConnectTimeoutError,
    EndpointConnectionError,
    ReadTimeoutError,
)

from tradedr.errors import AwsOperationError, TradedrError
from tradedr.ops.actions import action_for
from tradedr.ops.actions.base import DONE_STATUSES, ExecutionContext, Outcome, Status
from tradedr.ops.plans import Plan, Step

DEFAULT_RUNS_DIR = Path(".tradedr/runs")

THROTTLING_CODES = frozenset(
    {
        "Throttling",
        "ThrottlingException",
        "ThrottledException",
        "RequestLimitExceeded",
        "TooManyRequestsException",
        "RequestThrottled",
        "RequestThrottledException",
        "SlowDown",
        "ProvisionedThroughputExceededException",
        "PriorRequestNotComplete",
    }
)
SERVER_CODES = frozenset(
    {
        "InternalFailure",
        "InternalError",
        "InternalServerError",
        "InternalServiceError",
        "ServiceUnavailable",
        "ServiceUnavailableException",
        "RequestTimeout",
        "RequestTimeoutException",
    }
)
ACCESS_CODES = frozenset(
    {
        "AccessDenied",
        "AccessDeniedException",
        "UnauthorizedOperation",
        "UnrecognizedClientException",
        "InvalidClientTokenId",
        "ExpiredToken",
        "ExpiredTokenException",
    }
)

Verdict = Literal["retry", "stop"]


def classify(exc: BaseException) -> tuple[Verdict, str]:
    """Decide whether a failed step may be retried, and describe the failure for a human."""
    if isinstance(exc, ClientError):
        error = exc.response.get("Error", {})
        code = str(error.get("Code", "Unknown"))
        status = int(exc.response.get("ResponseMetadata", {}).get("HTTPStatusCode") or 0)
        where = f"{exc.operation_name}: {code}: {error.get('Message', '')}".rstrip(": ")
        if code in THROTTLING_CODES:
            return "retry", f"throttled ({where})"
        if code in SERVER_CODES or status >= 500:
            return "retry", f"server error ({where})"
        if code in ACCESS_CODES:
            return "stop", (
                f"access denied ({where}); grant the permission to the credentials in use, "
                "then resume"
            )
        return "stop", f"request rejected ({where}); fix the cause, then resume"
    if isinstance(exc, ReadTimeoutError | ConnectTimeoutError | ConnectionClosedError):
        return "retry", f"timeout ({exc})"
    if isinstance(exc, EndpointConnectionError):
        return "retry", f"endpoint unreachable ({exc})"
    if isinstance(exc, TradedrError):
        return "stop", exc.message
    return "stop", f"{type(exc).__name__}: {exc}"


@dataclass
class RetryPolicy:
    """Exponential backoff with full jitter, capped; `max_attempts` counts the first try."""

    max_attempts: int = 5
    base_seconds: float = 0.5
    cap_seconds: float = 20.0
    rng: random.Random = field(default_factory=random.Random)

    def delay(self, attempt: int) -> float:
        return self.rng.uniform(0, min(self.cap_seconds, self.base_seconds * 2 ** (attempt - 1)))


@dataclass
class StepRecord:
    step_id: str
    action: str
    region: str
    status: Status
    started_at: float
    ended_at: float
    attempts: int = 1
    detail: str = ""
    request_ids: list[str] = field(default_factory=list)
    calls: list[str] = field(default_factory=list)
    previous_run: bool = False

    @property
    def seconds(self) -> float:
        return max(0.0, self.ended_at - self.started_at)

    def as_dict(self) -> dict[str, Any]:
        return {
            "step": self.step_id,
            "action": self.action,
            "region": self.region,
            "status": self.status,
            "seconds": round(self.seconds, 3),
            "attempts": self.attempts,
            "detail": self.detail,
            "request_ids": self.request_ids,
            "previous_run": self.previous_run,
        }


@dataclass
class RunResult:
    run_id: str
    plan: Plan
    status: Literal["completed", "stopped", "dry-run"]
    records: list[StepRecord]
    started_at: float
    ended_at: float
    message: str = ""
    exit_code: int = 0
    journal_path: Path | None = None

    @property
    def total_seconds(self) -> float:
        return max(0.0, self.ended_at - self.started_at)

    def record(self, step_id: str) -> StepRecord | None:
        for item in self.records:
            if item.step_id == step_id:
                return item
        return None

    def as_dict(self) -> dict[str, Any]:
        return {
            "run_id": self.run_id,
            "plan": self.plan.title,
            "status": self.status,
            "message": self.message,
            "total_seconds": round(self.total_seconds, 3),
            "journal": str(self.journal_path) if self.journal_path else None,
            "steps": [r.as_dict() for r in self.records],
        }


class Journal:
    """Append-only JSON lines; one writer per run, guarded for parallel steps."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self._lock = threading.Lock()

    def append(self, event: str, **fields: Any) -> None:
        line = json.dumps({"event": event, "time": time.time(), **fields}, default=str)
        with self._lock, self.path.open("a", encoding="utf-8") as handle:
            handle.write(line + "\n")
            handle.flush()

    def events(self) -> list[dict[str, Any]]:
        if not self.path.exists():
            return []
        return [
            json.loads(line)
            for line in self.path.read_text(encoding="utf-8").splitlines()
            if line.strip()
        ]

    def completed(self) -> dict[str, dict[str, Any]]:
        """step id -> its successful step-end event."""
        return {
            e["step"]: e
            for e in self.events()
            if e["event"] == "step-end" and e.get("outcome") in DONE_STATUSES
        }


def new_run_id(plan: Plan) -> str:
    return f"{plan.kind}-{datetime.now(UTC):%Y%m%dT%H%M%SZ}-{secrets.token_hex(2)}"


def run_dir(runs_dir: Path, run_id: str) -> Path:
    return runs_dir / run_id


def load_run(runs_dir: Path, run_id: str) -> tuple[Plan, Journal]:
    directory = run_dir(runs_dir, run_id)
    plan_path = directory / "plan.json"
    if not plan_path.is_file():
        known = sorted(p.name for p in runs_dir.glob("*") if (p / "plan.json").is_file())
        hint = f" (known runs: {', '.join(known[-5:])})" if known else ""
        raise TradedrError(f"no run {run_id!r} under {runs_dir}{hint}")
    return Plan.load(plan_path), Journal(directory / "journal.jsonl")


class Executor:
    """Runs plans against a context; `start` a new run, `resume` an interrupted one."""

    def __init__(
        self,
        ctx: ExecutionContext,
        *,
        runs_dir: Path = DEFAULT_RUNS_DIR,
        retry: RetryPolicy | None = None,
        progress: Any = None,
    ) -> None:
        self.ctx = ctx
        self.runs_dir = runs_dir
        self.retry = retry or RetryPolicy()
        self.progress = progress

    # Entry points ----------------------------------------------------------------------

    def start(self, plan: Plan, *, run_id: str | None = None) -> RunResult:
        run_id = run_id or new_run_id(plan)
        directory = run_dir(self.runs_dir, run_id)
        directory.mkdir(parents=True, exist_ok=False)
        plan.save(directory / "plan.json")
        journal = Journal(directory / "journal.jsonl")
        return self._run(plan, journal, run_id, resumed=False)

    def resume(self, run_id: str) -> RunResult:
        plan, journal = load_run(self.runs_dir, run_id)
        return self._run(plan, journal, run_id, resumed=True)

    def dry_run(self, plan: Plan) -> RunResult:
        """Preview every step: read-only steps really run, the others say what they would do."""
        started = time.time()
        records = []
        for step in plan.steps():
            self.ctx.begin_step()
            began = time.time()
            try:
                if self.ctx.emulated and not action_for(step).emulated:
                    outcome = Outcome("not-emulated", "the emulator has no such API")
                else:
                    outcome = action_for(step).preview(self.ctx, step)
            except Exception as exc:  # a dry run reports every problem it finds
                outcome = Outcome("failed", classify(exc)[1])
            records.append(self._record(step, outcome, began, 1))
        failed = [r for r in records if r.status == "failed"]
        return RunResult(
            run_id="dry-run",
            plan=plan,
            status="dry-run",
            records=records,
            started_at=started,
            ended_at=time.time(),
            message=f"{len(failed)} step(s) would fail now" if failed else "nothing was changed",
            exit_code=1 if failed else 0,
        )

    # Internals -------------------------------------------------------------------------

    def _run(self, plan: Plan, journal: Journal, run_id: str, *, resumed: bool) -> RunResult:
        self.ctx.run_id = run_id
        done = journal.completed()
        records: list[StepRecord] = [
            StepRecord(
                step_id=step.id,
                action=step.action.value,
                region=step.region,
                status=done[step.id]["outcome"],
                started_at=done[step.id]["start"],
                ended_at=done[step.id]["end"],
                attempts=done[step.id].get("attempts", 1),
                detail=done[step.id].get("detail", ""),
                request_ids=done[step.id].get("request_ids", []),
                previous_run=True,
            )
            for step in plan.steps()
            if step.id in done
        ]
        started = time.time()
        journal.append(
            "run-start",
            run_id=run_id,
            plan=plan.title,
            target=self.ctx.target,
            resumed=resumed,
            already_done=sorted(done),
        )
        for group in plan.groups:
            pending = [s for s in group.steps if s.id not in done]
            if not pending:
                continue
            if len(pending) == 1:
                results = [self._run_step(pending[0], journal)]
            else:
                with ThreadPoolExecutor(max_workers=len(pending)) as pool:
                    results = list(pool.map(lambda s: self._run_step(s, journal), pending))
            records += [record for record, _ in results]
            failure = next((error for _, error in results if error is not None), None)
            if failure is not None:
                message, exit_code = failure
                journal.append("run-end", status="stopped", message=message)
                return RunResult(
                    run_id=run_id,
                    plan=plan,
                    status="stopped",
                    records=records,
                    started_at=started,
                    ended_at=time.time(),
                    message=f"{message}\njournal: {journal.path}\nresume with: --resume {run_id}",
                    exit_code=exit_code,
                    journal_path=journal.path,
                )
        journal.append("run-end", status="completed")
        return RunResult(
            run_id=run_id,
            plan=plan,
            status="completed",
            records=records,
            started_at=started,
            ended_at=time.time(),
            journal_path=journal.path,
        )

    def _run_step(self, step: Step, journal: Journal) -> tuple[StepRecord, tuple[str, int] | None]:
        action = action_for(step)
        began = time.time()
        attempt = 0
        while True:
            attempt += 1
            self.ctx.begin_step()
            journal.append(
                "step-start",
                step=step.id,
                action=step.action.value,
                region=step.region,
                attempt=attempt,
            )
            self._notify("start", step, attempt)
            try:
                if self.ctx.emulated and not action.emulated:
                    outcome = Outcome(
                        "not-emulated", f"the emulator has no {step.action.value} API"
                    )
                else:
                    outcome = action.run(self.ctx, step)
            except Exception as exc:
                verdict, reason = classify(exc)
                if verdict == "retry" and attempt < self.retry.max_attempts:
                    delay = self.retry.delay(attempt)
                    journal.append(
                        "step-retry",
                        step=step.id,
                        attempt=attempt,
                        error=reason,
                        delay=round(delay, 3),
                    )
                    self._notify("retry", step, attempt, reason)
                    self.ctx.sleep(delay)
                    continue
                if verdict == "retry":
                    reason = f"{reason}; gave up after {attempt} attempts"
                record = self._record(step, Outcome("failed", reason), began, attempt)
                self._end(journal, record)
                exit_code = (
                    exc.exit_code
                    if isinstance(exc, TradedrError)
                    else (AwsOperationError.exit_code)
                )
                message = f"step {step.id} ({step.action.value} in {step.region}) failed: {reason}"
                return record, (message, exit_code)
            record = self._record(step, outcome, began, attempt)
            self._end(journal, record)
            return record, None

    def _record(self, step: Step, outcome: Outcome, began: float, attempts: int) -> StepRecord:
        calls = self.ctx.recorded()
        return StepRecord(
            step_id=step.id,
            action=step.action.value,
            region=step.region,
            status=outcome.status,
            started_at=began,
            ended_at=time.time(),
            attempts=attempts,
            detail=outcome.detail,
            request_ids=[c.request_id for c in calls if c.request_id],
            calls=[f"{c.service}:{c.region}:{c.operation}" for c in calls],
        )

    def _end(self, journal: Journal, record: StepRecord) -> None:
        journal.append(
            "step-end",
            step=record.step_id,
            outcome=record.status,
            start=record.started_at,
            end=record.ended_at,
            seconds=round(record.seconds, 3),
            attempts=record.attempts,
            detail=record.detail,
            request_ids=record.request_ids,
            calls=record.calls,
        )
        self._notify("end", None, record.attempts, record)

    def _notify(self, event: str, step: Step | None, attempt: int, extra: Any = None) -> None:
        if self.progress is not None:
            self.progress(event, step, attempt, extra)
