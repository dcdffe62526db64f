"""`tradedr check --templates` over the public corpus against plain cfn-lint over the same
files, side by side (issue 14: at most 1.5x cfn-lint's wall time).

Both commands run alternately, `runs` times each, so a busy machine slows both alike; the
figure is the ratio of the medians (wall and CPU). The gate is cfn-lint plus tradedr's DR
rules (`--packs ""`, the same rule engines the bare cfn-lint run has plus ours); the run
with the cdk-nag packs (jsii and Node: a CDK app per directory) is measured and reported
beside it, not gated. Exit codes 0 and 1 (findings) count as a clean run for tradedr; any
exit code of cfn-lint's (findings are bit flags) does too.
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
        "check --templates (cfn-lint + DR rules)",
        [TRADEDR, "check", "--templates", str(CORPUS), "--packs", "", "--json"],
    )
    nag = Timed(
        "check --templates (with cdk-nag packs)",
        [TRADEDR, "check", "--templates", str(CORPUS), "--json"],
    )
    _once(lint, env)  # warm the page cache and Python's bytecode for both; not counted
    _once(check, env)
    lint.reset()
    check.reset()
    for _ in range(runs):
        _once(lint, env)
        _once(check, env)
    _once(nag, env)
    ratio = check.wall_median / lint.wall_median
    return {
        "corpus_templates": len(files),
        "runs": runs,
        "cfn_lint": {
            "wall_seconds_median": round(lint.wall_median, 3),
            "cpu_seconds_median": round(lint.cpu_median, 3),
            "command": "cfn-lint <the corpus templates>",
        },
        "check_templates": {
            "wall_seconds_median": round(check.wall_median, 3),
            "cpu_seconds_median": round(check.cpu_median, 3),
            "command": 'tradedr check --templates tests/fixtures/corpus --packs "" --json',
            "exit_codes": sorted(set(check.exit_codes)),
        },
        "check_templates_with_nag": {
            "wall_seconds": round(nag.wall[0], 3),
            "cpu_seconds": round(nag.cpu[0], 3),
            "command": "tradedr check --templates tests/fixtures/corpus --json",
        },
        "wall_ratio": round(ratio, 2),
        "cpu_ratio": round(check.cpu_median / lint.cpu_median, 2),
        "target_ratio": RATIO_TARGET,
        "met": ratio <= RATIO_TARGET,
        "failed": any(code not in (0, 1) for code in check.exit_codes + nag.exit_codes),
    }


def render(result: dict[str, object]) -> str:
    lint, check, nag = (
        _dict(result[k]) for k in ("cfn_lint", "check_templates", "check_templates_with_nag")
    )
    flag = "met" if result["met"] else "NOT MET"
    lint_line = (
        f"wall {lint['wall_seconds_median']:>6.2f} s  cpu {lint['cpu_seconds_median']:>6.2f} s"
    )
    check_line = (
        f"wall {check['wall_seconds_median']:>6.2f} s  cpu {check['cpu_seconds_median']:>6.2f} s"
    )
    return "\n".join(
        [
            f"templates vs cfn-lint over {result['corpus_templates']} corpus templates "
            f"(median of {result['runs']}, alternating):",
            f"  cfn-lint                      {lint_line}",
            f"  check --templates --packs ''  {check_line}",
            f"  ratio {result['wall_ratio']}x wall, {result['cpu_ratio']}x cpu "
            f"(target <= {RATIO_TARGET}x wall): {flag}",
            f"  with the cdk-nag packs (not gated): wall {nag['wall_seconds']:.2f} s, "
            f"cpu {nag['cpu_seconds']:.2f} s",
        ]
    )


def _dict(value: object) -> dict[str, float]:
    return value if isinstance(value, dict) else {}


if __name__ == "__main__":
    outcome = side_by_side(int(sys.argv[1]) if len(sys.argv) > 1 else 3)
    print(render(outcome))
    sys.exit(1 if outcome["failed"] else 0)
