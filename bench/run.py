"""Whole-process wall time and peak memory of tradedr commands (`make bench`).

Each entry in BENCHMARKS runs as its own process tree (Python plus jsii's Node processes),
`--runs` times. Wall time is the median of the runs; peak memory is the highest sum of
resident set sizes over the whole process tree, sampled from /proc while it runs (shared
pages count once per process, so this is an upper bound). `ru_maxrss` of the largest
single process is reported alongside. A bench reports: targets show met / not met and
the exit code stays 0 unless a command itself fails.

Add a command by appending a Benchmark to BENCHMARKS (name, argv, targets). To measure
another build (e.g. main before a change), set TRADEDR_BENCH_EXE to its `tradedr`.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
RESULTS = ROOT / "bench" / "results.json"
TRADEDR = os.environ.get("TRADEDR_BENCH_EXE", str(Path(sys.executable).parent / "tradedr"))
SAMPLE_SECONDS = 0.02
PAGE_BYTES = os.sysconf("SC_PAGE_SIZE")


@dataclass(frozen=True)
class Benchmark:
    """One command to measure. `{out}` in argv becomes a fresh temporary directory."""

    name: str
    argv: list[str]
    target_seconds: float
    target_mb: float


BENCHMARKS: list[Benchmark] = [
    Benchmark("synth", [TRADEDR, "synth", "--out", "{out}"], target_seconds=3.0, target_mb=400),
    # Default config: synth + cdk-nag (AwsSolutions, PCI, NIST) + cfn-lint + DR rules.
    Benchmark(
        "check",
        [TRADEDR, "check", "--format", "json", "--out", "{out}"],
        target_seconds=15.0,
        target_mb=700,
    ),
    # The whole DR drill on a fresh embedded emulator (issue 5): synth, deploy, failover,
    # failback, validate, report; the control plane only.
    Benchmark(
        "drill",
        [TRADEDR, "drill", "--no-data-plane", "--out", "{out}"],
        target_seconds=60.0,
        target_mb=1000,
    ),
    # The same with the real local data plane (issue 13): MariaDB, the orders app, HAProxy
    # with the templates' health-check intervals, 50 orders/s from before the loss until
    # after failback, and the checker. Needs make system-deps (root + apt).
    Benchmark(
        "drill-dataplane",
        [TRADEDR, "drill", "--out", "{out}"],
        target_seconds=150.0,
        target_mb=1500,
    ),
    # The change review (issue 4): synth, check, rto, cost with the posture comparison, and
    # the HTML/Markdown report with its charts.
    Benchmark("plan", [TRADEDR, "plan", "--out", "{out}"], target_seconds=20.0, target_mb=1000),
    # Synth + a fresh embedded emulator (the temp cwd records none) + every stack (issue 5).
    Benchmark("deploy", [TRADEDR, "deploy", "--out", "{out}"], target_seconds=20.0, target_mb=800),
]


@dataclass
class Measurement:
    wall_seconds: float
    cpu_seconds: float  # user + system of the whole tree: less sensitive to a busy machine
    tree_peak_mb: float
    largest_process_mb: float
    exit_code: int
    load_average_1m: float  # at the start of the run; above the CPU count, wall time suffers


@dataclass
class Result:
    name: str
    command: str
    runs: list[Measurement] = field(default_factory=list)
    target_seconds: float = 0.0
    target_mb: float = 0.0

    @property
    def wall_seconds(self) -> float:
        return statistics.median(r.wall_seconds for r in self.runs)

    @property
    def cpu_seconds(self) -> float:
        return statistics.median(r.cpu_seconds for r in self.runs)

    @property
    def peak_mb(self) -> float:
        return max(r.tree_peak_mb for r in self.runs)

    @property
    def failed(self) -> bool:
        return any(r.exit_code != 0 for r in self.runs)

    def as_json(self) -> dict[str, object]:
        return {
            "name": self.name,
            "command": self.command,
            "wall_seconds_median": round(self.wall_seconds, 3),
            "wall_seconds_min": round(min(r.wall_seconds for r in self.runs), 3),
            "wall_seconds_max": round(max(r.wall_seconds for r in self.runs), 3),
            "cpu_seconds_median": round(self.cpu_seconds, 3),
            "peak_tree_rss_mb": round(self.peak_mb, 1),
            "peak_single_process_rss_mb": round(max(r.largest_process_mb for r in self.runs), 1),
            "target_seconds": self.target_seconds,
            "target_mb": self.target_mb,
            "time_met": self.wall_seconds <= self.target_seconds,
            "memory_met": self.peak_mb <= self.target_mb,
            "failed": self.failed,
            "runs": [asdict(r) for r in self.runs],
        }


def _parents() -> dict[int, int]:
    """pid -> parent pid for every process we can see."""
    parents: dict[int, int] = {}
    for entry in os.scandir("/proc"):
        if not entry.name.isdigit():
            continue
        try:
            with open(f"/proc/{entry.name}/stat", "rb") as stat:
                fields = stat.read().rsplit(b")", 1)[1].split()
        except OSError:
            continue
        parents[int(entry.name)] = int(fields[1])
    return parents


def _rss_bytes(pid: int) -> int:
    try:
        with open(f"/proc/{pid}/statm", "rb") as statm:
            return int(statm.read().split()[1]) * PAGE_BYTES
    except (OSError, IndexError, ValueError):
        return 0


def _tree_rss(root: int) -> int:
    parents = _parents()
    children: dict[int, list[int]] = {}
    for pid, ppid in parents.items():
        children.setdefault(ppid, []).append(pid)
    total, stack = 0, [root]
    while stack:
        pid = stack.pop()
        total += _rss_bytes(pid)
        stack.extend(children.get(pid, []))
    return total


def measure(argv: list[str], env: dict[str, str]) -> Measurement:
    """Run argv once; sample the tree's RSS until it exits."""
    load = os.getloadavg()[0]
    with tempfile.TemporaryDirectory(prefix="tradedr-bench-") as out:
        command = [part.replace("{out}", out) for part in argv]
        start = time.perf_counter()
        process = subprocess.Popen(
            command, env=env, cwd=out, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE
        )
        peak = 0
        while True:
            waited = os.wait4(process.pid, os.WNOHANG)
            if waited[0] == process.pid:
                wall = time.perf_counter() - start
                status, usage = waited[1], waited[2]
                break
            peak = max(peak, _tree_rss(process.pid))
            time.sleep(SAMPLE_SECONDS)
        process.returncode = os.waitstatus_to_exitcode(status)
        stderr = process.stderr.read().decode(errors="replace") if process.stderr else ""
        if process.returncode != 0:
            sys.stderr.write(f"{' '.join(command)} exited {process.returncode}:\n{stderr}\n")
    # ru_maxrss is in KiB on Linux and covers the largest single process (the Python one).
    return Measurement(
        wall_seconds=wall,
        cpu_seconds=usage.ru_utime + usage.ru_stime,
        tree_peak_mb=max(peak, usage.ru_maxrss * 1024) / 1e6,
        largest_process_mb=usage.ru_maxrss * 1024 / 1e6,
        exit_code=process.returncode,
        load_average_1m=round(load, 2),
    )


def run(benchmarks: list[Benchmark], runs: int) -> list[Result]:
    env = dict(os.environ)
    env.setdefault("JSII_SILENCE_WARNING_END_OF_LIFE_NODE_VERSION", "20")
    env.setdefault("CDK_VALIDATION", "false")
    env.setdefault("AWS_EC2_METADATA_DISABLED", "true")
    results = []
    for bench in benchmarks:
        result = Result(
            bench.name,
            " ".join(
                Path(a).name if a == TRADEDR else a.replace("{out}", "DIR") for a in bench.argv
            ),
            target_seconds=bench.target_seconds,
            target_mb=bench.target_mb,
        )
        for _ in range(runs):
            result.runs.append(measure(bench.argv, env))
        results.append(result)
    return results


def render(results: list[Result]) -> str:
    header = (
        f"{'command':<28} {'wall s':>7} {'(min)':>6} {'target':>7} {'':>8}  "
        f"{'cpu s':>6}  {'peak MB':>8} {'target':>7} {'':>8}"
    )
    lines = [header, "-" * len(header)]
    for r in results:
        time_flag = "met" if r.wall_seconds <= r.target_seconds else "NOT MET"
        mem_flag = "met" if r.peak_mb <= r.target_mb else "NOT MET"
        if r.failed:
            time_flag = mem_flag = "FAILED"
        lines.append(
            f"{r.command:<28} {r.wall_seconds:>7.2f} {min(m.wall_seconds for m in r.runs):>6.2f} "
            f"{r.target_seconds:>7.1f} {time_flag:>8}  {r.cpu_seconds:>6.2f}  "
            f"{r.peak_mb:>8.0f} {r.target_mb:>7.0f} {mem_flag:>8}"
        )
    return "\n".join(lines)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=3, help="runs per command (median wall)")
    parser.add_argument("--only", action="append", help="benchmark name(s) to run")
    parser.add_argument("--output", type=Path, default=RESULTS, help="where to write JSON")
    args = parser.parse_args()
    chosen = [b for b in BENCHMARKS if not args.only or b.name in args.only]
    results = run(chosen, max(1, args.runs))
    print(render(results))
    templates = templates_vs_cfn_lint(args.only, max(1, args.runs))
    busy = max((m.load_average_1m for r in results for m in r.runs), default=0.0)
    if busy > (os.cpu_count() or 1):
        print(
            f"note: load average reached {busy} on {os.cpu_count()} CPUs; wall times are inflated"
        )
    payload = {
        "measured_at": datetime.now(UTC).isoformat(timespec="seconds"),
        "machine": {
            "cpus": os.cpu_count(),
            "python": platform.python_version(),
            "platform": platform.platform(),
            "load_average_1m": round(os.getloadavg()[0], 2),
        },
        "method": "wall: median of runs (target applies to it); cpu: user+system of the tree; "
        "memory: peak sum of RSS over the process tree "
        f"sampled every {SAMPLE_SECONDS * 1000:.0f} ms from /proc",
        "results": [r.as_json() for r in results],
    }
    if templates is not None:
        payload["templates_vs_cfn_lint"] = templates
    args.output.write_text(json.dumps(payload, indent=2) + "\n", encoding="utf-8")
    print(f"\nwritten to {args.output}")
    failed = templates is not None and bool(templates["failed"])
    return 1 if failed or any(r.failed for r in results) else 0


def templates_vs_cfn_lint(only: list[str] | None, runs: int) -> dict[str, object] | None:
    """Issue 14's side-by-side figure (bench/templates_check.py), unless --only excludes it."""
    if only and "templates-vs-cfn-lint" not in only:
        return None
    sys.path.insert(0, str(Path(__file__).resolve().parent))
    import templates_check

    outcome = templates_check.side_by_side(runs)
    print(templates_check.render(outcome))
    return outcome


if __name__ == "__main__":
    sys.exit(main())
