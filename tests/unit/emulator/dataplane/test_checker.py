"""The checker on hand-made histories: lost acks, split-brain, duplicates, outages."""

from __future__ import annotations

import pytest

from tradedr.emulator.dataplane.checker import Phase, authorized_writer, check, outage
from tradedr.emulator.dataplane.plane import RoleEvent
from tradedr.emulator.dataplane.workload import Request

ROLES = [
    RoleEvent(0.0, 1, "us-east-1", "writer", "initial primary"),
    RoleEvent(50.0, 1, "us-east-1", "fenced", "region lost (kill)"),
    RoleEvent(60.0, 2, "us-west-2", "writer", "PromoteReadReplica"),
]


def ack(n: int, at: float, server: int = 1, region: str = "us-east-1") -> Request:
    return Request(
        f"c-{n}",
        sent_at=at,
        status=201,
        acked_at=at + 0.01,
        region=region,
        server_id=server,
        committed_at=at + 0.005,
        order_id=f"o-{n}",
    )


def fail(n: int, at: float) -> Request:
    return Request(f"c-{n}", sent_at=at, status=503, error="no server")


@pytest.mark.parametrize(
    ("at", "writer"), [(-1.0, None), (0.0, 1), (55.0, 1), (60.0, 2), (99.0, 2)]
)
def test_the_writer_is_the_server_promoted_last(at: float, writer: int | None) -> None:
    assert authorized_writer(ROLES, at) == writer


def test_lost_acks_are_counted_per_read_and_their_window_measured() -> None:
    history = [ack(i, float(i)) for i in range(10)]
    present = {f"c-{i}" for i in range(7)}  # the last three never reached the replica
    result = check(
        history,
        roles=ROLES,
        reads={"after failover": (70.0, present), "after failback": (90.0, present | {"c-8"})},
        final_rows=[{"client_order_id": c} for c in present | {"c-8"}],
        loss_at=10.0,
        phases=[],
    )
    assert result.acknowledged_lost == {"after failover": 3, "after failback": 2}
    assert result.lost_ids["after failover"] == ["c-7", "c-8", "c-9"]
    assert result.lost_window_seconds == pytest.approx(10.0 - 7.01)
    assert result.passed is False
    assert result.split_brain_writes == 0


def test_data_loss_passes_only_when_allowed() -> None:
    history = [ack(1, 1.0)]
    reads: dict[str, tuple[float, set[str]]] = {"r": (5.0, set())}
    for allowed in (False, True):
        result = check(
            history,
            roles=ROLES,
            reads=reads,
            final_rows=[],
            loss_at=2.0,
            phases=[],
            allow_data_loss=allowed,
        )
        assert result.lost_total == 1
        assert result.passed is allowed


def test_an_ack_from_the_old_writer_after_the_promotion_is_split_brain() -> None:
    history = [ack(1, 10.0), ack(2, 61.0, server=2, region="us-west-2"), ack(3, 62.0, server=1)]
    result = check(
        history,
        roles=ROLES,
        reads={},
        final_rows=[{"client_order_id": f"c-{i}"} for i in (1, 2, 3)],
        loss_at=None,
        phases=[],
    )
    assert result.split_brain_writes == 1
    assert result.split_brain_ids == ["c-3"]
    assert result.passed is False


def test_duplicates_count_rows_and_acks_with_two_order_ids() -> None:
    first, again = ack(1, 1.0), ack(1, 2.0)
    again.order_id = "other"
    result = check(
        [first, again],
        roles=ROLES,
        reads={},
        final_rows=[{"client_order_id": "c-1"}, {"client_order_id": "c-1"}],
        loss_at=None,
        phases=[],
    )
    assert result.duplicates == 2


def test_an_outage_runs_from_the_first_failure_to_a_steady_success() -> None:
    history = (
        [ack(i, i * 0.1) for i in range(10)]
        + [fail(100 + i, 1.0 + i * 0.1) for i in range(10)]
        + [ack(200, 2.05)]  # a lone success amid failures does not end it
        + [fail(300 + i, 2.1 + i * 0.1) for i in range(5)]
        + [ack(400 + i, 3.0 + i * 0.1) for i in range(20)]
    )
    found = outage(history, Phase("failover", 0.0, 10.0))
    assert found.first_failure == pytest.approx(1.0)
    assert found.first_success_after == pytest.approx(3.0)
    assert found.seconds == pytest.approx(2.0)
    assert found.failed_requests == 15


def test_no_failure_is_no_outage_and_no_recovery_is_unknown() -> None:
    assert outage([ack(1, 1.0)], Phase("p", 0.0, 5.0)).seconds == 0.0
    assert outage([fail(1, 1.0)], Phase("p", 0.0, 5.0)).seconds is None


def test_a_detached_replica_promoted_and_stopped_at_once_takes_no_authority() -> None:
    """Three regions: the failover detaches eu-west-1's old replica (promote, then stop at
    once, no order committed); us-west-2 stays the writer, so its acks are not split-brain.
    A server that did commit acknowledged orders keeps its promotion."""
    roles = [
        *ROLES,
        RoleEvent(70.0, 3, "eu-west-1", "writer", "PromoteReadReplica"),
        RoleEvent(70.2, 3, "eu-west-1", "fenced", "StopDBInstance"),
    ]
    history = [
        ack(1, 61.0, server=2, region="us-west-2"),
        ack(2, 80.0, server=2, region="us-west-2"),
    ]
    result = check(history, roles=roles, reads={}, final_rows=[], loss_at=50.0, phases=[])
    assert result.split_brain_writes == 0
    wrote = [*history, ack(3, 70.1, server=3, region="eu-west-1")]
    result = check(wrote, roles=roles, reads={}, final_rows=[], loss_at=50.0, phases=[])
    assert result.split_brain_ids == ["c-2"]  # after a real writer 3, us-west-2 acks again
