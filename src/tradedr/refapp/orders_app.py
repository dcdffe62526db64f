#!/usr/bin/env python3
"""The reference trading app: orders over HTTP into the region's orders database.

One file, run unchanged on EC2 (user data installs it) and in the local lab (the data plane
starts it): stdlib, PyMySQL and boto3 only. Its configuration comes from the same places on
both: the DB endpoint from the SSM parameter that failover rewrites, the credentials from
Secrets Manager (locally both through the emulator, AWS_ENDPOINT_URL). Locally an endpoint
name is resolved through TRADEDR_DB_HOSTS (a JSON file the lab keeps, standing in for DNS).

- POST /orders: idempotent on client_order_id; 201 only after the commit, 200 for a repeat.
- GET /orders/<id>: the order, by order id or client order id.
- GET <health path>: deep health, 200 only when the DB accepts writes (@@read_only = 0, so a
  fenced or read-only old writer is unhealthy) and the sessions table is ACTIVE.

A store is a small class (`STORES`): MySQL, or `dynamodb-mrsc` (TRADEDR_STORE), the orders
table of `database.engine = "dynamodb-mrsc"` in the region's own replica: strongly
consistent, conditional puts keyed by the client order id (idempotent) and strongly
consistent reads. MRSC acknowledges a put only once a second Region holds it, so a 201 is
never lost with a region; MRSC has no transactions, so each order is one item.
"""

from __future__ import annotations

import contextlib
import json
import os
import queue
import re
import threading
import time
import uuid
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any


@dataclass(frozen=True)
class AppConfig:
    """Where the app finds its database: the same names on EC2 and in the lab."""

    region: str
    endpoint_parameter: str
    secret_id: str
    sessions_table: str
    database: str = "orders"
    table: str = "orders"
    db_port: int = 3306
    listen: str = "0.0.0.0:80"
    health_path: str = "/health"
    store: str = "mysql"
    hosts_file: str = ""
    refresh_seconds: float = 2.0
    db_tls: str = "preferred"
    db_ca_file: str = ""

    @classmethod
    def from_env(cls, env: dict[str, str] | None = None) -> AppConfig:
        e = dict(os.environ if env is None else env)
        return cls(
            region=e["TRADEDR_REGION"],
            endpoint_parameter=e["TRADEDR_DB_PARAMETER"],
            secret_id=e.get("TRADEDR_DB_SECRET_ID", ""),  # none for dynamodb-mrsc
            sessions_table=e.get("TRADEDR_SESSIONS_TABLE", ""),
            database=e.get("TRADEDR_DB_NAME", "orders"),
            table=e.get("TRADEDR_ORDERS_TABLE", "orders"),
            db_port=int(e.get("TRADEDR_DB_PORT", "3306")),
            listen=e.get("TRADEDR_LISTEN", "0.0.0.0:80"),
            health_path=e.get("TRADEDR_HEALTH_PATH", "/health"),
            store=e.get("TRADEDR_STORE", "mysql"),
            hosts_file=e.get("TRADEDR_DB_HOSTS", ""),
            refresh_seconds=float(e.get("TRADEDR_REFRESH_SECONDS", "2")),
            db_tls=e.get("TRADEDR_DB_TLS", "preferred"),
            db_ca_file=e.get("TRADEDR_DB_CA_FILE", ""),
        )


class ConfigSource:
    """The SSM endpoint parameter and the secret, re-read at most every refresh_seconds
    (failover rewrites the parameter; the app follows without a restart)."""

    def __init__(self, config: AppConfig) -> None:
        self.config = config
        self._lock = threading.Lock()
        self._clients: dict[str, Any] = {}
        self._endpoint: tuple[float, str] = (0.0, "")
        self._secret: tuple[float, dict[str, Any]] = (0.0, {})

    def client(self, service: str) -> Any:
        with self._lock:
            if service not in self._clients:
                import boto3

                self._clients[service] = boto3.client(service, region_name=self.config.region)
            return self._clients[service]

    def endpoint(self) -> str:
        at, value = self._endpoint
        if not value or time.monotonic() - at > self.config.refresh_seconds:
            found = self.client("ssm").get_parameter(Name=self.config.endpoint_parameter)
            value = str(found["Parameter"]["Value"])
            self._endpoint = (time.monotonic(), value)
        return value

    def credentials(self, *, fresh: bool = False) -> tuple[str, str]:
        at, value = self._secret
        if fresh or not value or time.monotonic() - at > 60:
            raw = self.client("secretsmanager").get_secret_value(SecretId=self.config.secret_id)
            value = json.loads(raw["SecretString"])
            self._secret = (time.monotonic(), value)
        return str(value["username"]), str(value["password"])

    def address(self, endpoint: str) -> tuple[str, int]:
        """host:port of an endpoint name: DNS on EC2, the lab's hosts file locally."""
        host, _, port = endpoint.partition(":")
        if self.config.hosts_file:
            with open(self.config.hosts_file, encoding="utf-8") as handle:
                mapped = json.load(handle).get(host)
            if not mapped:
                raise ConnectionError(f"endpoint {host} does not resolve")
            host, _, port = str(mapped).partition(":")
        return host, int(port or self.config.db_port)

    def sessions_active(self) -> bool:
        if not self.config.sessions_table:
            return True
        table = self.client("dynamodb").describe_table(TableName=self.config.sessions_table)
        return bool(table["Table"]["TableStatus"] == "ACTIVE")


class StoreError(Exception):
    """The store cannot serve (unreachable, read-only, timed out): answer 503."""


class OrderStore:
    """What the HTTP layer needs from a store."""

    def __init__(self, config: AppConfig, source: ConfigSource) -> None:
        self.config, self.source = config, source

    def place(self, client_order_id: str, order: dict[str, Any]) -> tuple[dict[str, Any], bool]:
        """(the order as stored, created now); durable when it returns."""
        raise NotImplementedError

    def get(self, key: str) -> dict[str, Any] | None:
        raise NotImplementedError

    def writable(self) -> tuple[bool, str]:
        raise NotImplementedError


class MySqlOrderStore(OrderStore):
    """Orders in MySQL/MariaDB through a small pool of connections, each order naming the
    server that committed it (server_id) and the commit time (the DB clock). A pooled
    connection is used only while the endpoint parameter still names its server."""

    POOL_SIZE = 16

    def __init__(self, config: AppConfig, source: ConfigSource) -> None:
        super().__init__(config, source)
        self._pool: queue.LifoQueue[tuple[str, Any]] = queue.LifoQueue()
        self._tls: Any = None
        if not re.fullmatch(r"[A-Za-z0-9_]+", config.table + config.database):
            raise ValueError("database and table names must be plain identifiers")

    def _tls_options(self) -> dict[str, Any]:
        """TLS to RDS verified against its CA bundle (one context for every connection);
        the local lab's 127.0.0.1 servers run without TLS."""
        if self.config.db_ca_file:
            if self._tls is None:
                import ssl

                self._tls = ssl.create_default_context(cafile=self.config.db_ca_file)
            return {"ssl": self._tls}
        if self.config.db_tls == "off":
            return {"ssl_disabled": True}
        return {}

    def _open(self, endpoint: str) -> Any:
        import pymysql

        host, port = self.source.address(endpoint)
        user, password = self.source.credentials()
        try:
            return pymysql.connect(
                host=host,
                port=port,
                user=user,
                password=password,
                database=self.config.database,
                connect_timeout=2,
                read_timeout=5,
                write_timeout=5,
                autocommit=False,
                charset="utf8mb4",
                **self._tls_options(),
            )
        except pymysql.err.OperationalError as exc:
            if exc.args and exc.args[0] == 1045:  # rotated password: read the secret again
                self.source.credentials(fresh=True)
            raise

    def _run(self, work: Any) -> Any:
        import pymysql

        endpoint = ""
        conn = None
        try:
            endpoint = self.source.endpoint()
            while conn is None:
                try:
                    pooled_for, pooled = self._pool.get_nowait()
                except queue.Empty:
                    conn = self._open(endpoint)
                    break
                if pooled_for == endpoint:
                    conn = pooled
                else:
                    with contextlib.suppress(Exception):
                        pooled.close()
            result = work(conn)
        except (pymysql.err.MySQLError, OSError, ConnectionError, KeyError) as exc:
            if conn is not None:
                with contextlib.suppress(Exception):
                    conn.close()
            raise StoreError(f"{type(exc).__name__}: {exc}") from exc
        if self._pool.qsize() < self.POOL_SIZE:
            self._pool.put((endpoint, conn))
        else:
            with contextlib.suppress(Exception):
                conn.close()
        return result

    def _select(self, cur: Any, where: str, value: str) -> dict[str, Any] | None:
        cur.execute(
            f"SELECT order_id, client_order_id, body, region, server_id, "
            f"UNIX_TIMESTAMP(created_at) "
            f"FROM {self.config.table} WHERE {where} = %s",
            (value,),
        )
        row = cur.fetchone()
        if row is None:
            return None
        return {
            "order_id": row[0],
            "client_order_id": row[1],
            "order": json.loads(row[2]),
            "region": row[3],
            "db_server_id": int(row[4]),
            "created_at": float(row[5]),
        }

    def place(self, client_order_id: str, order: dict[str, Any]) -> tuple[dict[str, Any], bool]:
        import pymysql

        def work(conn: Any) -> tuple[dict[str, Any], bool]:
            with conn.cursor() as cur:
                try:
                    cur.execute(
                        f"INSERT INTO {self.config.table} (order_id, client_order_id, body, "
                        "region, server_id, created_at) VALUES (%s, %s, %s, %s, @@server_id, "
                        "NOW(6))",
                        (str(uuid.uuid4()), client_order_id, json.dumps(order), self.config.region),
                    )
                    conn.commit()
                    created = True
                except pymysql.err.IntegrityError:
                    conn.rollback()
                    created = False
                found = self._select(cur, "client_order_id", client_order_id)
                conn.commit()
            if found is None:
                raise StoreError(f"order {client_order_id} not readable after its write")
            return found, created

        result: tuple[dict[str, Any], bool] = self._run(work)
        return result

    def get(self, key: str) -> dict[str, Any] | None:
        def work(conn: Any) -> dict[str, Any] | None:
            with conn.cursor() as cur:
                found = self._select(cur, "order_id", key) or self._select(
                    cur, "client_order_id", key
                )
            conn.commit()
            return found

        result: dict[str, Any] | None = self._run(work)
        return result

    def writable(self) -> tuple[bool, str]:
        def work(conn: Any) -> tuple[bool, str]:
            with conn.cursor() as cur:
                cur.execute(f"SELECT 1 FROM {self.config.table} LIMIT 1")
                cur.fetchall()
                cur.execute("SELECT @@global.read_only, @@server_id")
                row = cur.fetchone()
            conn.commit()
            if int(row[0]):
                return False, f"read-only (server {row[1]})"
            return True, f"writable (server {row[1]})"

        try:
            result: tuple[bool, str] = self._run(work)
        except StoreError as exc:
            return False, str(exc)
        return result


class DynamoDbMrscOrderStore(OrderStore):
    """Orders in the region's replica of the DynamoDB MRSC orders table (`config.table`),
    one item per order, its partition key `pk` the client order id.

    A put is conditional (`attribute_not_exists(pk)`), so a retried submission finds the
    first one instead of creating a second order; MRSC evaluates the condition against the
    latest write in any Region. Reads are strongly consistent (`ConsistentRead`), which under
    MRSC returns the latest acknowledged write whichever Region made it. An order is found by
    its client order id only (the table has no index on `order_id`). Sources:
    https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/V2globaltables_HowItWorks.html#V2globaltables_HowItWorks.consistency-modes-mrsc
    https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/Expressions.ConditionExpressions.html
    """

    # A ReplicatedWriteConflictException (another Region changed the same item at the same
    # moment) means the write did not happen: it answers 503 and the client's retry is safe.

    def _dynamodb(self) -> Any:
        return self.source.client("dynamodb")

    def _read(self, client_order_id: str) -> dict[str, Any] | None:
        found = self._dynamodb().get_item(
            TableName=self.config.table,
            Key={"pk": {"S": client_order_id}},
            ConsistentRead=True,
        )
        item = found.get("Item")
        if item is None:
            return None
        return {
            "order_id": item["order_id"]["S"],
            "client_order_id": item["pk"]["S"],
            "order": json.loads(item["body"]["S"]),
            "region": item["region"]["S"],
            "created_at": float(item["created_at"]["N"]),
        }

    def _call(self, work: Any) -> Any:
        from botocore.exceptions import BotoCoreError, ClientError

        try:
            return work()
        except ClientError as exc:
            code = exc.response.get("Error", {}).get("Code", "")
            raise StoreError(f"{code or type(exc).__name__}: {exc}") from exc
        except BotoCoreError as exc:
            raise StoreError(f"{type(exc).__name__}: {exc}") from exc

    def place(self, client_order_id: str, order: dict[str, Any]) -> tuple[dict[str, Any], bool]:
        from botocore.exceptions import ClientError

        def work() -> tuple[dict[str, Any], bool]:
            created = True
            try:
                self._dynamodb().put_item(
                    TableName=self.config.table,
                    Item={
                        "pk": {"S": client_order_id},
                        "order_id": {"S": str(uuid.uuid4())},
                        "body": {"S": json.dumps(order)},
                        "region": {"S": self.config.region},
                        "created_at": {"N": repr(time.time())},
                    },
                    ConditionExpression="attribute_not_exists(pk)",
                )
            except ClientError as exc:
                if exc.response.get("Error", {}).get("Code") != "ConditionalCheckFailedException":
                    raise
                created = False  # a repeat: the first submission stands
            found = self._read(client_order_id)
            if found is None:
                raise StoreError(f"order {client_order_id} not readable after its write")
            return found, created

        result: tuple[dict[str, Any], bool] = self._call(work)
        return result

    def get(self, key: str) -> dict[str, Any] | None:
        result: dict[str, Any] | None = self._call(lambda: self._read(key))
        return result

    def writable(self) -> tuple[bool, str]:
        """The region's replica is ACTIVE and the table strongly consistent (an eventually
        consistent table would lose acknowledged orders with a region)."""
        try:
            table = self._call(
                lambda: self._dynamodb().describe_table(TableName=self.config.table)["Table"]
            )
        except StoreError as exc:
            return False, str(exc)
        status = table.get("TableStatus")
        mode = table.get("MultiRegionConsistency", "EVENTUAL")
        if status != "ACTIVE":
            return False, f"{self.config.table} {status}"
        if mode != "STRONG":
            return False, f"{self.config.table} is {mode}, not STRONG"
        return True, f"{self.config.table} ACTIVE, STRONG"


STORES: dict[str, type[OrderStore]] = {
    "mysql": MySqlOrderStore,
    "dynamodb-mrsc": DynamoDbMrscOrderStore,
}


class OrdersHandler(BaseHTTPRequestHandler):
    server: OrdersServer
    protocol_version = "HTTP/1.1"

    def log_message(self, format: str, *args: Any) -> None:
        return

    def _send(self, status: int, body: dict[str, Any]) -> None:
        data = json.dumps(body).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.send_header("X-Region", self.server.config.region)
        self.end_headers()
        self.wfile.write(data)

    def do_GET(self) -> None:
        config, store = self.server.config, self.server.store
        if self.path == config.health_path:
            ok, why = store.writable()
            checks = {"database": "ok" if ok else f"fail: {why}"}
            try:
                checks["sessions"] = "ok" if self.server.sessions_active() else "fail"
            except Exception as exc:
                checks["sessions"] = f"fail: {type(exc).__name__}"
            healthy = all(v == "ok" for v in checks.values())
            self._send(
                200 if healthy else 503,
                {"healthy": healthy, "checks": checks, "detail": why, "region": config.region},
            )
            return
        if self.path.startswith("/orders/"):
            try:
                found = store.get(self.path.removeprefix("/orders/"))
            except StoreError as exc:
                self._send(503, {"error": str(exc)})
                return
            self._send(200 if found else 404, found or {"error": "no such order"})
            return
        self._send(404, {"error": "not found"})

    def do_POST(self) -> None:
        if self.path != "/orders":
            self._send(404, {"error": "not found"})
            return
        try:
            length = int(self.headers.get("Content-Length", "0"))
            order = json.loads(self.rfile.read(min(length, 65536)) or b"{}")
            client_order_id = str(order["client_order_id"])
            if not 0 < len(client_order_id) <= 64:
                raise ValueError("client_order_id must be 1-64 characters")
        except (ValueError, KeyError, TypeError) as exc:
            self._send(400, {"error": f"bad order: {exc}"})
            return
        try:
            stored, created = self.server.store.place(client_order_id, order)
        except StoreError as exc:
            self._send(503, {"error": str(exc)})
            return
        self._send(201 if created else 200, stored)


class OrdersServer(ThreadingHTTPServer):
    daemon_threads = True
    request_queue_size = 512  # socketserver's default of 5 refuses connections under load

    def __init__(self, config: AppConfig) -> None:
        host, _, port = config.listen.rpartition(":")
        self.config = config
        self.source = ConfigSource(config)
        self.store = STORES[config.store](config, self.source)
        self._sessions: tuple[float, bool] = (0.0, False)
        super().__init__((host, int(port)), OrdersHandler)

    def handle_error(self, request: Any, client_address: Any) -> None:
        """Health checkers and load balancers reset idle connections: not an error."""
        import sys

        if not isinstance(sys.exc_info()[1], ConnectionError):
            super().handle_error(request, client_address)

    def sessions_active(self) -> bool:
        at, ok = self._sessions
        if time.monotonic() - at > 5:
            ok = self.source.sessions_active()
            self._sessions = (time.monotonic(), ok)
        return ok


def main() -> None:
    import faulthandler
    import signal

    faulthandler.register(signal.SIGUSR1)  # kill -USR1 <pid>: every thread's stack
    server = OrdersServer(AppConfig.from_env())
    print(f"orders app ({server.config.region}) on {server.config.listen}", flush=True)
    server.serve_forever()


if __name__ == "__main__":
    main()
