"""The trading workload: a client placing orders through the public entry point.

Fixed rate (default 50 orders/s), one new client order id per tick, each request on its
own thread with a 5 s timeout so a slow answer never delays the schedule. Every request is
recorded: client order id, send time, status, ack time, the region that answered and the
DB server that committed it. No retries: a failed request is a failure the client saw.
"""

from __future__ import annotations

import http.client
import json
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field


@dataclass
class Request:
    """One order as the client saw it."""

    client_order_id: str
    sent_at: float
    status: int = 0  # 0: no answer (connection refused, reset, timeout)
    acked_at: float | None = None
    region: str = ""
    server_id: int | None = None
    committed_at: float | None = None
    order_id: str = ""
    error: str = ""

    @property
    def acked(self) -> bool:
        return self.status in (200, 201) and bool(self.order_id)

    @property
    def ok(self) -> bool:
        return self.acked


@dataclass
class Workload:
    host: str
    port: int
    rate: float = 50.0
    timeout: float = 5.0
    prefix: str = "c"
    history: list[Request] = field(default_factory=list)
    _stop: threading.Event = field(default_factory=threading.Event)
    _thread: threading.Thread | None = None
    _lock: threading.Lock = field(default_factory=threading.Lock)

    def _send(self, request: Request) -> None:
        request.sent_at = time.time()
        body = json.dumps(
            {"client_order_id": request.client_order_id, "symbol": "ACME", "side": "buy",
             "quantity": 1, "limit_price": "101.25"}
        )  # fmt: skip
        conn = http.client.HTTPConnection(self.host, self.port, timeout=self.timeout)
        try:
            conn.request("POST", "/orders", body, {"Content-Type": "application/json"})
            response = conn.getresponse()
            data = response.read()
            request.status = response.status
            request.region = response.getheader("X-Region") or ""
            if response.status in (200, 201):
                answer = json.loads(data)
                request.order_id = str(answer.get("order_id", ""))
                request.server_id = int(answer["db_server_id"])
                request.committed_at = float(answer["created_at"])
                request.acked_at = time.time()
            else:
                request.error = data.decode("utf-8", "replace")[:200]
        except (OSError, http.client.HTTPException, ValueError, KeyError) as exc:
            request.status = 0
            request.error = f"{type(exc).__name__}: {exc}"[:200]
        finally:
            conn.close()

    def _run(self) -> None:
        interval = 1.0 / self.rate
        with ThreadPoolExecutor(max_workers=300, thread_name_prefix="order") as pool:
            started = time.monotonic()
            sequence = 0
            while not self._stop.is_set():
                due = started + sequence * interval
                delay = due - time.monotonic()
                if delay > 0 and self._stop.wait(delay):
                    break
                request = Request(f"{self.prefix}-{sequence:07d}", time.time())
                with self._lock:
                    self.history.append(request)
                pool.submit(self._send, request)
                sequence += 1

    def start(self) -> None:
        self._thread = threading.Thread(target=self._run, name="workload", daemon=True)
        self._thread.start()

    def stop(self) -> list[Request]:
        """Stop sending and wait for the requests in flight."""
        self._stop.set()
        if self._thread is not None:
            self._thread.join(timeout=self.timeout + 10)
        with self._lock:
            return list(self.history)

    def snapshot(self) -> list[Request]:
        with self._lock:
            return list(self.history)

    def acked_count(self) -> int:
        return sum(1 for r in self.snapshot() if r.acked)
