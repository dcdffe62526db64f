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

import hashlib
import json
import random
import re
import secrets
import threading
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal

from botocore.exceptions import (
    ClientError,
    ConnectionClosedError,
    ConnectTimeoutError,
    EndpointConnectionError,
    ReadTimeoutError,
)

from tradedr.errors import AwsOperationError, ConfigError, TradedrError
from tradedr.evidence.chain import Chain
from tradedr.fileio import append_private, private_state_dir
from tradedr.ops.actions import action_for, params_problem
from tradedr.ops.actions.base import DONE_STATUSES, ExecutionContext, Outcome, Status
from tradedr.ops.plans import Plan, Step

if TYPE_CHECKING:
    from tradedr.evidence.provenance import Provenance

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
    approval: dict[str, Any] | None = None

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
    warnings: list[str] = field(default_factory=list)

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
            "warnings": self.warnings,
            "steps": [r.as_dict() for r in self.records],
        }


JOURNAL_EVENTS = frozenset({"run-start", "step-start", "step-retry", "step-end", "run-end"})
_REQUIRED_FIELDS: dict[str, tuple[str, ...]] = {
    "step-start": ("step",),
    "step-retry": ("step",),
    "step-end": ("step", "outcome", "start", "end"),
}


class ResumeRefusedError(TradedrError):
    """A resume that would act on a world its plan was not made for: exit 1, explained."""

    exit_code = 1


class CorruptStateError(TradedrError):
    """A journal or plan that cannot be trusted: refused, naming the file and line."""

    exit_code = 2


def line_checksum(fields: dict[str, Any]) -> str:
    """SHA-256 of the event's canonical JSON: a line that was cut or edited shows."""
    canonical = json.dumps(fields, sort_keys=True, default=str, separators=(",", ":"))
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()[:16]


class Journal:
    """Append-only JSON lines, each with a checksum and fsynced; one writer per run,
    guarded for parallel steps. A torn last line (a crash mid-write) is dropped with a
    warning; any other damage is refused, naming the file and line. Each line is a link of
    a hash chain (evidence/chain.py) stamped with the run's provenance, for
    `tradedr evidence verify`."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self._lock = threading.Lock()
        self.warnings: list[str] = []
        self.provenance: Provenance | None = None
        self._chain: Chain | None = None

    def append(self, event: str, **fields: Any) -> None:
        stamp = self.provenance.stamp() if self.provenance else {}
        with self._lock:
            if self._chain is None:
                signer = self.provenance.signer if self.provenance else None
                self._chain = Chain.open(self.path, signer)
            linked = self._chain.link({"event": event, "time": time.time(), **stamp, **fields})
            record = json.loads(json.dumps(linked, default=str))
            record["sum"] = line_checksum(record)
            line = json.dumps(record, default=str)
            append_private(self.path, line + "\n")
            self._chain.advance(line)
            self._chain.write_head(self.path)

    def events(self) -> list[dict[str, Any]]:
        if not self.path.exists():
            return []
        try:
            raw = self.path.read_bytes()
        except OSError as exc:
            raise CorruptStateError(f"{self.path}: cannot read the journal ({exc})") from None
        lines = raw.split(b"\n")
        complete = raw.endswith(b"\n")
        events: list[dict[str, Any]] = []
        started: set[str] = set()
        for number, line in enumerate(lines, start=1):
            if not line.strip():
                continue
            last = number == len(lines) or (number == len(lines) - 1 and complete)
            problem, event = _parse_line(line)
            if problem is None and event is not None:
                problem = _structure_problem(event, started)
            if problem is not None:
                torn = last and (not complete or problem.startswith("not JSON"))
                if torn:
                    self.warnings.append(
                        f"{self.path}:{number}: torn last line dropped ({problem}); the step "
                        "it recorded runs again, which is safe: every action is idempotent"
                    )
                    continue
                raise CorruptStateError(
                    f"{self.path}:{number}: {problem}; the journal cannot be trusted, so the "
                    "run is not resumed (start a new run)"
                )
            assert event is not None
            if event["event"] == "step-start":
                started.add(str(event["step"]))
            events.append(event)
        return events

    def completed(self) -> dict[str, dict[str, Any]]:
        """step id -> its successful step-end event."""
        return {
            e["step"]: e
            for e in self.events()
            if e["event"] == "step-end" and e.get("outcome") in DONE_STATUSES
        }

    def status(self) -> str | None:
        """The status of the last run-end ("completed", "stopped"), or None."""
        ends = [e for e in self.events() if e["event"] == "run-end"]
        return str(ends[-1].get("status")) if ends else None


def _parse_line(line: bytes) -> tuple[str | None, dict[str, Any] | None]:
    try:
        event = json.loads(line.decode("utf-8"))
    except (UnicodeDecodeError, ValueError):
        return "not JSON (cut off or overwritten)", None
    if not isinstance(event, dict):
        return "not a journal event", None
    checksum = event.pop("sum", None)
    if checksum is not None and checksum != line_checksum(event):
        return "checksum mismatch (the line was changed after it was written)", None
    return None, event


def _structure_problem(event: dict[str, Any], started: set[str]) -> str | None:
    kind = event.get("event")
    if kind not in JOURNAL_EVENTS:
        return f"unknown event {kind!r}"
    missing = [name for name in _REQUIRED_FIELDS.get(str(kind), ()) if name not in event]
    if missing:
        return f"{kind} without {', '.join(missing)}"
    if kind == "step-end" and str(event["step"]) not in started:
        return f"step-end of {event['step']} with no step-start before it"
    return None


RUN_ID_PATTERN = re.compile(r"^[a-z]+-\d{8}T\d{6}Z-[0-9a-f]{4}$")


def new_run_id(plan: Plan) -> str:
    return f"{plan.kind}-{datetime.now(UTC):%Y%m%dT%H%M%SZ}-{secrets.token_hex(2)}"


def run_dir(runs_dir: Path, run_id: str) -> Path:
    return runs_dir / run_id


def known_runs(runs_dir: Path) -> list[str]:
    if not runs_dir.is_dir():
        return []
    return sorted(p.name for p in runs_dir.iterdir() if (p / "plan.json").is_file())


def load_plan(path: Path) -> Plan:
    """A saved plan, or one line naming the file when it is cut off or not a plan."""
    try:
        return Plan.load(path)
    except (OSError, UnicodeDecodeError, ValueError) as exc:
        first = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
        raise CorruptStateError(
            f"{path}: not a readable plan ({first}); the run cannot be resumed, start a new one"
        ) from None


class StepParamsError(CorruptStateError):
    """A journalled plan whose step parameters do not fit their action's model."""


def check_step_params(plan: Plan, path: Path) -> None:
    """Refuse a saved plan whose steps' parameters fail their action's model: one line
    naming the file, the step and the field."""
    for step in plan.steps():
        problem = params_problem(step)
        if problem is not None:
            raise StepParamsError(
                f"{path}: step {step.id} ({step.action.value}): {problem}; the run cannot be "
                "resumed, start a new one"
            )


def load_run(runs_dir: Path, run_id: str, *, check_params: bool = True) -> tuple[Plan, Journal]:
    """A run's plan and journal; the plan's step parameters are validated unless only its
    metadata is read (`check_params=False`)."""
    directory = run_dir(runs_dir, run_id)
    plan_path = directory / "plan.json"
    if not RUN_ID_PATTERN.match(run_id) or not plan_path.is_file():
        known = known_runs(runs_dir)
        hint = f" (known runs: {', '.join(known[-5:])})" if known else ""
        raise ConfigError(f"--resume {run_id}: no such run under {runs_dir}{hint}")
    plan = load_plan(plan_path)
    if check_params:
        check_step_params(plan, plan_path)
    return plan, Journal(directory / "journal.jsonl")


def first_start(journal: Journal) -> float | None:
    """When the run first started (its first run-start event)."""
    starts = [e for e in journal.events() if e["event"] == "run-start"]
    return float(starts[0]["time"]) if starts else None


def later_completed_runs(
    runs_dir: Path, plan: Plan, run_id: str, own_journal: Journal
) -> list[str]:
    """Runs of the same deployment started after `run_id` that completed: once one has, the
    world `run_id` was planned for is gone, and its remaining steps must not run."""
    own = first_start(own_journal)
    if own is None:
        own = datetime.fromisoformat(plan.created_at).timestamp()
    later = []
    for other in known_runs(runs_dir):
        if other == run_id:
            continue
        try:
            other_plan, journal = load_run(runs_dir, other, check_params=False)
            began = first_start(journal)
            status = journal.status()
        except TradedrError:
            continue
        same_deployment = other_plan.prefix == plan.prefix
        if same_deployment and began is not None and began > own and status == "completed":
            later.append(other)
    return later


class Executor:
    """Runs plans against a context; `start` a new run, `resume` an interrupted one."""

    def __init__(
        self,
        ctx: ExecutionContext,
        *,
        runs_dir: Path = DEFAULT_RUNS_DIR,
        retry: RetryPolicy | None = None,
        progress: Any = None,
        heartbeat: Callable[[], None] | None = None,
        provenance: Provenance | None = None,
    ) -> None:
        self.ctx = ctx
        self.provenance = provenance
        self.runs_dir = runs_dir
        self.retry = retry or RetryPolicy()
        self.progress = progress
        self.heartbeat = heartbeat

    # Entry points ----------------------------------------------------------------------

    def start(self, plan: Plan, *, run_id: str | None = None) -> RunResult:
        run_id = run_id or new_run_id(plan)
        directory = run_dir(self.runs_dir, run_id)
        private_state_dir(self.runs_dir)
        directory.mkdir(mode=0o700, exist_ok=False)
        plan.save(directory / "plan.json")
        journal = Journal(directory / "journal.jsonl")
        return self._run(plan, journal, run_id, resumed=False)

    def resume(self, run_id: str) -> RunResult:
        """Continue a stopped run, but only in the world it was planned for: refused when a
        later run of the deployment completed or a completed step's effect no longer holds;
        every data guard and approval before a pending promotion runs again."""
        from tradedr.ops.resume import check_resumable, steps_to_rerun

        plan, journal = load_run(self.runs_dir, run_id)
        self.ctx.run_id = run_id
        done = journal.completed()
        later = later_completed_runs(self.runs_dir, plan, run_id, journal)
        if later:
            raise ResumeRefusedError(
                f"--resume {run_id}: refused, run {later[-1]} of {plan.prefix} started after it "
                "and completed, so the world this plan was made for is gone; start a new run"
            )
        problems = check_resumable(self.ctx, plan, done)
        if problems:
            raise ResumeRefusedError(
                f"--resume {run_id}: refused, the deployment changed since the run stopped: "
                + "; ".join(problems)
                + "; start a new run"
            )
        rerun = steps_to_rerun(plan, done)
        return self._run(plan, journal, run_id, resumed=True, rerun=rerun)

    def dry_run(self, plan: Plan) -> RunResult:
        """Preview every step: read-only steps really run, the others say what they would do."""
        started = time.time()
        records = []
        for step in plan.steps():
            self.ctx.begin_step(step.id)
            began = time.time()
            try:
                self.ctx.declare(action_for(step).calls(step))
                gap = self._gap(step)
                if gap is not None:
                    outcome = Outcome("not-emulated", gap)
                else:
                    outcome = action_for(step).preview(self.ctx, step)
            except Exception as exc:  # a dry run reports every problem it finds
                outcome = Outcome("failed", classify(exc)[1])
            records.append(self._record(step, outcome, began, 1))
            self.ctx.end_step()
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

    def _run(
        self,
        plan: Plan,
        journal: Journal,
        run_id: str,
        *,
        resumed: bool,
        rerun: frozenset[str] = frozenset(),
    ) -> RunResult:
        self.ctx.run_id = run_id
        journal.provenance = self.provenance
        done = {k: v for k, v in journal.completed().items() if k not in rerun}
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
            **({"rerun": sorted(rerun)} if rerun else {}),
            **(self.provenance.run_start() if self.provenance else {}),
        )
        for group in plan.groups:
            pending = [s for s in group.steps if s.id not in done]
            if not pending:
                continue
            if self.heartbeat is not None:
                self.heartbeat()
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
                    warnings=list(journal.warnings),
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
            warnings=list(journal.warnings),
        )

    def _run_step(self, step: Step, journal: Journal) -> tuple[StepRecord, tuple[str, int] | None]:
        try:
            return self._attempt_step(step, journal)
        finally:
            self.ctx.end_step()

    def _attempt_step(
        self, step: Step, journal: Journal
    ) -> tuple[StepRecord, tuple[str, int] | None]:
        action = action_for(step)
        began = time.time()
        attempt = 0
        while True:
            attempt += 1
            self.ctx.begin_step(step.id)
            journal.append(
                "step-start",
                step=step.id,
                action=step.action.value,
                region=step.region,
                attempt=attempt,
            )
            self._notify("start", step, attempt)
            try:
                self.ctx.declare(action.calls(step))
                gap = self._gap(step)
                if gap is not None:
                    outcome = Outcome("not-emulated", gap)
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

    def _gap(self, step: Step) -> str | None:
        """Why the backend cannot perform the whole step (its action's `requires`), or None."""
        needed = action_for(step).requires
        if needed is None:
            return None
        return self.ctx.backend.gap(needed, f"{step.action.value} not emulated")

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
            approval=outcome.data.get("approval"),
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
            **({"approval": self._approval(record.approval)} if record.approval else {}),
        )
        self._notify("end", None, record.attempts, record)

    def _approval(self, approval: dict[str, Any]) -> dict[str, Any]:
        """Who approved (the run's operator) besides when and how (the action's answer)."""
        who = self.provenance.operator.id if self.provenance else "unrecorded"
        return {"by": who, **approval}

    def _notify(self, event: str, step: Step | None, attempt: int, extra: Any = None) -> None:
        if self.progress is not None:
            self.progress(event, step, attempt, extra)
