"""Numbers read the same in every CLI renderer: thousands separators and a unit for
seconds (`1,800 s`), whatever the command."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

import tradedr.cli
from tradedr.cli.output import count, seconds
from tradedr.cli.render.runs import render_run
from tradedr.config import Settings
from tradedr.ops.executor import RunResult, StepRecord
from tradedr.ops.fence import fence_plan

RENDER = Path(tradedr.cli.__file__).parent / "render"


def test_the_formatters() -> None:
    assert count(1800) == "1,800"
    assert seconds(1800) == "1,800 s"
    assert seconds(1800.0) == "1,800.0 s"
    assert seconds(12.345, 2) == "12.35 s"
    assert seconds(3725.5, unit=False) == "3,725.5"
    assert seconds(1799.6, 0) == "1,800 s"


@pytest.mark.parametrize("path", sorted(RENDER.glob("*.py")), ids=lambda p: p.name)
def test_renderers_format_numbers_through_the_formatters(path: Path) -> None:
    """No `:.1f`-style format spec without a thousands separator, and no str() of a
    number attribute, in a renderer: the formatters in cli/output.py do both."""
    stray = []
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.FormattedValue) and node.format_spec is not None:
            # The spec's own text, not its unparsed f-string (whose `f'` prefix would match).
            spec = "".join(
                part.value
                for part in ast.walk(node.format_spec)
                if isinstance(part, ast.Constant) and isinstance(part.value, str)
            )
            if any(c in spec for c in "fdeg") and "," not in spec:
                stray.append(f"{path.name}:{node.lineno}: {spec}")
    assert stray == []


def test_a_long_run_reads_with_separators(capsys: pytest.CaptureFixture[str]) -> None:
    plan = fence_plan(Settings(), region="us-east-1")
    step = next(plan.steps())
    record = StepRecord(step.id, step.action.value, step.region, "executed", 0.0, 1800.5)
    render_run(RunResult("r1", plan, "completed", [record], 0.0, 3725.25), as_json=False)
    out = capsys.readouterr().out
    assert "completed in 3,725.2 s" in out
    assert "1,800.50" in out
