"""What the `tradedr evidence` commands call: verify, pack, incident and status.

A thin facade over the modules that do the work; imports happen inside the functions so
the CLI stays cheap to import.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from tradedr.errors import ConfigError

if TYPE_CHECKING:
    from tradedr.config import Settings
    from tradedr.evidence.incident import IncidentDraft
    from tradedr.evidence.manifest import ManifestCheck
    from tradedr.evidence.pack import PackResult
    from tradedr.evidence.status import CadenceReport
    from tradedr.evidence.verify import Verification


@dataclass
class VerifyOutcome:
    """Each journal's chain, and the pack's manifest when RUN was a pack."""

    results: list[Verification] = field(default_factory=list)
    manifest: ManifestCheck | None = None

    @property
    def intact(self) -> bool:
        return all(r.intact for r in self.results) and (self.manifest is None or self.manifest.ok)

    def lines(self) -> list[str]:
        return ([self.manifest.line] if self.manifest else []) + [r.line for r in self.results]

    def as_dict(self) -> dict[str, Any]:
        return {
            "intact": self.intact,
            "manifest": None
            if self.manifest is None
            else {
                "ok": self.manifest.ok,
                "checked": self.manifest.checked,
                "changed": self.manifest.mismatched,
                "missing": self.manifest.missing,
                "unlisted": self.manifest.unlisted,
                "message": self.manifest.line,
            },
            "journals": [r.as_dict() for r in self.results],
        }


def run_directory(run: str, runs_dir: Path) -> Path:
    """RUN as a run id under `runs_dir`, or a path to a run directory or its journal (or,
    for verify, a runs directory, a drill's --out or a pack)."""
    path = Path(run)
    if path.name == "journal.jsonl" and path.is_file():
        return path.parent
    if path.is_dir():
        return path
    candidate = runs_dir / run
    if "/" not in run and (candidate / "journal.jsonl").is_file():
        return candidate
    raise ConfigError(
        f"RUN {run}: no such run (a run id under --runs-dir {runs_dir}, a run directory, "
        "its journal.jsonl, or an evidence pack directory)"
    )


def verify(run: str, *, runs_dir: Path, profile: str | None = None) -> VerifyOutcome:
    """Re-walk RUN's chain; for a pack directory, its manifest and every journal in it."""
    from tradedr.evidence.manifest import MANIFEST_NAME, check_manifest
    from tradedr.evidence.verify import verify_journal

    directory = run_directory(run, runs_dir)
    signer = _verify_signer(profile)
    outcome = VerifyOutcome()
    if (directory / MANIFEST_NAME).is_file():
        outcome.manifest = check_manifest(directory)
        journals = sorted(directory.glob("journals/*/journal.jsonl"))
    elif (directory / "journal.jsonl").is_file():
        journals = [directory / "journal.jsonl"]
    elif found := sorted(directory.glob("*/journal.jsonl")) or sorted(
        directory.glob("drill-runs/*/journal.jsonl")
    ):
        journals = found  # a runs directory, or a drill's --out
    else:
        raise ConfigError(f"RUN {run}: {directory} holds no journal.jsonl and no {MANIFEST_NAME}")
    outcome.results = [verify_journal(journal, signer) for journal in journals]
    return outcome


def _verify_signer(profile: str | None) -> Any:
    """The HMAC key to check heads with: the env var, else the secret (read with the AWS
    credentials of --profile; AWS_ENDPOINT_URL points it at an emulator)."""
    import os

    from tradedr.evidence.chain import SECRET_ENV
    from tradedr.evidence.provenance import signer_from_env

    provider = None
    if os.environ.get(SECRET_ENV):
        from tradedr.ops.clients import Boto3ClientProvider

        provider = Boto3ClientProvider(
            profile=profile, endpoint_url=os.environ.get("AWS_ENDPOINT_URL")
        )
    region = os.environ.get("AWS_REGION") or os.environ.get("AWS_DEFAULT_REGION") or "us-east-1"
    signer, problem = signer_from_env(provider, region)
    if problem:
        raise ConfigError(problem)
    return signer


def pack(
    settings: Settings,
    *,
    runs: Path,
    out: Path,
    since: datetime | None = None,
) -> PackResult:
    """Build the evidence pack from the drills and runs under `runs` into `out`."""
    from tradedr.evidence.pack import build_pack

    return build_pack(settings, runs=runs, out=out, since=since)


def incident(settings: Settings, run: str, *, runs_dir: Path) -> IncidentDraft:
    """A DORA-style major-incident notification draft from RUN's journal."""
    from tradedr.evidence.incident import draft_incident

    return draft_incident(settings, run_directory(run, runs_dir))


def status(
    settings: Settings, *, runs: Path, now: datetime | None = None, aws_only: bool = False
) -> CadenceReport:
    """When the last drill passed per scenario and region pair, and what is overdue."""
    from tradedr.evidence.status import cadence

    return cadence(settings, runs=runs, now=now, aws_only=aws_only)
