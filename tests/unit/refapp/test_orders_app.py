"""The reference app against a real MariaDB: idempotent orders, 201 only once, and a deep
health check that fails on a read-only (fenced) server. Skipped where MariaDB is missing."""

from __future__ import annotations

import json
import threading
import urllib.error
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tradedr.emulator.dataplane.mariadb import MariaDbServer, TemplateDatadir
from tradedr.emulator.dataplane.plane import unavailable_reason
from tradedr.emulator.server import free_port
from tradedr.refapp.orders_app import AppConfig, ConfigSource, OrdersServer

pytestmark = [
    pytest.mark.integration,
    pytest.mark.skipif(unavailable_reason() is not None, reason=str(unavailable_reason())),
]


class FixedSource(ConfigSource):
    """The endpoint and credentials without SSM/Secrets Manager (those are the lab's)."""

    def __init__(self, config: AppConfig, address: str) -> None:
        super().__init__(config)
        self._address = address

    def endpoint(self) -> str:
        return "orders.local"

    def credentials(self, *, fresh: bool = False) -> tuple[str, str]:
        return "orders_admin", "s3cret-pw"

    def address(self, endpoint: str) -> tuple[str, int]:
        host, _, port = self._address.partition(":")
        return host, int(port)

    def sessions_active(self) -> bool:
        return True


@pytest.fixture(scope="module")
def db(tmp_path_factory: pytest.TempPathFactory) -> Iterator[MariaDbServer]:
    root: Path = tmp_path_factory.mktemp("mariadb")
    server = MariaDbServer(
        "orders", "us-east-1", 7, free_port(), root / "s", "orders_admin", "s3cret-pw", "r"
    )
    TemplateDatadir(root).copy_to(server.datadir)
    server.start()
    try:
        server.create_users()
        server.create_schema()
        yield server
    finally:
        server.kill()


@pytest.fixture(scope="module")
def app(db: MariaDbServer) -> Iterator[str]:
    config = AppConfig(
        region="us-east-1",
        endpoint_parameter="/p",
        secret_id="s",
        sessions_table="",
        listen=f"127.0.0.1:{free_port()}",
        db_tls="off",
    )
    server = OrdersServer(config)
    server.source = FixedSource(config, db.address)
    server.store.source = server.source
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://{config.listen}"
    server.shutdown()


def call(url: str, body: dict[str, Any] | None = None) -> tuple[int, dict[str, Any]]:
    data = None if body is None else json.dumps(body).encode()
    try:
        with urllib.request.urlopen(urllib.request.Request(url, data=data), timeout=5) as r:
            return r.status, json.loads(r.read())
    except urllib.error.HTTPError as exc:
        return exc.code, json.loads(exc.read())


def test_an_order_is_created_once_and_a_repeat_returns_it(app: str, db: MariaDbServer) -> None:
    status, first = call(f"{app}/orders", {"client_order_id": "c-1", "qty": 3})
    assert status == 201
    assert (first["client_order_id"], first["region"], first["db_server_id"]) == (
        "c-1",
        "us-east-1",
        7,
    )
    status, again = call(f"{app}/orders", {"client_order_id": "c-1", "qty": 3})
    assert status == 200
    assert again["order_id"] == first["order_id"]
    assert [r["client_order_id"] for r in db.orders()].count("c-1") == 1
    assert call(f"{app}/orders/{first['order_id']}") == (200, again)
    assert call(f"{app}/orders/c-1")[1]["order_id"] == first["order_id"]
    assert call(f"{app}/orders/nope")[0] == 404


def test_a_bad_order_is_refused(app: str) -> None:
    assert call(f"{app}/orders", {"qty": 1})[0] == 400


def test_health_needs_a_writable_database(app: str, db: MariaDbServer) -> None:
    assert call(f"{app}/health")[0] == 200
    db.set_read_only(True)
    try:
        status, body = call(f"{app}/health")
        assert status == 503
        assert body["checks"]["database"].startswith("fail: read-only")
        assert call(f"{app}/orders", {"client_order_id": "c-ro"})[0] == 503
    finally:
        db.set_read_only(False)
    assert call(f"{app}/health")[0] == 200
