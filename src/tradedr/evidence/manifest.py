"""The pack's manifest: `sha256sum`'s format, so `sha256sum -c MANIFEST.sha256` checks it
without tradedr."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from pathlib import Path

MANIFEST_NAME = "MANIFEST.sha256"


def file_sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 16), b""):
            digest.update(block)
    return digest.hexdigest()


def write_manifest(root: Path) -> Path:
    """Every file under `root` but the manifest, sorted, as `<sha256>  <relative path>`."""
    from tradedr.fileio import write_private

    files = sorted(
        p for p in root.rglob("*") if p.is_file() and p.name != MANIFEST_NAME and not p.is_symlink()
    )
    lines = [f"{file_sha256(p)}  {p.relative_to(root).as_posix()}" for p in files]
    return write_private(root / MANIFEST_NAME, "".join(f"{line}\n" for line in lines))


@dataclass
class ManifestCheck:
    root: Path
    checked: int = 0
    mismatched: list[str] = field(default_factory=list)
    missing: list[str] = field(default_factory=list)
    unlisted: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not (self.mismatched or self.missing or self.unlisted)

    @property
    def line(self) -> str:
        if self.ok:
            return f"{self.root / MANIFEST_NAME}: {self.checked} files, every SHA-256 matches"
        parts = []
        if self.mismatched:
            parts.append(f"changed: {', '.join(self.mismatched)}")
        if self.missing:
            parts.append(f"missing: {', '.join(self.missing)}")
        if self.unlisted:
            parts.append(f"not in the manifest: {', '.join(self.unlisted)}")
        return f"{self.root / MANIFEST_NAME}: BROKEN: " + "; ".join(parts)


def check_manifest(root: Path) -> ManifestCheck:
    result = ManifestCheck(root)
    listed: set[str] = set()
    for raw in (root / MANIFEST_NAME).read_text(encoding="utf-8").splitlines():
        digest, _, name = raw.partition("  ")
        if not name:
            continue
        listed.add(name)
        path = root / name
        if not path.is_file():
            result.missing.append(name)
            continue
        result.checked += 1
        if file_sha256(path) != digest:
            result.mismatched.append(name)
    present = {
        p.relative_to(root).as_posix()
        for p in root.rglob("*")
        if p.is_file() and p.name != MANIFEST_NAME
    }
    result.unlisted = sorted(present - listed)
    return result
