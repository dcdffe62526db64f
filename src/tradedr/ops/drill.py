"""The DR drill: the whole lifecycle end to end, timed step by step.

synth -> deploy every region -> write sample sessions and objects -> validate -> lose the
primary region -> failover -> verify the standby serves -> failback -> validate -> report.

From the simulated loss on, every call to the lost region fails with a connection error
(and every Route 53 / IAM control-plane call too when the lost region is us-east-1), so
the failover proves it needs nothing from there. Steps the emulator cannot perform are
reported "not-emulated", never "executed"; the drill passes only when nothing failed.
"""

from __future__ import annotations

import json
import tempfile
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, Literal

from botocore.exceptions import BotoCoreError, ClientError

from tradedr.config import Settings
from tradedr.errors import TradedrError
from tradedr.names import Names
from tradedr.ops.backend import Backend, Capability
from tradedr.ops.clients import ClientProvider
from tradedr.ops.executor import RunResult
from tradedr.ops.faults import FaultInjectingProvider
from tradedr.ops.run import RunOptions
from tradedr.ops.target import local_lab, open_fresh_target

DrillStatus = Literal["executed", "not-emulated", "failed"]
Progress = Callable[[str], None]
SAMPLE_COUNT = 5
# A step's wait on the lab's real processes: a drain or catch-up needs a lag datapoint for
# a 60 s period that starts after the step did (up to a minute), plus health checks.
LAB_WAIT_SECONDS = 300.0


@dataclass
class DrillStep:
    name: str
    region: str
    status: DrillStatus
    seconds: float
    detail: str = ""

    def as_dict(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "region": self.region,
            "status": self.status,
            "seconds": round(self.seconds, 3),
            "detail": self.detail,
        }


@dataclass
class DrillReport:
    target: str
    prefix: str
    primary_region: str
    standby_region: str
    started_at: str
    steps: list[DrillStep] = field(default_factory=list)
    total_seconds: float = 0.0
    measured_recovery_seconds: float | None = None
    rto_seconds: int = 0
    # The analysis' region-loss RTO for these templates (p50/p99), to compare with.
    modelled_rto_seconds: dict[str, float] | None = None
    run_ids: dict[str, str] = field(default_factory=dict)
    mode: str = "unplanned"
    # The lab's data plane: the checker's findings, or why it did not run.
    data_plane: dict[str, Any] | None = None
    data_plane_unavailable: str | None = None

    @property
    def passed(self) -> bool:
        return bool(self.steps) and all(s.status != "failed" for s in self.steps)

    def counts(self) -> dict[str, int]:
        counts = {"executed": 0, "not-emulated": 0, "failed": 0}
        for step in self.steps:
            counts[step.status] += 1
        return counts

    def as_dict(self) -> dict[str, Any]:
        recovery = self.measured_recovery_seconds
        return {
            "target": self.target,
            "prefix": self.prefix,
            "primary_region": self.primary_region,
            "standby_region": self.standby_region,
            "started_at": self.started_at,
            "passed": self.passed,
            "counts": self.counts(),
            "steps": [s.as_dict() for s in self.steps],
            "total_seconds": round(self.total_seconds, 3),
            "measured_recovery_seconds": None if recovery is None else round(recovery, 3),
            "rto_seconds": self.rto_seconds,
            "modelled_rto_seconds": self.modelled_rto_seconds,
            "run_ids": self.run_ids,
            "mode": self.mode,
            "data_plane": self.data_plane,
            "data_plane_unavailable": self.data_plane_unavailable,
        }

    def markdown(self) -> str:
        recovery = self.measured_recovery_seconds
        lines = [
            f"# DR drill: {self.prefix} on {self.target}",
            "",
            f"- started: {self.started_at}",
            f"- regions: primary {self.primary_region}, standby {self.standby_region}",
            f"- result: **{'PASSED' if self.passed else 'FAILED'}** "
            + ", ".join(f"{n} {k}" for k, n in self.counts().items()),
            f"- total: {self.total_seconds:.1f} s",
            "- measured recovery (simulated loss -> standby verified serving): "
            + ("not reached" if recovery is None else f"{recovery:.1f} s")
            + f" (RTO target {self.rto_seconds} s)",
        ]
        if self.modelled_rto_seconds:
            model = self.modelled_rto_seconds
            lines.append(
                f"- modelled region-loss RTO (tradedr rto, same templates): p50 "
                f"{model['p50']:.0f} s, p99 {model['p99']:.0f} s"
            )
        if self.target == "local":
            lines.append(
                "- on the emulator, API calls answer at once: the recovery time measures the "
                "plan's own work, not AWS's (instance boot, DNS and health-check detection)"
            )
        if self.data_plane_unavailable:
            lines.append(f"- data plane not available: {self.data_plane_unavailable}")
        if self.data_plane:
            dp = self.data_plane
            lines.append(
                f"- data plane: {dp['orders_acknowledged']} orders acknowledged, lost "
                f"{dp['acknowledged_lost']}, split-brain writes {dp['split_brain_writes']}, "
                f"duplicates {dp['duplicates']}, client unavailable "
                f"{dp['client_unavailable_seconds']} s"
            )
        if self.run_ids:
            lines.append("- journals: " + ", ".join(f"{k} `{v}`" for k, v in self.run_ids.items()))
        lines += [
            "",
            "| # | step | region | status | seconds | detail |",
            "|---|---|---|---|---:|---|",
        ]
        for index, step in enumerate(self.steps, start=1):
            detail = step.detail.replace("|", "\\|").replace("\n", " ")
            lines.append(
                f"| {index} | {step.name} | {step.region} | {step.status} | "
                f"{step.seconds:.2f} | {detail} |"
            )
        return "\n".join(lines) + "\n"


class _Recorder:
    """Times each drill step and turns exceptions into failed steps."""

    def __init__(self, report: DrillReport, progress: Progress) -> None:
        self.report = report
        self.progress = progress
        self.stopped = False

    def add(self, step: DrillStep) -> DrillStep:
        self.report.steps.append(step)
        mark = {"executed": "ok", "not-emulated": "not emulated", "failed": "FAILED"}
        self.progress(
            f"{step.name} [{step.region}]: {mark[step.status]} ({step.seconds:.2f} s)"
            + (f" - {step.detail}" if step.status == "failed" else "")
        )
        if step.status == "failed":
            self.stopped = True
        return step

    def run(self, name: str, region: str, work: Callable[[], tuple[DrillStatus, str]]) -> DrillStep:
        began = time.monotonic()
        try:
            status, detail = work()
        except (TradedrError, ClientError, BotoCoreError, OSError) as exc:
            message = exc.message if isinstance(exc, TradedrError) else str(exc)
            status, detail = "failed", message
        return self.add(DrillStep(name, region, status, time.monotonic() - began, detail))

    def plan(self, label: str, result: RunResult) -> None:
        """One drill row per plan step, plus the reason when the plan stopped."""
        for record in result.records:
            status: DrillStatus = (
                "failed"
                if record.status == "failed"
                else "not-emulated"
                if record.status == "not-emulated"
                else "executed"
            )
            detail = record.detail
            if record.status == "skipped":
                detail = f"already as wanted: {detail}"
            self.add(
                DrillStep(
                    f"{label}: {record.step_id}", record.region, status, record.seconds, detail
                )
            )
        if result.status != "completed":
            self.add(
                DrillStep(
                    f"{label}: stopped", result.plan.target_region, "failed", 0.0, result.message
                )
            )


def _sample_keys(run: str) -> list[tuple[str, str]]:
    return [(f"drill#{run}", f"session#{i}") for i in range(SAMPLE_COUNT)]


def write_samples(
    provider: ClientProvider, settings: Settings, run: str
) -> tuple[DrillStatus, str]:
    names = Names(settings)
    region = settings.primary_region
    table = provider.client("dynamodb", region)
    bucket = provider.client("s3", region)
    for pk, sk in _sample_keys(run):
        table.put_item(
            TableName=names.sessions_table,
            Item={"pk": {"S": pk}, "sk": {"S": sk}, "written": {"S": run}},
        )
        bucket.put_object(
            Bucket=names.bucket(region), Key=f"drill/{run}/{sk}", Body=f"{pk} {sk}".encode()
        )
    return "executed", (
        f"{SAMPLE_COUNT} session items into {names.sessions_table} and {SAMPLE_COUNT} objects "
        f"into {names.bucket(region)}"
    )


def read_samples(
    provider: ClientProvider,
    settings: Settings,
    region: str,
    run: str,
    *,
    backend: Backend,
    wait_seconds: float,
) -> tuple[DrillStatus, str]:
    """Are the sample items and objects readable in `region` (replicated there)?"""
    names = Names(settings)
    table = provider.client("dynamodb", region)
    bucket = provider.client("s3", region)
    deadline = time.monotonic() + wait_seconds
    while True:
        items = objects = 0
        for pk, sk in _sample_keys(run):
            found = table.get_item(
                TableName=names.sessions_table, Key={"pk": {"S": pk}, "sk": {"S": sk}}
            )
            items += "Item" in found
            try:
                bucket.head_object(Bucket=names.bucket(region), Key=f"drill/{run}/{sk}")
                objects += 1
            except ClientError:
                pass
        summary = (
            f"{items}/{SAMPLE_COUNT} session items, {objects}/{SAMPLE_COUNT} objects "
            f"readable in {region}"
        )
        if items == objects == SAMPLE_COUNT:
            return "executed", summary
        if gap := backend.gap(Capability.TABLE_REPLICAS, summary):
            return "not-emulated", gap
        if time.monotonic() >= deadline:
            return "failed", f"{summary} after {wait_seconds:.0f} s"
        time.sleep(10)


def _summarize(checks: list[Any]) -> tuple[DrillStatus, str]:
    failed = [c for c in checks if c.status == "fail"]
    gaps = [c for c in checks if c.status == "not-emulated"]
    detail = (
        f"{len(checks) - len(failed) - len(gaps)} checks ok, {len(gaps)} not emulated, "
        f"{len(failed)} failed"
    )
    if failed:
        detail += ": " + "; ".join(f"{c.name} [{c.region}]: {c.detail}" for c in failed[:5])
        return "failed", detail
    return "executed", detail


def _validate(
    settings: Settings,
    provider: ClientProvider,
    outputs: dict[str, dict[str, str]],
    target: str,
    backend: Backend | None = None,
    runs_dir: Path | None = None,
) -> tuple[DrillStatus, str]:
    """`tradedr validate` over every region against the current roles: every region's
    role (writer, or standby whose replica follows the writer) and capacity."""
    from tradedr.ops.validate import validate_deployment

    report = validate_deployment(
        settings, provider, outputs, target=target, backend=backend, runs_dir=runs_dir
    )
    status, detail = _summarize(report.checks)
    roles = next((c.detail for c in report.checks if c.name == "roles"), "")
    replicas = [
        f"{c.region}: {c.detail}" for c in report.checks if c.name in ("rds-replica", "aurora")
    ]
    extra = "; ".join(x for x in (roles.split(";")[0], *replicas) if x)
    return status, f"{detail}; {extra}" if extra else detail


def _scheduled_readiness(
    settings: Settings, provider: ClientProvider, standby: str, target: str
) -> tuple[DrillStatus, str]:
    """With `[readiness] schedule`: the function is deployed; on AWS one run of it (invoked
    now, not waited for on its schedule) decides, on the emulator nothing runs it."""
    name = Names(settings).readiness_function(standby)
    function = provider.client("lambda", standby)
    try:
        function.get_function(FunctionName=name)
    except ClientError as exc:
        return "failed", f"{name} is not deployed: {exc.response.get('Error', {}).get('Code')}"
    if target == "local":
        return (
            "not-emulated",
            f"{name} deployed with its {settings.readiness.schedule} rule; moto fires no "
            "schedules and runs no function code, so the checks do not run here "
            "(`tradedr readiness --target local` runs those moto can answer)",
        )
    answer = function.invoke(FunctionName=name, InvocationType="RequestResponse")
    report = json.loads(answer["Payload"].read() or b"{}")
    if answer.get("FunctionError") or "checks" not in report:
        return "failed", f"{name} failed: {str(report)[:300]}"
    lines = [f"{c['check']} {c['status']}" for c in report["checks"]]
    status: DrillStatus = "executed" if report.get("exit_code") == 0 else "failed"
    return status, f"{name}: " + ", ".join(lines)


def _validate_standby(
    settings: Settings,
    provider: ClientProvider,
    outputs: dict[str, dict[str, str]],
    region: str,
    target: str,
    backend: Backend | None = None,
) -> tuple[DrillStatus, str]:
    """The role-independent checks of one region (VPC, ALB and its targets): the full
    validation expects the configured roles and needs the lost region."""
    from tradedr.ops.validate import validate_region_serves

    report = validate_region_serves(
        settings, provider, outputs, region, target=target, backend=backend
    )
    return _summarize(report.checks)


def run_drill(
    settings: Settings,
    *,
    target: str = "local",
    profile: str | None = None,
    runs_dir: Path | None = None,
    progress: Progress | None = None,
    lab: LabSettings | None = None,
) -> DrillReport:
    """Run the drill and return its report (writing files is the caller's choice).

    On the emulator with `lab` (and the packages installed) a real data plane runs behind
    it: the workload places orders from before the loss until after failback, and the
    checker's findings decide the drill too."""
    from tradedr.infra.synth import synthesize
    from tradedr.ops.deploy import deploy_all
    from tradedr.ops.failback import failback
    from tradedr.ops.failover import failover

    say = progress or (lambda _message: None)
    primary, standby = settings.primary_region, settings.standby_regions[0]
    report = DrillReport(
        target=target,
        prefix=settings.prefix,
        primary_region=primary,
        standby_region=standby,
        started_at=datetime.now(UTC).isoformat(timespec="seconds"),
        rto_seconds=settings.targets.rto_seconds,
    )
    lab = lab or LabSettings(enabled=False)
    report.mode = lab.mode
    planned = lab.mode == "planned"
    rec = _Recorder(report, say)
    run = datetime.now(UTC).strftime("%Y%m%dT%H%M%S")
    started = time.monotonic()
    with tempfile.TemporaryDirectory(prefix="tradedr-drill-") as scratch:
        runs = runs_dir or Path(scratch) / "runs"
        stacks: list[Any] = []

        def synth() -> tuple[DrillStatus, str]:
            stacks.extend(synthesize(settings, Path(scratch) / "cdk.out"))
            return "executed", f"{len(stacks)} stacks"

        rec.run("synth", "all", synth)
        if not rec.stopped:

            def model() -> tuple[DrillStatus, str]:
                from tradedr.analysis.rto import analyse_rto
                from tradedr.analysis.templates import TemplateSet

                loss = analyse_rto(TemplateSet.from_synth(settings, stacks)).scenario("region-loss")
                report.modelled_rto_seconds = {k: loss.rto[k] for k in ("p50", "p99")}
                return "executed", (
                    f"region-loss RTO p50 {loss.rto['p50']:.0f} s, p99 {loss.rto['p99']:.0f} s"
                )

            rec.run("model the region-loss RTO", "all", model)
        # A fresh embedded emulator for a local drill (never a shared one), or real AWS.
        with open_fresh_target(target, profile) as opened, _lab_scope() as labs:
            backend = opened.backend
            provider = FaultInjectingProvider(opened.provider)
            emulated = opened.is_emulator
            outputs: dict[str, dict[str, str]] = {}
            if not rec.stopped:
                began = time.monotonic()
                result = deploy_all(settings, stacks, provider, target=target, progress=say)
                outputs.update(result.outputs)
                for stack in result.stacks:
                    status: DrillStatus = (
                        "executed"
                        if stack.status in ("created", "updated", "unchanged")
                        else "failed"
                    )
                    detail = f"{stack.status}, {stack.created} resources"
                    if stack.not_emulated:
                        detail += f", {len(stack.not_emulated)} not emulated"
                    if stack.reason:
                        detail += f": {stack.failed_resource}: {stack.reason}"
                    rec.add(
                        DrillStep(
                            f"deploy {stack.name}", stack.region, status, stack.seconds, detail
                        )
                    )
                if not result.stacks:
                    rec.add(
                        DrillStep(
                            "deploy",
                            "all",
                            "failed",
                            time.monotonic() - began,
                            "no stacks deployed",
                        )
                    )
            running: Any = None
            if not rec.stopped and emulated and lab.enabled and opened.endpoint_url:
                running = _start_lab(
                    rec, labs, settings, stacks, outputs, opened.endpoint_url, lab, say
                )
                if running is not None and running.started:
                    provider.inner = running.provider(opened.provider)
                    backend = running.backend(LAB_WAIT_SECONDS)
            if not rec.stopped:
                rec.run(
                    "write sample sessions and objects",
                    primary,
                    lambda: write_samples(provider, settings, run),
                )
            if not rec.stopped:
                rec.run(
                    "validate deployment",
                    "all",
                    lambda: _validate(settings, provider, outputs, target, backend),
                )
            if not rec.stopped and settings.readiness.schedule:
                rec.run(
                    "scheduled readiness checks",
                    standby,
                    lambda: _scheduled_readiness(settings, provider, standby, target),
                )
            lost_at = None
            if not rec.stopped and running is not None and lab.inject_lag_seconds:
                rec.run(
                    f"inject replication lag in {standby}",
                    standby,
                    lambda: running.inject_lag(standby, lab.inject_lag_seconds),
                )
            if not rec.stopped and planned:
                lost_at = time.monotonic()
            elif not rec.stopped:

                def lose() -> tuple[DrillStatus, str]:
                    provider.lose_region(primary)
                    extra = " and the Route 53/IAM control planes" if primary == "us-east-1" else ""
                    killed = f"; {running.lose(primary)}" if running is not None else ""
                    return (
                        "executed",
                        f"every call to {primary}{extra} now fails to connect{killed}",
                    )

                rec.run(f"simulate loss of {primary}", primary, lose)
                lost_at = time.monotonic()
            if not rec.stopped:
                if running is not None:
                    running.mark("failover")
                result_failover = failover(
                    settings,
                    provider,
                    RunOptions(
                        target="local" if opened.is_emulator else "aws",
                        runs_dir=runs,
                        progress=None,
                        backend=backend,
                    ),
                    to_region=standby,
                    allow_data_loss=settings.database.is_aurora_global or lab.allow_data_loss,
                    assume_region_lost=not planned,
                )
                report.run_ids["failover"] = result_failover.run_id
                rec.plan("failover", result_failover)
            if not rec.stopped and running is not None:
                rec.run(
                    "writer holds the acknowledged orders (after failover)",
                    standby,
                    lambda: running.read_writer("after failover"),
                )
                rec.run(
                    "standby serves orders through HAProxy",
                    standby,
                    lambda: running.wait_serving(standby),
                )
            if not rec.stopped:
                rec.run(
                    "standby serves: VPC, ALB and targets",
                    standby,
                    lambda: _validate_standby(
                        settings, provider, outputs, standby, target, backend
                    ),
                )
            if not rec.stopped and lost_at is not None:
                report.measured_recovery_seconds = time.monotonic() - lost_at
                rec.run(
                    "standby serves: sample data readable",
                    standby,
                    lambda: read_samples(
                        provider, settings, standby, run, backend=backend, wait_seconds=900
                    ),
                )
            if not rec.stopped and not planned:

                def restore() -> tuple[DrillStatus, str]:
                    provider.restore_region()
                    if running is not None:
                        running.restore(primary)
                    return "executed", f"{primary} answers again (its stale writer still runs)"

                rec.run(f"restore {primary}", primary, restore)
            if not rec.stopped:
                if running is not None:
                    running.mark("failback")
                result_failback = failback(
                    settings,
                    provider,
                    RunOptions(
                        target="local" if opened.is_emulator else "aws",
                        runs_dir=runs,
                        backend=backend,
                    ),
                    from_region=standby,
                )
                report.run_ids["failback"] = result_failback.run_id
                rec.plan("failback", result_failback)
            if not rec.stopped:
                rec.run(
                    "validate after failback",
                    "all",
                    lambda: _validate(settings, provider, outputs, target, backend, runs),
                )
            if running is not None and running.started:
                _finish_lab(rec, report, running, primary, wait=not rec.stopped)
    report.total_seconds = time.monotonic() - started
    return report


@dataclass(frozen=True)
class LabSettings:
    """The drill's data plane: whether it runs, and how the drill exercises it."""

    enabled: bool = True
    reason: str | None = None  # why it is not enabled (the packages are missing)
    mode: Literal["unplanned", "planned"] = "unplanned"
    loss: Literal["kill", "freeze"] = "kill"
    rate: float = 50.0
    allow_data_loss: bool = False
    inject_lag_seconds: float = 0.0
    state_dir: Path | None = None


@contextmanager
def _lab_scope() -> Iterator[list[Any]]:
    """Whatever lab starts inside is stopped on the way out, whatever happened."""
    labs: list[Any] = []
    try:
        yield labs
    finally:
        for running in labs:
            running.stop()


def _start_lab(
    rec: _Recorder,
    labs: list[Any],
    settings: Settings,
    stacks: list[Any],
    outputs: dict[str, dict[str, str]],
    url: str,
    lab: LabSettings,
    say: Progress,
) -> Any:
    """Start the data plane (None, with a not-emulated step, where it cannot run)."""
    lab_api = local_lab()
    reason = lab_api.available()
    if reason is None and settings.database.is_aurora_global:
        reason = "the lab reproduces RDS MySQL read replicas, not an Aurora global database yet"
    if reason is None and settings.database.is_mrsc:
        reason = (
            "the lab reproduces RDS MySQL read replicas, not a DynamoDB MRSC table (and moto "
            "has no multi-Region strong consistency)"
        )
    if reason is not None:
        rec.report.data_plane_unavailable = reason
        say(f"data plane not available: {reason}; its steps stay not-emulated")
        return None
    state = lab.state_dir or Path(tempfile.mkdtemp(prefix="tradedr-lab-"))
    running = lab_api.Lab(
        settings=settings,
        templates={s.name: s.load() for s in stacks},
        outputs=outputs,
        emulator_url=url,
        root=state,
        options=lab_api.LabOptions(
            rate=lab.rate, loss=lab.loss, allow_data_loss=lab.allow_data_loss
        ),
        say=say,
    )
    labs.append(running)
    rec.run("start the data plane and the workload", "all", lambda: ("executed", running.start()))
    return running


def _finish_lab(
    rec: _Recorder, report: DrillReport, running: Any, primary: str, *, wait: bool
) -> None:
    """Stop the workload once the primary serves again, and run the checker."""
    results: list[Any] = []

    def checker() -> tuple[DrillStatus, str]:
        result = running.finish(wait=wait)
        results.append(result)
        data = result.as_dict()
        summary = (
            f"{data['orders_acknowledged']} acknowledged, lost {data['acknowledged_lost']}, "
            f"split-brain {data['split_brain_writes']}, duplicates {data['duplicates']}, "
            f"clients unavailable {data['client_unavailable_seconds']} s"
        )
        if not result.passed:
            why = "split-brain writes" if result.split_brain_writes else "acknowledged orders lost"
            return "failed", f"{why}: {summary}"
        return "executed", summary

    rec.run("check the order history", primary, checker)
    if results:
        report.data_plane = {**results[0].as_dict(), "lab": running.describe()}


def write_report(report: DrillReport, out: Path) -> tuple[Path, Path]:
    from tradedr.fileio import private_dir, write_private

    private_dir(out)
    markdown, data = out / "drill-report.md", out / "drill-report.json"
    write_private(markdown, report.markdown())
    write_private(data, json.dumps(report.as_dict(), indent=2) + "\n")
    return markdown, data
