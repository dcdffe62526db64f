"""`tradedr fence` on an Aurora global database, against the real RDS model: the region
whose cluster is the global writer member is never fenced (the emulator deploys no Aurora,
so this is Stubber-only)."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest
from tests.stubbed import StubbedProvider

from tradedr.config import Settings, load_settings
from tradedr.errors import TradedrError
from tradedr.names import Names
from tradedr.ops.authority import check_fence_allowed
from tradedr.ops.fence import fence
from tradedr.ops.run import RunOptions

pytestmark = pytest.mark.stubbed

PRIMARY, STANDBY = "us-east-1", "us-west-2"
ACCOUNT = "111122223333"


@pytest.fixture
def provider() -> StubbedProvider:
    return StubbedProvider()


@pytest.fixture
def settings() -> Settings:
    return load_settings({"database": {"engine": "aurora-mysql-global"}})


def cluster_arn(settings: Settings, region: str) -> str:
    return f"arn:aws:rds:{region}:{ACCOUNT}:cluster:{Names(settings).db_cluster(region)}"


def membership(settings: Settings, writer: str | None) -> dict[str, Any]:
    names = Names(settings)
    return {
        "GlobalClusters": [
            {
                "GlobalClusterIdentifier": names.global_cluster,
                "GlobalClusterMembers": [
                    {"DBClusterArn": cluster_arn(settings, r), "IsWriter": r == writer}
                    for r in (PRIMARY, STANDBY)
                ],
            }
        ]
    }


def answer(provider: StubbedProvider, settings: Settings, region: str, writer: str | None) -> None:
    provider.stub("rds", region).add_response(
        "describe_global_clusters",
        membership(settings, writer),
        {"GlobalClusterIdentifier": Names(settings).global_cluster},
    )


def test_refuses_to_fence_the_writer_members_region_and_touches_nothing(
    provider: StubbedProvider, settings: Settings, tmp_path: Path
) -> None:
    """After a failover the writer is us-west-2: `fence --region us-west-2` must not stop
    its app (today's check did nothing for Aurora)."""
    answer(provider, settings, PRIMARY, STANDBY)  # asked outside the region to fence first
    with pytest.raises(TradedrError) as refused:
        fence(
            settings, provider, RunOptions(target="aws", runs_dir=tmp_path / "runs"), region=STANDBY
        )
    message = refused.value.message
    assert refused.value.exit_code == 1
    assert "\n" not in message
    for words in (
        f"refusing to fence {STANDBY}",
        cluster_arn(settings, STANDBY),
        f"writer member of the global database {Names(settings).global_cluster}",
        f"DescribeGlobalClusters in {PRIMARY}, IsWriter true",
        f"secondaries: {PRIMARY}",
    ):
        assert words in message, message
    provider.assert_done()
    assert set(provider.stubbers) == {("rds", PRIMARY)}  # no Auto Scaling, no plan run
    assert not (tmp_path / "runs").exists()


def test_allows_fencing_a_secondary_region(provider: StubbedProvider, settings: Settings) -> None:
    answer(provider, settings, STANDBY, STANDBY)
    check_fence_allowed(settings, provider, PRIMARY, target="aws")
    provider.assert_done()


def test_a_silent_region_is_skipped_and_the_answer_of_the_next_one_counts(
    provider: StubbedProvider, settings: Settings
) -> None:
    provider.stub("rds", PRIMARY).add_client_error(
        "describe_global_clusters", "ServiceUnavailable", http_status_code=503
    )
    answer(provider, settings, STANDBY, STANDBY)
    with pytest.raises(TradedrError, match=f"DescribeGlobalClusters in {STANDBY}, IsWriter"):
        check_fence_allowed(settings, provider, STANDBY, target="aws")
    provider.assert_done()


@pytest.mark.parametrize(
    ("setup", "words"),
    [
        ("no-writer", "has no writer member"),
        ("not-found", "is not found (DescribeGlobalClusters in us-east-1)"),
        ("nobody-answers", "no region answered DescribeGlobalClusters"),
    ],
)
def test_an_unverifiable_writer_is_never_fenced(
    provider: StubbedProvider, settings: Settings, setup: str, words: str
) -> None:
    if setup == "no-writer":
        answer(provider, settings, PRIMARY, None)
    elif setup == "not-found":
        provider.stub("rds", PRIMARY).add_client_error(
            "describe_global_clusters", "GlobalClusterNotFoundFault", http_status_code=404
        )
    else:
        for region in (PRIMARY, STANDBY):
            provider.stub("rds", region).add_client_error(
                "describe_global_clusters", "InternalFailure", http_status_code=500
            )
    with pytest.raises(TradedrError, match=re.escape(words)) as refused:
        check_fence_allowed(settings, provider, STANDBY, target="aws")
    assert refused.value.message.startswith(f"refusing to fence {STANDBY}")
    provider.assert_done()


def test_the_emulator_has_no_global_cluster_to_check(
    provider: StubbedProvider, settings: Settings
) -> None:
    provider.stub("rds", PRIMARY).add_client_error(
        "describe_global_clusters", "GlobalClusterNotFoundFault", http_status_code=404
    )
    check_fence_allowed(settings, provider, STANDBY, target="local")
    provider.assert_done()
