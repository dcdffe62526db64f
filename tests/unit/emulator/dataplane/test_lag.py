"""Replica lag as a GTID position difference, from sampled writer positions."""

from __future__ import annotations

import pytest

from tradedr.emulator.dataplane.lag import PositionHistory, lag_seconds


def history(*samples: tuple[float, int]) -> PositionHistory:
    found = PositionHistory()
    for at, seq in samples:
        found.observe(seq, at)
    return found


WRITER = history((10.0, 100), (11.0, 150), (12.0, 150), (13.0, 200))


@pytest.mark.parametrize(
    ("applied", "received", "expected"),
    [
        (200, 200, (0.0, 0)),  # everything the writer had is applied
        (150, 200, (7.0, 50)),  # missing what the writer first had at 13.0
        (120, 200, (9.0, 80)),  # missing since the writer passed 120 at 11.0
        (120, 120, (9.0, 80)),  # the IO thread is behind too: the writer had 200
        (200, 230, (7.0, 30)),  # received past the last sample: at least since 13.0
    ],
)
def test_lag_is_the_age_of_the_oldest_unapplied_transaction(
    applied: int, received: int, expected: tuple[float, int]
) -> None:
    assert lag_seconds(WRITER, applied, received, 20.0) == pytest.approx(expected)


def test_a_lost_writer_leaves_the_newest_position_known() -> None:
    """After the writer is gone nothing new is sampled: a replica that applied all it
    received and all the writer was last seen with reads 0 (what was never shipped is
    invisible to a monitor; the checker finds it)."""
    assert lag_seconds(WRITER, 200, 200, 500.0) == (0.0, 0)


def test_positions_only_move_forward() -> None:
    found = history((1.0, 5), (2.0, 3), (3.0, 9))
    assert [seq for _, seq in found.samples] == [5, 9]
    assert found.first_seen_after(5) == 3.0
    assert found.first_seen_after(9) is None
