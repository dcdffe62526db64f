"""The hash chain of a run's journal, its head, and the head's optional HMAC.

Every journal line carries `seq` (1, 2, ...), `prev` (the SHA-256 of the exact bytes of
the line before it; for the first line, of `tradedr-journal/1:<run id>`) and `utc`. An edit,
a deletion or a move of a line breaks the link after it. The last line has no line after
it, so `journal.head.json` records the number of entries and the hash of the last one,
rewritten after every append; with an HMAC key (`TRADEDR_EVIDENCE_HMAC_KEY`, or the
Secrets Manager secret named by `TRADEDR_EVIDENCE_HMAC_SECRET`) the head is signed, so only
a holder of the key can rewrite the chain consistently. Without a key anyone can rebuild a
consistent chain: it then shows accidents and careless edits, not a determined forger.
"""

from __future__ import annotations

import hashlib
import hmac
import json
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

CHAIN_FORMAT = "tradedr-journal/1"
HEAD_FORMAT = "tradedr-journal-head/1"
HEAD_NAME = "journal.head.json"
KEY_ENV = "TRADEDR_EVIDENCE_HMAC_KEY"
SECRET_ENV = "TRADEDR_EVIDENCE_HMAC_SECRET"


def genesis(run_id: str) -> str:
    """What the first entry's `prev` is: tied to the run, so entries of another run cannot
    be spliced in at the start."""
    return sha256_text(f"{CHAIN_FORMAT}:{run_id}")


def sha256_text(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def entry_hash(line: bytes) -> str:
    """SHA-256 of one journal line as written, without its newline."""
    return hashlib.sha256(line.rstrip(b"\n")).hexdigest()


def utc_now() -> str:
    return datetime.now(UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z")


@dataclass(frozen=True)
class Signer:
    """An HMAC-SHA256 key and where it came from (never the key itself in a file)."""

    key: bytes
    source: str

    def sign(self, run_id: str, entries: int, head: str) -> str:
        message = f"{HEAD_FORMAT}:{run_id}:{entries}:{head}".encode()
        return hmac.new(self.key, message, hashlib.sha256).hexdigest()

    def verifies(self, run_id: str, entries: int, head: str, signature: str) -> bool:
        return hmac.compare_digest(self.sign(run_id, entries, head), signature)


@dataclass
class Chain:
    """The writer's side: what the next entry links to. Built from the journal on disk, so
    a resumed run continues its chain (a journal written before chains: seq counts its
    lines, prev is the hash of its last line)."""

    run_id: str
    seq: int
    head: str
    signer: Signer | None = None

    @classmethod
    def open(cls, journal: Path, signer: Signer | None = None) -> Chain:
        run_id = journal.parent.name
        seq, head = 0, genesis(run_id)
        if journal.exists():
            for line in journal.read_bytes().split(b"\n"):
                if line.strip():
                    seq, head = seq + 1, entry_hash(line)
        return cls(run_id, seq, head, signer)

    def link(self, record: dict[str, Any]) -> dict[str, Any]:
        """`record` with the chain fields of the next entry, first."""
        return {"seq": self.seq + 1, "prev": self.head, "utc": utc_now(), **record}

    def advance(self, line: str) -> None:
        self.seq += 1
        self.head = entry_hash(line.encode("utf-8"))

    def head_record(self) -> dict[str, Any]:
        record: dict[str, Any] = {
            "format": HEAD_FORMAT,
            "run_id": self.run_id,
            "entries": self.seq,
            "head": self.head,
            "utc": utc_now(),
        }
        if self.signer is not None:
            record["hmac"] = self.signer.sign(self.run_id, self.seq, self.head)
            record["key_source"] = self.signer.source
        return record

    def write_head(self, journal: Path) -> None:
        from tradedr.fileio import write_private

        write_private(journal.parent / HEAD_NAME, json.dumps(self.head_record(), indent=2) + "\n")
