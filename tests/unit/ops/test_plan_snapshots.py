"""The failover, failback and fence plans of the default, fast and TLS configs equal their
golden files (tests/snapshots/plans/; regenerate with tests/snapshots/update.py)."""

from __future__ import annotations

from pathlib import Path

import pytest
from tests.snapshots.plans import SNAPSHOTS, golden

GOLDEN = golden()


@pytest.mark.parametrize("path", sorted(GOLDEN), ids=lambda p: p.stem)
def test_plan_equals_its_golden_file(path: Path) -> None:
    assert path.is_file(), f"missing {path.name}: run python tests/snapshots/update.py"
    assert path.read_text(encoding="utf-8") == GOLDEN[path], (
        f"{path.name} changed: review, then run python tests/snapshots/update.py"
    )


def test_no_stale_golden_files() -> None:
    assert set(SNAPSHOTS.glob("*.json")) == set(GOLDEN)
