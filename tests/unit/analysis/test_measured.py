"""`tradedr rto --measured RUNS`: step durations journaled by runs on real AWS replace the
assumptions they measure; emulator runs never do."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from tradedr.analysis import assumptions
from tradedr.analysis.measured import collect
from tradedr.analysis.service import run_rto
from tradedr.errors import ConfigError
from tradedr.ops.plans import ActionKind, Plan, Step, StepGroup


def plan(mode: str = "unplanned", *, planned_step: bool = False) -> Plan:
    steps = [
        Step(
            id="failover-db-us-west-2",
            action=ActionKind.AURORA_GLOBAL_FAILOVER,
            region="us-west-2",
            title="fail over",
            params={"planned": planned_step, "allow_data_loss": not planned_step},
        ),
        Step(id="scale-us-west-2", action=ActionKind.SCALE_ASG, region="us-west-2", title="s"),
        Step(id="verify-us-west-2", action=ActionKind.VERIFY_HEALTH, region="us-west-2", title="v"),
    ]
    return Plan(
        kind="failover",
        mode=mode,  # type: ignore[arg-type]
        prefix="trading-fast",
        source_region="us-east-1",
        target_region="us-west-2",
        rpo_seconds=1,
        rto_seconds=60,
        groups=[StepGroup(name="recover", steps=steps)],
    )


def write_run(
    runs: Path, name: str, the_plan: Plan, target: str | None, ends: list[tuple[str, str, float]]
) -> Path:
    run = runs / name
    run.mkdir(parents=True)
    the_plan.save(run / "plan.json")
    start: dict[str, Any] = {"event": "run-start", "run_id": name}
    if target is not None:
        start["target"] = target
    lines = [start] + [
        {"event": "step-end", "step": step, "outcome": outcome, "seconds": seconds}
        for step, outcome, seconds in ends
    ]
    (run / "journal.jsonl").write_text("\n".join(json.dumps(x) for x in lines) + "\n")
    return run


def three_aws_runs(runs: Path) -> Path:
    for name, db, verify in [("r1", 31.0, 12.0), ("r2", 44.5, 9.0), ("r3", 38.0, 15.0)]:
        write_run(
            runs,
            name,
            plan(),
            "aws",
            [
                ("failover-db-us-west-2", "executed", db),
                ("scale-us-west-2", "executed", 120.0),
                ("verify-us-west-2", "executed", verify),
            ],
        )
    return runs


def test_min_median_max_per_measured_assumption(tmp_path: Path) -> None:
    measured = collect([three_aws_runs(tmp_path / "runs")])
    assert measured.overrides() == {
        "aurora-global-failover": (31.0, 38.0, 44.5),
        "verification": (9.0, 12.0, 15.0),
    }
    assert measured.runs == ["r1", "r2", "r3"]
    notes = measured.notes()
    assert "3 run(s) on AWS" in notes[0]
    assert any("fewer than 5 samples" in n for n in notes)


@pytest.mark.parametrize(
    ("the_plan", "target", "outcome", "counted"),
    [
        (plan(), "aws", "executed", True),
        (plan(), "local", "executed", False),  # the emulator's timings
        (plan(), None, "executed", False),  # a journal that does not say where it ran
        (plan(), "aws", "not-emulated", False),
        (plan(), "aws", "skipped", False),  # already the writer: nothing was timed
        (plan("planned", planned_step=True), "aws", "executed", False),  # a switchover
        (plan("practice", planned_step=True), "aws", "executed", False),
    ],
    ids=["aws", "emulator", "no-target", "not-emulated", "skipped", "switchover", "practice"],
)
def test_only_real_failovers_on_aws_count(
    tmp_path: Path, the_plan: Plan, target: str | None, outcome: str, counted: bool
) -> None:
    write_run(tmp_path, "r1", the_plan, target, [("failover-db-us-west-2", outcome, 42.0)])
    measured = collect([tmp_path / "r1"])
    assert ("aurora-global-failover" in measured.overrides()) is counted
    if target != "aws":
        assert any("skipped" in n and "not AWS" in n for n in measured.notes())


@pytest.mark.parametrize(
    ("make", "says"),
    [
        (lambda root: root / "missing", "not a run directory"),
        (lambda root: root, "no runs"),
    ],
    ids=["missing-path", "empty-dir"],
)
def test_bad_paths_name_the_flag(tmp_path: Path, make: Any, says: str) -> None:
    with pytest.raises(ConfigError) as raised:
        collect([make(tmp_path)])
    assert raised.value.message.startswith("--measured")
    assert says in raised.value.message


def test_measured_figures_drive_the_model_and_assume_wins(
    tmp_path: Path, fast_ga_synth: Any
) -> None:
    templates_dir = fast_ga_synth.stacks[0].template_path.parent
    runs = three_aws_runs(tmp_path / "runs")
    report = run_rto(
        fast_ga_synth.settings,
        templates_dir=templates_dir,
        synth_dir=tmp_path / "unused",
        measured=[runs],
        assume=["verification=1,2,3"],
    )
    data = report.to_dict()
    promotion = next(c for c in data["scenarios"][0]["components"] if c["name"] == "db-promotion")
    assert promotion["seconds"] == {"best": 31.0, "typical": 38.0, "worst": 44.5}
    overrides = data["assumption_overrides"]
    assert overrides["aurora-global-failover"]["source"] == assumptions.MEASURED
    assert (overrides["verification"]["best"], overrides["verification"]["worst"]) == (1.0, 3.0)
    assert "3 run(s) on AWS" in data["warnings"][0]
