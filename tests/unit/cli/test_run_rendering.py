"""How a run reads: a declined approval says "declined" (the journal and --json keep the
executor's "failed"), and a fence's title names the one region it acts on."""

from __future__ import annotations

import json
from types import SimpleNamespace

import pytest

from tradedr.cli.render.runs import render_run, shown_status
from tradedr.config import Settings
from tradedr.ops.actions.approval import ManualApproval
from tradedr.ops.actions.base import PlanAbortedError
from tradedr.ops.executor import RunResult, StepRecord
from tradedr.ops.failover import failover_plan
from tradedr.ops.fence import fence_plan


def _declined_run() -> RunResult:
    plan = fence_plan(Settings(), region="us-east-1")
    step = next(plan.steps())
    ctx = SimpleNamespace(approver=lambda _prompt: False, run_id="20260101-abc")
    with pytest.raises(PlanAbortedError) as raised:
        ManualApproval().run(ctx, step)  # type: ignore[arg-type]
    record = StepRecord(
        step.id, step.action.value, step.region, "failed", 0.0, 1.5, detail=raised.value.message
    )
    return RunResult(
        "20260101-abc",
        plan,
        "stopped",
        [record],
        0.0,
        1.5,
        message=f"step {step.id} ({step.action.value} in {step.region}) failed: "
        f"{raised.value.message}",
        exit_code=1,
    )


def test_a_declined_approval_reads_declined(capsys: pytest.CaptureFixture[str]) -> None:
    result = _declined_run()
    render_run(result, as_json=False)
    out, err = capsys.readouterr()
    assert "declined" in out
    assert "failed" not in out + err
    (stopped,) = [line for line in err.splitlines() if line.startswith("stopped:")]
    assert "declined by the operator" in stopped
    assert "not approved" in stopped  # the wording scripts and older tests look for
    assert "--resume 20260101-abc" in stopped


def test_json_keeps_the_machine_readable_status(capsys: pytest.CaptureFixture[str]) -> None:
    render_run(_declined_run(), as_json=True)
    data = json.loads(capsys.readouterr().out)
    assert data["steps"][0]["status"] == "failed"
    assert "declined by the operator" in data["steps"][0]["detail"]


def test_only_a_manual_approval_is_shown_declined() -> None:
    record = StepRecord("promote", "promote-replica", "us-west-2", "failed", 0.0, 1.0)
    assert shown_status(record) == "failed"


def test_the_fence_title_names_one_region() -> None:
    assert fence_plan(Settings(), region="us-east-1").title == "fence us-east-1"


def test_other_titles_keep_source_target_and_mode() -> None:
    plan = failover_plan(Settings(), to_region="us-west-2")
    assert plan.title == "failover us-east-1 -> us-west-2 (planned)"
