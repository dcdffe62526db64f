"""Private, atomic files for what tradedr writes about a deployment.

Journals, plans, reports and runbooks name account ids, ARNs and endpoints, so they are
written 0600 in 0700 directories. Plans and reports are replaced atomically (write a
temporary file, fsync, rename) so a crash leaves the old file or the new one, never half.
"""

from __future__ import annotations

import contextlib
import os
import tempfile
from pathlib import Path

PRIVATE_FILE_MODE = 0o600
PRIVATE_DIR_MODE = 0o700


def private_dir(path: Path) -> Path:
    """Create `path` and its missing parents as 0700. A directory that already exists keeps
    its mode: `--out .` or `--out /tmp/x` must not lock others out of a shared directory."""
    missing = [p for p in (path, *path.parents) if not p.exists()]
    path.mkdir(parents=True, exist_ok=True, mode=PRIVATE_DIR_MODE)
    for created in missing:
        with contextlib.suppress(OSError):
            os.chmod(created, PRIVATE_DIR_MODE)
    return path


def private_state_dir(path: Path) -> Path:
    """A directory that only tradedr writes (runs, emulator state): 0700 even if it exists."""
    private_dir(path)
    with contextlib.suppress(PermissionError):
        os.chmod(path, PRIVATE_DIR_MODE)
    return path


def write_private(path: Path, text: str) -> Path:
    """Atomically replace `path` with `text`, mode 0600, fsynced file and directory."""
    private_dir(path.parent)
    fd, temporary = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            handle.write(text)
            handle.flush()
            os.fsync(handle.fileno())
        os.chmod(temporary, PRIVATE_FILE_MODE)
        os.replace(temporary, path)
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(temporary)
        raise
    fsync_dir(path.parent)
    return path


def append_private(path: Path, line: str) -> None:
    """Append one line to `path` (created 0600) and fsync it: a journal survives a crash."""
    fd = os.open(path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, PRIVATE_FILE_MODE)
    try:
        os.write(fd, line.encode("utf-8"))
        os.fsync(fd)
    finally:
        os.close(fd)


def fsync_dir(path: Path) -> None:
    """Make a rename or a new file in `path` durable (a no-op where directories can't sync)."""
    with contextlib.suppress(OSError):
        fd = os.open(path, os.O_RDONLY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)
