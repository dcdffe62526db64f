"""RPO per store: backup schedules, replica and replication lag alarms, S3 replication."""

from __future__ import annotations

from typing import Any

import pytest
from tests.unit.analysis.rto.support import edited, mutated, templates_of

from tradedr.analysis.rto import analyse_rto
from tradedr.analysis.rto.rpo import backup_interval_seconds


@pytest.mark.parametrize(
    ("schedule", "seconds"),
    [
        ("cron(0 5 * * ? *)", 86400),
        ("cron(0 * * * ? *)", 3600),
        ("cron(0 */4 * * ? *)", 4 * 3600),
        ("cron(0 0,12 * * ? *)", 12 * 3600),
        ("rate(1 day)", 86400),
        ("", 86400),
    ],
)
def test_backup_interval(schedule: str, seconds: int) -> None:
    assert backup_interval_seconds(schedule) == seconds


def _drop_replica_lag_alarm(type_: str, props: dict[str, Any]) -> None:
    if type_ == "AWS::CloudWatch::Alarm" and props.get("MetricName") == "ReplicaLag":
        props["MetricName"] = "SomethingElse"


def _no_rtc(type_: str, props: dict[str, Any]) -> None:
    if type_ == "AWS::S3::Bucket":
        for rule in props.get("ReplicationConfiguration", {}).get("Rules", []):
            rule["Destination"].pop("ReplicationTime", None)


@pytest.mark.parametrize(
    ("edit", "store", "rpo_seconds"),
    [
        (_drop_replica_lag_alarm, "orders-db", None),
        (_no_rtc, "objects", 86400),
    ],
    ids=["no-replica-lag-alarm", "s3-without-rtc"],
)
def test_template_changes_show_up(
    default_synth: Any, edit: Any, store: str, rpo_seconds: float | None
) -> None:
    report = analyse_rto(mutated(templates_of(default_synth), edit), samples=2000)
    entry = next(r for r in report.rpo if r.store.startswith(store))
    assert entry.rpo_seconds == rpo_seconds
    assert entry.met is False
    assert not report.met


def test_a_maximum_sessions_alarm_bounds_the_sessions_rpo(fast_arc_synth: Any) -> None:
    def maximum(logical_id: str, res: dict[str, Any]) -> None:
        props = res.get("Properties", {})
        if props.get("Namespace") == "AWS/DynamoDB" and props.get("MetricName") == (
            "ReplicationLatency"
        ):
            props["Statistic"] = "Maximum"

    report = analyse_rto(edited(templates_of(fast_arc_synth), maximum), samples=2000)
    sessions = next(r for r in report.rpo if r.store.startswith("sessions"))
    assert sessions.rpo_seconds == 1.0
    assert sessions.source.endswith("Threshold=1000")
    assert sessions.met


@pytest.mark.parametrize(
    ("edit", "expected", "warning"),
    [
        ({"Statistic": "Average"}, None, "statistic"),
        ({"Threshold": 5000}, 5.0, None),
        (None, None, "no AuroraGlobalDBReplicationLag alarm"),
    ],
    ids=["average-does-not-bound", "threshold-is-the-bound", "no-alarm-unbounded"],
)
def test_orders_rpo_follows_the_lag_alarm(
    fast_arc_synth: Any, edit: dict[str, Any] | None, expected: float | None, warning: str | None
) -> None:
    removed: list[str] = []

    def change(logical_id: str, res: dict[str, Any]) -> None:
        props = res.get("Properties", {})
        if props.get("MetricName") == "AuroraGlobalDBReplicationLag":
            if edit is None:
                props["MetricName"] = "Removed"
                removed.append(logical_id)
            else:
                props.update(edit)

    report = analyse_rto(edited(templates_of(fast_arc_synth), change), samples=2000)
    orders = next(r for r in report.rpo if r.store.startswith("orders-db"))
    assert orders.rpo_seconds == expected
    if warning:
        assert any(warning in w for w in report.warnings), report.warnings
    assert edit is not None or removed
