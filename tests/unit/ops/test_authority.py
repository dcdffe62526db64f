"""`tradedr fence` never fences the region holding the authoritative writer.

After an unplanned failover the old primary (us-east-1) was never fenced and still writes;
fencing us-west-2 then would stop the new, promoted writer and its app. The rule is in the
fence module docstring: a promoted writer outranks one never promoted, the latest
`tradedr:promoted-at` wins, and a region whose endpoint parameter names the authoritative
writer is live too.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import boto3
import pytest
from tests.unit.ops.moto_env import Environment

from tradedr.errors import TradedrError
from tradedr.ops.actions.base import PROMOTED_TAG
from tradedr.ops.actions.promote_replica import PROMOTED_AT_TAG
from tradedr.ops.authority import Writer, authoritative_writers
from tradedr.ops.executor import RetryPolicy
from tradedr.ops.failover import failover_plan
from tradedr.ops.faults import FaultInjectingProvider
from tradedr.ops.fence import fence
from tradedr.ops.run import RunOptions, run_plan
from tradedr.ops.steps import endpoint_parameter

PRIMARY, STANDBY = "us-east-1", "us-west-2"


def unplanned_failover(env: Environment) -> None:
    """Lose us-east-1, fail over to us-west-2 (nothing called in us-east-1), get it back."""
    lossy = FaultInjectingProvider(env.provider)
    lossy.lose_region(PRIMARY)
    plan = failover_plan(env.settings, to_region=STANDBY, mode="unplanned")
    result = run_plan(
        plan,
        env.settings,
        lossy,
        RunOptions(
            target="local",
            runs_dir=env.runs_dir,
            retry=RetryPolicy(max_attempts=2, base_seconds=0.0),
        ),
    )
    assert result.status == "completed", result.message
    lossy.restore_region()
    assert {region for region, _ in env.writers()} == {PRIMARY, STANDBY}


def tags(env: Environment, region: str, identifier: str) -> dict[str, str]:
    arn = env.db(region, identifier)["DBInstanceArn"]
    listed = boto3.client("rds", region_name=region).list_tags_for_resource(ResourceName=arn)
    return {t["Key"]: t["Value"] for t in listed["TagList"]}


def test_promote_replica_records_when_it_promoted(env: Environment) -> None:
    before = datetime.now(UTC).replace(microsecond=0)
    unplanned_failover(env)
    written = tags(env, STANDBY, env.names.db_identifier(STANDBY))
    assert written[PROMOTED_TAG]
    promoted_at = datetime.fromisoformat(written[PROMOTED_AT_TAG])
    assert before <= promoted_at <= datetime.now(UTC)


def test_refuses_to_fence_the_promoted_writer_and_fences_the_stale_primary(
    env: Environment,
) -> None:
    unplanned_failover(env)
    new_writer = env.names.db_identifier(STANDBY)
    capacity = env.capacity(STANDBY)
    assert capacity > 0

    with pytest.raises(TradedrError) as refused:
        fence(env.settings, env.provider, RunOptions(runs_dir=env.runs_dir), region=STANDBY)
    message = refused.value.message
    assert refused.value.exit_code == 1
    assert "\n" not in message
    assert message.startswith(f"refusing to fence {STANDBY}: it holds the authoritative")
    for words in (
        new_writer,
        "the only promoted writer",
        f"promoted from {tags(env, STANDBY, new_writer)[PROMOTED_TAG]} at ",
        f"{endpoint_parameter(env.settings)} in {STANDBY} points at it",
        f"{env.names.db_identifier(PRIMARY)} in {PRIMARY} (never promoted)",
        f"tradedr fence --region {PRIMARY}",
    ):
        assert words in message, message
    # Nothing in us-west-2 was touched: no run, no scaling, the writer still writes.
    assert not list(env.runs_dir.glob("fence-*"))
    assert env.capacity(STANDBY) == capacity
    assert env.db(STANDBY, new_writer)["DBInstanceStatus"] == "available"
    assert (STANDBY, new_writer) in env.writers()

    fenced = fence(env.settings, env.provider, RunOptions(runs_dir=env.runs_dir), region=PRIMARY)
    assert fenced.status == "completed", fenced.message
    assert env.capacity(PRIMARY) == 0
    assert env.writers() == [(STANDBY, new_writer)]
    assert env.capacity(STANDBY) == capacity


def test_refuses_a_region_whose_app_uses_the_authoritative_writer(env: Environment) -> None:
    unplanned_failover(env)
    new_writer = env.db(STANDBY, env.names.db_identifier(STANDBY))
    boto3.client("ssm", region_name=PRIMARY).put_parameter(
        Name=endpoint_parameter(env.settings),
        Value=new_writer["Endpoint"]["Address"],
        Type="String",
        Overwrite=True,
    )
    with pytest.raises(TradedrError, match=f"refusing to fence {PRIMARY}: its app's") as refused:
        fence(env.settings, env.provider, RunOptions(runs_dir=env.runs_dir), region=PRIMARY)
    assert "points at it" in refused.value.message
    assert env.capacity(PRIMARY) > 0


def test_the_latest_promotion_wins_over_an_earlier_one(env: Environment) -> None:
    """Both writers were promoted (a failback earlier, then this failover): the later
    promoted-at is authoritative, so the earlier one's region can be fenced, not the other."""
    unplanned_failover(env)
    primary = env.db(PRIMARY, env.names.db_identifier(PRIMARY))
    promoted_at = datetime.fromisoformat(
        tags(env, STANDBY, env.names.db_identifier(STANDBY))[PROMOTED_AT_TAG]
    )
    boto3.client("rds", region_name=PRIMARY).add_tags_to_resource(
        ResourceName=primary["DBInstanceArn"],
        Tags=[
            {"Key": PROMOTED_TAG, "Value": "trading-prod-orders-replica-usw2"},
            {"Key": PROMOTED_AT_TAG, "Value": (promoted_at - timedelta(days=3)).isoformat()},
        ],
    )
    with pytest.raises(TradedrError, match="the most recently promoted writer"):
        fence(env.settings, env.provider, RunOptions(runs_dir=env.runs_dir), region=STANDBY)
    fenced = fence(env.settings, env.provider, RunOptions(runs_dir=env.runs_dir), region=PRIMARY)
    assert fenced.status == "completed", fenced.message


T0 = datetime(2026, 1, 1, tzinfo=UTC)


def writer(
    name: str,
    *,
    source: str | None = None,
    promoted_days: float | None = None,
    created_days: float = 0,
) -> Writer:
    return Writer(
        region=name,
        identifier=name,
        arn=f"arn:aws:rds:{name}:111122223333:db:{name}",
        address=f"{name}.rds.example",
        promoted_from=source,
        promoted_at=None if promoted_days is None else T0 + timedelta(days=promoted_days),
        created=T0 + timedelta(days=created_days),
    )


ORIGINAL = writer("original")
CASES = {
    "promoted-beats-never-promoted": ([ORIGINAL, writer("new", source="x")], ["new"]),
    "latest-promoted-at-wins": (
        [writer("a", source="x", promoted_days=5), writer("b", source="y", promoted_days=9)],
        ["b"],
    ),
    # `b` was created from `a` (named by its tag, created after it): promoted after `a`.
    "replica-of-another-writer-was-promoted-after-it": (
        [writer("a", source="x", created_days=1), writer("b", source="a", created_days=4)],
        ["b"],
    ),
    # The tag names an instance created after `b`: an older instance with a reused name.
    "a-reused-name-is-no-lineage": (
        [writer("a", source="x", created_days=6), writer("b", source="a", created_days=4)],
        ["a", "b"],
    ),
    "untagged-times-cannot-be-ordered": (
        [writer("a", source="x", created_days=1), writer("b", source="y", created_days=2)],
        ["a", "b"],
    ),
    "created-after-the-other-was-promoted": (
        [writer("a", source="x", promoted_days=3), writer("b", source="y", created_days=5)],
        ["b"],
    ),
    "the-only-writer": ([ORIGINAL], ["original"]),
}


@pytest.mark.parametrize(("writers", "expected"), CASES.values(), ids=CASES.keys())
def test_authoritative_writer_rule(writers: list[Writer], expected: list[str]) -> None:
    assert sorted(w.identifier for w in authoritative_writers(writers)) == expected


def test_lineage_decides_when_promoted_at_is_missing(env: Environment) -> None:
    """Promotions by an older tradedr carry no promoted-at: the us-west-2 writer was
    promoted from a replica of the us-east-1 one (its tag names it, created before it), so
    it is the later promotion even when us-east-1 was itself once promoted."""
    unplanned_failover(env)
    standby = env.db(STANDBY, env.names.db_identifier(STANDBY))
    boto3.client("rds", region_name=STANDBY).remove_tags_from_resource(
        ResourceName=standby["DBInstanceArn"], TagKeys=[PROMOTED_AT_TAG]
    )
    primary = env.db(PRIMARY, env.names.db_identifier(PRIMARY))
    boto3.client("rds", region_name=PRIMARY).add_tags_to_resource(
        ResourceName=primary["DBInstanceArn"], Tags=[{"Key": PROMOTED_TAG, "Value": "older"}]
    )
    with pytest.raises(TradedrError, match="time unknown") as refused:
        fence(env.settings, env.provider, RunOptions(runs_dir=env.runs_dir), region=STANDBY)
    assert "the most recently promoted writer" in refused.value.message
    assert env.capacity(STANDBY) > 0
    fenced = fence(env.settings, env.provider, RunOptions(runs_dir=env.runs_dir), region=PRIMARY)
    assert fenced.status == "completed", fenced.message
