"""`tradedr evidence verify`: re-walk a journal's hash chain and name the first broken entry.

Checked, line by line: the line is JSON and its checksum holds (an edit that did not
recompute it), `seq` counts up by one (a deletion or a move), `prev` is the hash of the line
before (an edit that recomputed the checksum, a deletion, a move); then the head file
(`journal.head.json`) must name the last entry (the last entries deleted or edited) and,
when it is signed and the key is at hand, its HMAC must verify.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

from tradedr.errors import ConfigError
from tradedr.evidence.chain import HEAD_NAME, Signer, entry_hash, genesis

Signature = Literal["valid", "invalid", "unsigned", "not checked"]


class LegacyJournalError(ConfigError):
    """A journal written before tradedr chained its entries: readable, not verifiable."""


@dataclass(frozen=True)
class Break:
    """The first broken entry: its position (1-based, as `seq` would be) and line."""

    entry: int
    line: int
    reason: str


@dataclass
class Verification:
    run_id: str
    journal: Path
    entries: int
    head: str
    broken: Break | None = None
    signature: Signature = "unsigned"
    key_source: str | None = None
    warnings: list[str] = field(default_factory=list)

    @property
    def intact(self) -> bool:
        return self.broken is None and self.signature != "invalid"

    @property
    def line(self) -> str:
        """The one line `evidence verify` prints."""
        if self.broken is not None:
            return f"{self.run_id}: BROKEN at entry {self.broken.entry}: {self.broken.reason}"
        if self.signature == "invalid":
            return (
                f"{self.run_id}: BROKEN at the head: its HMAC ({self.key_source}) does not "
                "verify, so the head was rewritten without the key"
            )
        signed = {
            "valid": f", head signed and verified ({self.key_source})",
            "not checked": f", head signed ({self.key_source}) but no key to check it here",
            "unsigned": ", head unsigned (set TRADEDR_EVIDENCE_HMAC_KEY to sign)",
            "invalid": "",
        }[self.signature]
        return f"{self.run_id}: intact, {self.entries} entries{signed}"

    def as_dict(self) -> dict[str, Any]:
        return {
            "run_id": self.run_id,
            "journal": str(self.journal),
            "intact": self.intact,
            "entries": self.entries,
            "head": self.head,
            "broken": None
            if self.broken is None
            else {
                "entry": self.broken.entry,
                "line": self.broken.line,
                "reason": self.broken.reason,
            },
            "signature": self.signature,
            "key_source": self.key_source,
            "warnings": self.warnings,
            "message": self.line,
        }


def _name(event: dict[str, Any] | None) -> str:
    """`step-end promote-us-west-2`, `run-end`: what an entry is, for a human."""
    if not event:
        return "the entry"
    kind = str(event.get("event", "?"))
    step = event.get("step")
    return f"{kind} {step}" if step else kind


def verify_journal(journal: Path, signer: Signer | None = None) -> Verification:
    """Walk `journal` (RUN/journal.jsonl) and its head; the first break wins."""
    from tradedr.ops.executor import line_checksum

    run_id = journal.parent.name
    try:
        raw = journal.read_bytes()
    except OSError as exc:
        raise ConfigError(f"{journal}: cannot read the journal ({exc.strerror})") from None
    lines = [(n, line) for n, line in enumerate(raw.split(b"\n"), start=1) if line.strip()]
    result = Verification(run_id, journal, 0, genesis(run_id))
    parsed: list[dict[str, Any] | None] = []
    for _, line in lines:
        try:
            value = json.loads(line.decode("utf-8"))
            parsed.append(value if isinstance(value, dict) else None)
        except (UnicodeDecodeError, ValueError):
            parsed.append(None)
    if parsed and parsed[-1] is None and not raw.endswith(b"\n"):
        result.warnings.append(
            f"line {lines[-1][0]}: a torn last line (a crash mid-write) is not part of the chain"
        )
        lines, parsed = lines[:-1], parsed[:-1]
    if parsed and parsed[0] is not None and "prev" not in parsed[0]:
        raise LegacyJournalError(
            f"{journal}: written before tradedr chained its journal entries (entry 1 has no "
            "prev hash), so it can be read but not verified"
        )
    expected_prev = genesis(run_id)
    for index, ((number, line), event) in enumerate(zip(lines, parsed, strict=True), start=1):
        problem = _entry_problem(event, index, expected_prev, parsed, line_checksum)
        if problem is not None:
            result.broken = Break(index if problem[0] is None else problem[0], number, problem[1])
            return result
        expected_prev = entry_hash(line)
        result.entries, result.head = index, expected_prev
    _check_head(result, journal, signer, last=parsed[-1] if parsed else None)
    return result


def _entry_problem(
    event: dict[str, Any] | None,
    index: int,
    expected_prev: str,
    parsed: list[dict[str, Any] | None],
    checksum: Any,
) -> tuple[int | None, str] | None:
    """(entry to name, why) for the first thing wrong with entry `index`, or None."""
    if event is None:
        return None, "not JSON (cut off or overwritten)"
    fields = {k: v for k, v in event.items() if k != "sum"}
    if "sum" not in event or event["sum"] != checksum(fields):
        return (
            None,
            f"{_name(event)} was changed after it was written (its checksum does not match)",
        )
    seq = event.get("seq")
    if seq != index:
        later = [
            i for i, other in enumerate(parsed, start=1) if other and other.get("seq") == index
        ]
        if later:
            return None, (
                f"entry {index} is at line position {later[0]}, not {index}: the entries were "
                "reordered"
            )
        return None, f"entry {index} is missing (the next one carries seq {seq}): it was deleted"
    if event.get("prev") != expected_prev:
        if index == 1:
            return (
                1,
                f"{_name(event)} does not start this run's chain (edited, or from another run)",
            )
        before = parsed[index - 2]
        return index - 1, (
            f"{_name(before)} was changed after it was written: entry {index} "
            f"({_name(event)}) no longer chains to it"
        )
    return None


def _check_head(
    result: Verification, journal: Path, signer: Signer | None, last: dict[str, Any] | None
) -> None:
    path = journal.parent / HEAD_NAME
    if not path.is_file():
        result.warnings.append(
            f"no {HEAD_NAME}: a deletion or edit of the last entry cannot be ruled out"
        )
        return
    try:
        head = json.loads(path.read_text(encoding="utf-8"))
        entries, digest = int(head["entries"]), str(head["head"])
    except (OSError, ValueError, KeyError, TypeError):
        result.broken = Break(result.entries, 0, f"{HEAD_NAME} is not a readable head")
        return
    if entries > result.entries:
        gone = result.entries + 1
        result.broken = Break(
            gone,
            0,
            f"entry {gone} is missing: the head records {entries} entries, the journal holds "
            f"{result.entries} (the last entries were deleted)",
        )
        return
    if entries == result.entries and digest != result.head:
        result.broken = Break(
            entries,
            0,
            f"{_name(last)} was changed after it was written: it differs from the "
            "entry the head records",
        )
        return
    if entries < result.entries:
        if entries != result.entries - 1:
            result.broken = Break(
                entries + 1,
                0,
                f"entries {entries + 1}-{result.entries} are not covered by the head: they were "
                "added after the run wrote its head",
            )
            return
        result.warnings.append(
            f"entry {result.entries} is not covered by the head (the process stopped between "
            "writing the entry and the head)"
        )
    signature = head.get("hmac")
    result.key_source = head.get("key_source")
    if not signature:
        result.signature = "unsigned"
    elif signer is None:
        result.signature = "not checked"
    else:
        ok = signer.verifies(result.run_id, entries, digest, str(signature))
        result.signature = "valid" if ok else "invalid"
