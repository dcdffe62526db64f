"""Deploying dynamodb-mrsc over an orders table that already exists eventually consistent
is refused in one line naming database.engine, before any stack moves (the mode cannot be
changed after creation); a STRONG table or none at all deploys. Stubber, real dynamodb model."""

from __future__ import annotations

import tomllib

import pytest
from tests.conftest import MRSC_EXAMPLE
from tests.stubbed import StubbedProvider

from tradedr.config import Settings, load_settings
from tradedr.errors import ConfigError
from tradedr.ops.deploy import refuse_consistency_switch

pytestmark = pytest.mark.stubbed
TABLE = "trading-mrsc-orders-mrsc"


@pytest.fixture(scope="module")
def settings() -> Settings:
    return load_settings(tomllib.loads(MRSC_EXAMPLE.read_text(encoding="utf-8")))


def described(mode: str | None) -> dict[str, object]:
    table: dict[str, object] = {"TableName": TABLE, "TableStatus": "ACTIVE"}
    if mode is not None:
        table["MultiRegionConsistency"] = mode
    return {"Table": table}


@pytest.mark.parametrize("mode", ["EVENTUAL", None])
def test_an_eventually_consistent_table_is_refused(settings: Settings, mode: str | None) -> None:
    provider = StubbedProvider()
    provider.stub("dynamodb", "us-east-1").add_response(
        "describe_table", described(mode), {"TableName": TABLE}
    )
    with pytest.raises(ConfigError) as refused:
        refuse_consistency_switch(settings, provider)
    message = refused.value.message
    assert message.startswith('database.engine: "dynamodb-mrsc" needs trading-mrsc-orders-mrsc')
    assert "exists in us-east-1 as EVENTUAL" in message
    assert "\n" not in message


def test_a_strong_table_or_none_deploys(settings: Settings) -> None:
    provider = StubbedProvider()
    stub = provider.stub("dynamodb", "us-east-1")
    stub.add_response("describe_table", described("STRONG"), {"TableName": TABLE})
    stub.add_client_error("describe_table", "ResourceNotFoundException", http_status_code=400)
    refuse_consistency_switch(settings, provider)
    refuse_consistency_switch(settings, provider)
    provider.assert_done()


def test_other_engines_ask_nothing() -> None:
    provider = StubbedProvider()
    refuse_consistency_switch(load_settings({}), provider)
    assert provider.asked == []
