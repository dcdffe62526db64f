"""check-replica-lag against CloudWatch's real model (botocore Stubber): the maximum over
the 5-minute window, a datapoint fresh enough to cover the step's start (polled for up to
3 periods), and an unknown lag (gap, -1, stale) refused unless --allow-data-loss.

Time is fake: `FakeTime` drives the context's clock and sleep and the wall clock the
action reads, so each poll happens a known 60 s later and the expected request windows
are exact. Datapoints are written as (seconds from the step's start, Maximum).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from tests.stubbed import StubbedProvider

from tradedr.config import Settings, load_settings
from tradedr.ops.actions import action_for, check_lag
from tradedr.ops.actions.base import ExecutionContext, Outcome, PreconditionFailedError, Target
from tradedr.ops.failover import failover_plan
from tradedr.ops.plans import Step

pytestmark = pytest.mark.stubbed

REGION = "us-west-2"
START = datetime(2026, 3, 2, 12, 0, 30, tzinfo=UTC)  # the step's start (wall clock)
POLL = 60.0
Point = tuple[float, float]  # (seconds from START of the period's Timestamp, Maximum)


class FakeTime:
    """One fake second for the context's clock, its sleep and the action's wall clock."""

    def __init__(self) -> None:
        self.t = 0.0

    def sleep(self, seconds: float) -> None:
        self.t += seconds

    def clock(self) -> float:
        return self.t

    def wall(self) -> datetime:
        return START + timedelta(seconds=self.t)


@pytest.fixture
def fake_time(monkeypatch: pytest.MonkeyPatch) -> FakeTime:
    time = FakeTime()
    monkeypatch.setattr(check_lag, "wall_clock", time.wall)
    return time


@pytest.fixture
def provider() -> StubbedProvider:
    return StubbedProvider()


def context(
    provider: StubbedProvider,
    time: FakeTime,
    *,
    target: Target = "aws",
    settings: Settings | None = None,
    wait_timeout: float = 1800.0,
) -> ExecutionContext:
    return ExecutionContext(
        provider,
        settings or load_settings({}),
        target=target,
        sleep=time.sleep,
        clock=time.clock,
        poll_seconds=POLL,
        wait_timeout_seconds=wait_timeout,
        run_id="failover-test",
    )


def expect_reads(
    provider: StubbedProvider,
    reads: list[list[Point]],
    *,
    metric: str = "ReplicaLag",
    dimension: str = "DBInstanceIdentifier",
    identifier: str,
) -> None:
    """One GetMetricStatistics per entry, the n-th made n polls (60 s each) after START."""
    cloudwatch = provider.stub("cloudwatch", REGION)
    for n, points in enumerate(reads):
        now = START + timedelta(seconds=n * POLL)
        cloudwatch.add_response(
            "get_metric_statistics",
            {
                "Label": metric,
                "Datapoints": [
                    {
                        "Timestamp": START + timedelta(seconds=offset),
                        "Maximum": value,
                        "Unit": "Seconds" if metric == "ReplicaLag" else "Milliseconds",
                    }
                    for offset, value in points
                ],
            },
            {
                "Namespace": "AWS/RDS",
                "MetricName": metric,
                "Dimensions": [{"Name": dimension, "Value": identifier}],
                "StartTime": now - timedelta(minutes=5),
                "EndTime": now,
                "Period": 60,
                "Statistics": ["Maximum"],
            },
        )


def replica(identifier: str, status: str = "available") -> dict[str, Any]:
    return {
        "DBInstances": [
            {
                "DBInstanceIdentifier": identifier,
                "DBInstanceArn": f"arn:aws:rds:{REGION}:111122223333:db:{identifier}",
                "DBInstanceStatus": status,
                "ReadReplicaSourceDBInstanceIdentifier": (
                    "arn:aws:rds:us-east-1:111122223333:db:trading-prod-orders-primary-use1"
                ),
            }
        ]
    }


def lag_step(settings: Settings, *, allow_data_loss: bool) -> Step:
    plan = failover_plan(settings, to_region=REGION, allow_data_loss=allow_data_loss)
    return plan.step(f"check-lag-{REGION}")


@dataclass(frozen=True)
class Case:
    reads: list[list[Point]]  # what each poll returns, one entry per GetMetricStatistics
    allow: bool = False
    refused: bool = False  # PreconditionFailedError; else an "executed" outcome
    words: list[str] = field(default_factory=list)
    lag: float | None = None


RDS_CASES = {
    # The latest datapoint (2 s) is within the RPO, the window's maximum (70 s) is not.
    "max-not-latest": Case(
        [[(-240, 50.0), (-180, 70.0), (-30, 2.0)]],
        refused=True,
        words=["is 70 s", "above the RPO target of 60 s", "--allow-data-loss"],
    ),
    "fresh-max-below-rpo-passes": Case(
        [[(-240, 30.0), (-180, 10.0), (-30, 5.0)]],
        words=["replica lag 30 s", "within the RPO of 60 s", "maximum of 3"],
        lag=30.0,
    ),
    # 280 s old, "lag 0": it covers nothing after the start, then ages out of the window;
    # no fresh datapoint comes in 3 periods of polling.
    "stale-single-datapoint": Case(
        [[(-280, 0.0)], [], [], []],
        refused=True,
        words=["is unknown", "before this check started", "RPO of 60 s", "--allow-data-loss"],
    ),
    # The metric stopped 100 s before the step: 3 periods of polling, then unknown.
    "gap-at-the-end-polls-then-unknown": Case(
        [[(-160, 0.0), (-100, 0.0)]] * 4,
        refused=True,
        words=["is unknown", "before this check started", "--allow-data-loss"],
    ),
    "fresh-datapoint-arrives-while-polling": Case(
        [[(-100, 0.0)], [(-100, 0.0), (20, 3.0)]],
        words=["replica lag 3 s", "within the RPO"],
        lag=3.0,
    ),
    "gap-empty-window": Case(
        [[]],
        refused=True,
        words=["is unknown", "no ReplicaLag datapoint in the last 5 minutes", "RPO of 60 s"],
    ),
    "minus-one-latest": Case(
        [[(-90, 0.0), (-30, -1.0)]],
        refused=True,
        words=["is unknown", "replication broken", "--allow-data-loss"],
    ),
    # Broken two minutes ago, 0 now: the lag during the broken period is unknown.
    "minus-one-inside-the-window": Case(
        [[(-180, -1.0), (-30, 0.0)]],
        refused=True,
        words=["is unknown", "replication broken"],
    ),
    "allow-data-loss-passes-unknown-and-says-so": Case(
        [[(-280, 0.0)], [], [], []],
        allow=True,
        words=["lag unknown", "continuing because of --allow-data-loss", "not verified"],
        lag=None,
    ),
    "allow-data-loss-passes-above-rpo-and-says-so": Case(
        [[(-180, 70.0), (-30, 2.0)]],
        allow=True,
        words=["replica lag 70 s", "ABOVE (accepted by --allow-data-loss)"],
        lag=70.0,
    ),
}


def judge(case: Case, run: Any) -> None:
    if case.refused:
        with pytest.raises(PreconditionFailedError) as raised:
            run()
        assert raised.value.exit_code == 1
        message = raised.value.message
        assert "\n" not in message
    else:
        outcome: Outcome = run()
        assert outcome.status == "executed"
        message = outcome.detail
        assert outcome.data["lag_seconds"] == case.lag
    for words in case.words:
        assert words in message, message


@pytest.mark.parametrize("case", RDS_CASES.values(), ids=RDS_CASES.keys())
def test_rds_replica_lag(provider: StubbedProvider, fake_time: FakeTime, case: Case) -> None:
    settings = load_settings({})
    step = lag_step(settings, allow_data_loss=case.allow)
    identifier = step.params["db_identifier"]
    provider.stub("rds", REGION).add_response(
        "describe_db_instances", replica(identifier), {"DBInstanceIdentifier": identifier}
    )
    expect_reads(provider, case.reads, identifier=identifier)
    judge(case, lambda: action_for(step).run(context(provider, fake_time), step))
    provider.assert_done()
    assert fake_time.t == POLL * (len(case.reads) - 1)  # polled no more than that


GLOBAL_ARN = "arn:aws:rds::111122223333:global-cluster:trading-prod-orders-global"
WRITER = "arn:aws:rds:us-east-1:111122223333:cluster:trading-prod-orders-use1"
SECONDARY = f"arn:aws:rds:{REGION}:111122223333:cluster:trading-prod-orders-usw2"

AURORA_CASES = {
    "max-not-latest": Case(
        [[(-180, 70_000.0), (-30, 2_000.0)]],
        refused=True,
        words=["is 70 s", "AuroraGlobalDBReplicationLag", "above the RPO target of 60 s"],
    ),
    "stale-single-datapoint": Case(
        [[(-280, 0.0)], [], [], []],
        refused=True,
        words=["is unknown", "AuroraGlobalDBReplicationLag datapoint covers", "RPO of 60 s"],
    ),
    "fresh-max-below-rpo-passes": Case(
        [[(-180, 20_000.0), (-30, 1_000.0)]],
        words=["replica lag 20 s", "within the RPO"],
        lag=20.0,
    ),
}


@pytest.mark.parametrize("case", AURORA_CASES.values(), ids=AURORA_CASES.keys())
def test_aurora_global_lag(provider: StubbedProvider, fake_time: FakeTime, case: Case) -> None:
    settings = load_settings({"database": {"engine": "aurora-mysql-global"}})
    step = lag_step(settings, allow_data_loss=case.allow)
    cluster, global_id = step.params["db_cluster_identifier"], step.params["global_cluster_id"]
    rds = provider.stub("rds", REGION)
    rds.add_response(
        "describe_db_clusters",
        {"DBClusters": [{"DBClusterIdentifier": cluster, "DBClusterArn": SECONDARY}]},
        {"DBClusterIdentifier": cluster},
    )
    rds.add_response(
        "describe_global_clusters",
        {
            "GlobalClusters": [
                {
                    "GlobalClusterIdentifier": global_id,
                    "GlobalClusterArn": GLOBAL_ARN,
                    "GlobalClusterMembers": [
                        {"DBClusterArn": WRITER, "IsWriter": True},
                        {"DBClusterArn": SECONDARY, "IsWriter": False},
                    ],
                }
            ]
        },
        {"GlobalClusterIdentifier": global_id},
    )
    expect_reads(
        provider,
        case.reads,
        metric="AuroraGlobalDBReplicationLag",
        dimension="DBClusterIdentifier",
        identifier=cluster,
    )
    judge(case, lambda: action_for(step).run(context(provider, fake_time), step))
    provider.assert_done()


def test_emulator_without_metrics_is_not_emulated_after_one_read(
    provider: StubbedProvider, fake_time: FakeTime
) -> None:
    """The emulator publishes no RDS metrics: reported, never passed, and not waited for."""
    settings = load_settings({})
    step = lag_step(settings, allow_data_loss=False)
    identifier = step.params["db_identifier"]
    provider.stub("rds", REGION).add_response("describe_db_instances", replica(identifier))
    expect_reads(provider, [[]], identifier=identifier)
    outcome = action_for(step).run(context(provider, fake_time, target="local"), step)
    assert outcome.status == "not-emulated"
    assert "publishes no RDS metrics" in outcome.detail
    provider.assert_done()
    assert fake_time.t == 0


def test_polling_never_outlasts_the_contexts_wait_limit(
    provider: StubbedProvider, fake_time: FakeTime
) -> None:
    settings = load_settings({})
    step = lag_step(settings, allow_data_loss=False)
    identifier = step.params["db_identifier"]
    provider.stub("rds", REGION).add_response("describe_db_instances", replica(identifier))
    expect_reads(provider, [[(-100, 0.0)]] * 2, identifier=identifier)
    ctx = context(provider, fake_time, wait_timeout=60.0)
    with pytest.raises(PreconditionFailedError, match="is unknown"):
        action_for(step).run(ctx, step)
    provider.assert_done()
