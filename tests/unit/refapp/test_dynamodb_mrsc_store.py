"""The reference app's dynamodb-mrsc store: conditional puts keyed by the client order id
(a repeat is the same order, never a second), strongly consistent reads, and a deep health
that needs the table ACTIVE and STRONG. Item semantics on moto (in-process); the MRSC table
description through botocore's Stubber against the real dynamodb model (moto has no MRSC)."""

from __future__ import annotations

import json
import threading
import urllib.error
import urllib.request
from collections.abc import Iterator
from typing import Any

import boto3
import pytest
from botocore.stub import ANY, Stubber
from moto import mock_aws

from tradedr.emulator.server import free_port
from tradedr.refapp.orders_app import (
    AppConfig,
    ConfigSource,
    DynamoDbMrscOrderStore,
    OrdersServer,
    StoreError,
)

TABLE = "trading-mrsc-orders-mrsc"


def config(**overrides: Any) -> AppConfig:
    return AppConfig(
        region="us-east-1",
        endpoint_parameter="/trading-mrsc/orders-db/endpoint",
        secret_id="",
        sessions_table="",
        table=TABLE,
        store="dynamodb-mrsc",
        **overrides,
    )


class ClientSource(ConfigSource):
    """A ConfigSource whose DynamoDB client the test provides."""

    def __init__(self, cfg: AppConfig, dynamodb: Any) -> None:
        super().__init__(cfg)
        self._clients["dynamodb"] = dynamodb


@pytest.fixture
def moto_store() -> Iterator[DynamoDbMrscOrderStore]:
    with mock_aws():
        client = boto3.client("dynamodb", region_name="us-east-1")
        client.create_table(
            TableName=TABLE,
            AttributeDefinitions=[{"AttributeName": "pk", "AttributeType": "S"}],
            KeySchema=[{"AttributeName": "pk", "KeyType": "HASH"}],
            BillingMode="PAY_PER_REQUEST",
        )
        cfg = config()
        yield DynamoDbMrscOrderStore(cfg, ClientSource(cfg, client))


def test_a_repeat_of_a_client_order_id_is_the_same_order(
    moto_store: DynamoDbMrscOrderStore,
) -> None:
    first, created = moto_store.place("c-1", {"client_order_id": "c-1", "qty": 5})
    assert created is True
    again, created_again = moto_store.place("c-1", {"client_order_id": "c-1", "qty": 99})
    assert created_again is False
    assert again == first  # the first submission stands; qty 99 was not written
    assert again["order"]["qty"] == 5
    assert again["region"] == "us-east-1"
    assert moto_store.get("c-1") == first
    assert moto_store.get("c-2") is None


def test_puts_are_conditional_and_reads_strong() -> None:
    client = boto3.client(
        "dynamodb",
        region_name="us-east-1",
        aws_access_key_id="testing",
        aws_secret_access_key="testing",
    )
    cfg = config()
    store = DynamoDbMrscOrderStore(cfg, ClientSource(cfg, client))
    item = {
        "pk": {"S": "c-9"},
        "order_id": {"S": "o-9"},
        "body": {"S": json.dumps({"qty": 1})},
        "region": {"S": "us-east-1"},
        "created_at": {"N": "1.5"},
    }
    with Stubber(client) as stub:
        stub.add_response(
            "put_item",
            {},
            {
                "TableName": TABLE,
                "Item": ANY,
                "ConditionExpression": "attribute_not_exists(pk)",
            },
        )
        stub.add_response(
            "get_item",
            {"Item": item},
            {"TableName": TABLE, "Key": {"pk": {"S": "c-9"}}, "ConsistentRead": True},
        )
        stored, created = store.place("c-9", {"qty": 1})
        stub.assert_no_pending_responses()
    assert created is True
    assert stored["order_id"] == "o-9"


def test_a_replicated_write_conflict_is_a_503_the_client_retries() -> None:
    client = boto3.client(
        "dynamodb",
        region_name="us-east-1",
        aws_access_key_id="testing",
        aws_secret_access_key="testing",
    )
    cfg = config()
    store = DynamoDbMrscOrderStore(cfg, ClientSource(cfg, client))
    with Stubber(client) as stub:
        stub.add_client_error("put_item", "ReplicatedWriteConflictException", http_status_code=409)
        with pytest.raises(StoreError, match="ReplicatedWriteConflictException"):
            store.place("c-3", {"qty": 1})


@pytest.mark.parametrize(
    ("status", "mode", "healthy", "detail"),
    [
        ("ACTIVE", "STRONG", True, f"{TABLE} ACTIVE, STRONG"),
        ("ACTIVE", "EVENTUAL", False, f"{TABLE} is EVENTUAL, not STRONG"),
        ("UPDATING", "STRONG", False, f"{TABLE} UPDATING"),
    ],
)
def test_health_needs_the_replica_active_and_strong(
    status: str, mode: str, healthy: bool, detail: str
) -> None:
    client = boto3.client(
        "dynamodb",
        region_name="us-east-1",
        aws_access_key_id="testing",
        aws_secret_access_key="testing",
    )
    cfg = config()
    store = DynamoDbMrscOrderStore(cfg, ClientSource(cfg, client))
    with Stubber(client) as stub:
        stub.add_response(
            "describe_table",
            {"Table": {"TableName": TABLE, "TableStatus": status, "MultiRegionConsistency": mode}},
            {"TableName": TABLE},
        )
        assert store.writable() == (healthy, detail)


def test_the_http_app_serves_the_mrsc_store() -> None:
    """POST twice with one client order id over HTTP: 201 then 200 with the same order."""
    with mock_aws():
        client = boto3.client("dynamodb", region_name="us-east-1")
        client.create_table(
            TableName=TABLE,
            AttributeDefinitions=[{"AttributeName": "pk", "AttributeType": "S"}],
            KeySchema=[{"AttributeName": "pk", "KeyType": "HASH"}],
            BillingMode="PAY_PER_REQUEST",
        )
        cfg = config(listen=f"127.0.0.1:{free_port()}")
        server = OrdersServer(cfg)
        server.source = ClientSource(cfg, client)
        server.store.source = server.source
        thread = threading.Thread(target=server.serve_forever, daemon=True)
        thread.start()
        try:
            url = f"http://{cfg.listen}/orders"
            body = json.dumps({"client_order_id": "c-42", "qty": 3}).encode()
            statuses, orders = [], []
            for _ in range(2):
                request = urllib.request.Request(
                    url, data=body, headers={"Content-Type": "application/json"}
                )
                with urllib.request.urlopen(request, timeout=5) as response:
                    statuses.append(response.status)
                    orders.append(json.loads(response.read()))
            assert statuses == [201, 200]
            assert orders[0] == orders[1]
            with urllib.request.urlopen(f"{url}/c-42", timeout=5) as response:
                assert json.loads(response.read())["order_id"] == orders[0]["order_id"]
            with pytest.raises(urllib.error.HTTPError) as missing:
                urllib.request.urlopen(f"{url}/nope", timeout=5)
            assert missing.value.code == 404
        finally:
            server.shutdown()
