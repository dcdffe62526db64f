"""`tradedr check --templates` over the public corpus against plain cfn-lint over the same
files, side by side (issue 14: at most 1.5x cfn-lint's wall time).

The commands run in rotation, `runs` times each, so a busy machine slows them alike; the
figure is the ratio of the medians (wall and CPU). The gate is the command as users run it:
the default cdk-nag packs (jsii and Node, one CDK app for the directory, on a worker
thread beside cfn-lint), cfn-lint and the DR rules; the run without the packs
(`--packs ""`) is measured in the same rotation and reported beside it. Exit codes 0 and
1 (findings) count as a clean run for tradedr; any exit code of cfn-lint's (findings are
bit flags) does too. The load average is recorded before and after: on a shared machine
it says how far wall times are from CPU times.
"""

from __future__ import annotations

import os
import statistics
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
CORPUS = ROOT / "tests" / "fixtures" / "corpus"
BIN = Path(sys.executable).parent
TRADEDR = os.environ.get("TRADEDR_BENCH_EXE", str(BIN / "tradedr"))
CFN_LINT = str(BIN / "cfn-lint")
RATIO_TARGET = 1.5


@dataclass
class Timed:
    name: str
    command: list[str]
    wall: list[float] = field(default_factory=list)
    cpu: list[float] = field(default_factory=list)
    exit_codes: list[int] = field(default_factory=list)

    def reset(self) -> None:
        self.wall.clear()
        self.cpu.clear()
        self.exit_codes.clear()

    @property
    def wall_median(self) -> float:
        return statistics.median(self.wall)

    @property
    def cpu_median(self) -> float:
        return statistics.median(self.cpu)


def corpus_files() -> list[str]:
    """The templates `check --templates` reads (the same list cfn-lint is given)."""
    sys.path.insert(0, str(ROOT / "src"))
    from tradedr.templates import read_directory

    return [str(t.path) for t in read_directory(CORPUS).templates]


def _once(timed: Timed, env: dict[str, str]) -> None:
    start = time.perf_counter()
    process = subprocess.Popen(
        timed.command, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
    )
    _, status, usage = os.wait4(process.pid, 0)
    timed.wall.append(time.perf_counter() - start)
    timed.cpu.append(usage.ru_utime + usage.ru_stime)
    timed.exit_codes.append(os.waitstatus_to_exitcode(status))


def side_by_side(runs: int) -> dict[str, object]:
    env = dict(os.environ)
    env.setdefault("JSII_SILENCE_WARNING_END_OF_LIFE_NODE_VERSION", "20")
    env.setdefault("CDK_VALIDATION", "false")
    files = corpus_files()
    lint = Timed("cfn-lint", [CFN_LINT, *files])
    check = Timed(
        "check --templates (default packs)",
        [TRADEDR, "check", "--templates", str(CORPUS), "--json"],
    )
    bare = Timed(
        "check --templates (cfn-lint + DR rules)",
        [TRADEDR, "check", "--templates", str(CORPUS), "--packs", "", "--json"],
    )
    order = (lint, check, bare)
    load_before = os.getloadavg()
    for timed in order:  # warm the page cache and Python's bytecode; not counted
        _once(timed, env)
        timed.reset()
    for _ in range(runs):
        for timed in order:
            _once(timed, env)
    ratio = check.wall_median / lint.wall_median
    return {
        "corpus_templates": len(files),
        "runs": runs,
        "load_average": {
            "before": [round(x, 2) for x in load_before],
            "after": [round(x, 2) for x in os.getloadavg()],
        },
        "cfn_lint": _figures(lint, "cfn-lint <the corpus templates>"),
        "check_templates": _figures(
            check, "tradedr check --templates tests/fixtures/corpus --json"
        ),
        "check_templates_no_packs": _figures(
            bare, 'tradedr check --templates tests/fixtures/corpus --packs "" --json'
        ),
        "wall_ratio": round(ratio, 2),
        "cpu_ratio": round(check.cpu_median / lint.cpu_median, 2),
        "no_packs_wall_ratio": round(bare.wall_median / lint.wall_median, 2),
        "target_ratio": RATIO_TARGET,
        "met": ratio <= RATIO_TARGET,
        "failed": any(code not in (0, 1) for code in check.exit_codes + bare.exit_codes),
    }


def _figures(timed: Timed, command: str) -> dict[str, object]:
    return {
        "wall_seconds_median": round(timed.wall_median, 3),
        "cpu_seconds_median": round(timed.cpu_median, 3),
        "wall_seconds": [round(w, 3) for w in timed.wall],
        "command": command,
        "exit_codes": sorted(set(timed.exit_codes)),
    }


def render(result: dict[str, object]) -> str:
    lint, check, bare = (
        _dict(result[k]) for k in ("cfn_lint", "check_templates", "check_templates_no_packs")
    )
    flag = "met" if result["met"] else "NOT MET"

    def line(figures: dict[str, float]) -> str:
        return (
            f"wall {figures['wall_seconds_median']:>6.2f} s  "
            f"cpu {figures['cpu_seconds_median']:>6.2f} s"
        )

    return "\n".join(
        [
            f"templates vs cfn-lint over {result['corpus_templates']} corpus templates "
            f"(median of {result['runs']}, in rotation; load average {result['load_average']}):",
            f"  cfn-lint                          {line(lint)}",
            f"  check --templates (default packs) {line(check)}",
            f"  check --templates --packs ''      {line(bare)}",
            f"  ratio {result['wall_ratio']}x wall, {result['cpu_ratio']}x cpu "
            f"(target <= {RATIO_TARGET}x wall, default packs): {flag}; "
            f"without the packs {result['no_packs_wall_ratio']}x wall",
        ]
    )


def _dict(value: object) -> dict[str, float]:
    return value if isinstance(value, dict) else {}


if __name__ == "__main__":
    outcome = side_by_side(int(sys.argv[1]) if len(sys.argv) > 1 else 3)
    print(render(outcome))
    sys.exit(1 if outcome["failed"] else 0)
