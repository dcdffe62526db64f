"""`tradedr evidence`: tamper-evident records of drills and failovers, for auditors.

verify re-walks a journal's hash chain; pack builds the evidence package; incident drafts
a major-incident notification from a failover's journal; status says which drills are due.
"""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path
from typing import Annotated

import typer

from tradedr.cli.options import ConfigOption, JsonOption, settings_from
from tradedr.cli.render.evidence import (
    render_cadence,
    render_incident,
    render_pack,
    render_verification,
)
from tradedr.errors import ConfigError

DEFAULT_RUNS = Path(".tradedr/runs")

RunArgument = Annotated[
    str,
    typer.Argument(
        metavar="RUN",
        help="A run id under --runs-dir, a run directory or its journal.jsonl; verify also "
        "takes a runs directory, a drill's --out directory or an evidence pack.",
        show_default=False,
    ),
]
RunsDirOption = Annotated[
    Path,
    typer.Option("--runs-dir", help="Where run journals are kept (one directory per RUN_ID)."),
]
KeyProfileOption = Annotated[
    str | None,
    typer.Option(
        "--profile",
        help="AWS profile to read the HMAC key from Secrets Manager with "
        "(TRADEDR_EVIDENCE_HMAC_SECRET).",
    ),
]
RunsOption = Annotated[
    Path,
    typer.Option(
        "--runs",
        help="A runs directory, a drill's --out directory, or a folder of either "
        "(searched a few levels deep).",
        file_okay=False,
    ),
]


def _since(value: str | None) -> datetime | None:
    if value is None:
        return None
    try:
        moment = datetime.fromisoformat(value)
    except ValueError:
        raise ConfigError(f"--since {value!r}: not a date (use YYYY-MM-DD)") from None
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def verify(
    run: RunArgument,
    runs_dir: RunsDirOption = DEFAULT_RUNS,
    profile: KeyProfileOption = None,
    as_json: JsonOption = False,
) -> None:
    """Re-walk a run's journal: every entry must hash-chain to the one before it.

    Names the first broken entry when an entry was edited, deleted or moved, and checks
    the head (journal.head.json), its HMAC too when TRADEDR_EVIDENCE_HMAC_KEY (or the Secrets
    Manager secret in TRADEDR_EVIDENCE_HMAC_SECRET) gives the key. Given a pack directory,
    checks its MANIFEST.sha256 and every journal in it.

    Exit 0 intact, 1 broken (one line naming the entry), 2 a journal written before chains
    or no such run.
    """
    from tradedr.evidence import service

    outcome = service.verify(run, runs_dir=runs_dir, profile=profile)
    render_verification(outcome, as_json=as_json)
    if not outcome.intact:
        raise typer.Exit(1)


def pack(
    runs: RunsOption,
    out: Annotated[
        Path, typer.Option("--out", "-o", help="A new (or empty) directory for the pack.")
    ],
    since: Annotated[
        str | None,
        typer.Option("--since", metavar="DATE", help="Only drills and runs from DATE on."),
    ] = None,
    config: ConfigOption = None,
    as_json: JsonOption = False,
) -> None:
    """Build an evidence pack from the drills and runs under --runs.

    OUT gets evidence.html (print-ready, self-contained), evidence.json, the journals and
    drill reports as written, and MANIFEST.sha256 (check it with `tradedr evidence verify
    OUT` or `sha256sum -c`). Per drill: the scenario and its severity, the timeline, the
    measured RTO and RPO against the targets and the [resilience] impact tolerance, the
    approvals and the steps that failed or were not emulated; then a requirement map
    (DORA, Regulation SCI, FINRA 4370, PRA SS1/21, FCA PS21/3) with a source per row.

    Exit 0 written, 1 when a journal's chain is broken (the pack is still written), 2 bad
    input.
    """
    from tradedr.evidence import service

    result = service.pack(settings_from(config), runs=runs, out=out, since=_since(since))
    render_pack(result, as_json=as_json)
    if not result.chains_intact:
        raise typer.Exit(1)


def incident(
    run: RunArgument,
    runs_dir: RunsDirOption = DEFAULT_RUNS,
    config: ConfigOption = None,
    out: Annotated[
        Path | None, typer.Option("--out", "-o", help="Also write the draft (Markdown) here.")
    ] = None,
    as_json: JsonOption = False,
) -> None:
    """Draft a DORA-style major-incident notification from a failover's journal.

    Three sections (initial notification, intermediate and final report) filled from the
    journal: timestamps, affected service and regions, duration, data lost per the lag
    check, actions taken with their AWS request ids. What only a person knows is marked
    TO BE COMPLETED BY A PERSON.
    """
    from tradedr.evidence import service

    draft = service.incident(settings_from(config), run, runs_dir=runs_dir)
    render_incident(draft, out=out, as_json=as_json)


def status(
    runs: Annotated[
        Path,
        typer.Option(
            "--runs",
            help="Where drill reports are: a drill's --out directory or a folder of them.",
            file_okay=False,
        ),
    ] = Path("."),
    config: ConfigOption = None,
    aws_only: Annotated[
        bool,
        typer.Option("--aws-only", help="Count only drills on AWS (not on the emulator)."),
    ] = False,
    as_json: JsonOption = False,
) -> None:
    """When did the last drill pass, per scenario and region pair, and what is overdue?

    Overdue: no passing drill, the last one older than [resilience] drill_interval_months
    (12 by default), or a config change since it (the config hash in its journal differs).
    Exit 1 when anything is overdue (one line each), so CI can hold a release to it.
    """
    from tradedr.evidence import service

    report = service.status(settings_from(config), runs=runs, aws_only=aws_only)
    render_cadence(report, as_json=as_json)
    if report.overdue:
        raise typer.Exit(1)
