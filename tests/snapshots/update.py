"""Rewrite the golden plan files: `python tests/snapshots/update.py` (then review the diff)."""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from tests.snapshots.plans import SNAPSHOTS, golden


def main() -> None:
    SNAPSHOTS.mkdir(parents=True, exist_ok=True)
    expected = golden()
    for stale in set(SNAPSHOTS.glob("*.json")) - set(expected):
        stale.unlink()
        print(f"removed {stale.name}")
    for path, text in sorted(expected.items()):
        if not path.exists() or path.read_text(encoding="utf-8") != text:
            path.write_text(text, encoding="utf-8")
            print(f"wrote {path.name}")


if __name__ == "__main__":
    main()
