"""Fault injection: a ClientProvider wrapper that makes chosen calls fail.

Two uses: tests inject throttling, 5xx, timeouts and access errors into single plan steps;
the drill simulates the loss of a whole region, where every call to that region fails with
a connection error, and so does every call to a global control plane that lives there
(Route 53 and IAM in us-east-1, Global Accelerator in us-west-2).
"""

from __future__ import annotations

import threading
import uuid
from dataclasses import dataclass, field
from typing import Any, Literal

from botocore.exceptions import ClientError, EndpointConnectionError, ReadTimeoutError

from tradedr.ops.clients import ClientProvider
from tradedr.ops.plans import GLOBAL_CONTROL_PLANES

FaultKind = Literal["throttle", "5xx", "timeout", "access-denied", "validation", "connection"]

_CLIENT_ERRORS: dict[str, tuple[str, int, str]] = {
    "throttle": ("Throttling", 400, "Rate exceeded"),
    "5xx": ("ServiceUnavailable", 503, "Service is unavailable, try again"),
    "access-denied": ("AccessDenied", 403, "User is not authorized to perform this operation"),
    "validation": ("ValidationError", 400, "1 validation error detected (injected)"),
}


def make_error(kind: FaultKind, service: str, region: str, operation: str) -> Exception:
    """The exception botocore would raise for this kind of failure."""
    url = f"https://{service}.{region}.amazonaws.com/"
    error: Exception
    if kind == "timeout":
        error = ReadTimeoutError(endpoint_url=url)
    elif kind == "connection":
        error = EndpointConnectionError(endpoint_url=url)
    else:
        code, status, message = _CLIENT_ERRORS[kind]
        response: dict[str, Any] = {
            "Error": {"Code": code, "Message": message},
            "ResponseMetadata": {
                "HTTPStatusCode": status,
                "RequestId": f"injected-{uuid.uuid4()}",
            },
        }
        error = ClientError(response, operation)
    return error


@dataclass
class Fault:
    """Fail matching calls `times` times (None: always). Empty fields match anything."""

    kind: FaultKind
    service: str | None = None
    region: str | None = None
    operation: str | None = None
    times: int | None = 1
    step: str | None = None
    fired: int = 0

    def matches(self, service: str, region: str, operation: str, step: str | None) -> bool:
        return (
            (self.step is None or self.step == step)
            and (self.service is None or self.service == service)
            and (self.region is None or self.region == region)
            and (self.operation is None or self.operation == operation)
            and (self.times is None or self.fired < self.times)
        )


@dataclass
class FaultLog:
    injected: list[tuple[str, str, str, str]] = field(default_factory=list)


class FaultInjectingProvider:
    """Wraps another provider; its clients raise the configured faults before calling."""

    def __init__(self, inner: ClientProvider, faults: list[Fault] | None = None) -> None:
        self.inner = inner
        self.faults: list[Fault] = list(faults or [])
        self.lost_region: str | None = None
        self.log = FaultLog()
        self._lock = threading.Lock()
        self._local = threading.local()

    def set_step(self, step_id: str | None) -> None:
        """Name the plan step running on this thread, for faults aimed at one step."""
        self._local.step = step_id

    def progress(self, event: str, step: Any, attempt: int, extra: Any = None) -> None:
        """An executor progress hook that keeps `set_step` current."""
        if event == "start" and step is not None:
            self.set_step(step.id)
        elif event == "end":
            self.set_step(None)

    # Region loss -----------------------------------------------------------------------

    def lose_region(self, region: str) -> None:
        self.lost_region = region

    def restore_region(self) -> None:
        self.lost_region = None

    def unreachable(self, service: str, region: str) -> bool:
        lost = self.lost_region
        if lost is None:
            return False
        return region == lost or GLOBAL_CONTROL_PLANES.get(service) == lost

    # ClientProvider --------------------------------------------------------------------

    def client(self, service: str, region: str) -> Any:
        return _FaultyClient(self, service, region, self.inner.client(service, region))

    def check(self, service: str, region: str, operation: str) -> None:
        """Raise the fault this call should suffer, if any."""
        if self.unreachable(service, region):
            self.log.injected.append(("connection", service, region, operation))
            raise make_error("connection", service, region, operation)
        with self._lock:
            step = getattr(self._local, "step", None)
            fault = next(
                (f for f in self.faults if f.matches(service, region, operation, step)), None
            )
            if fault is None:
                return
            fault.fired += 1
        self.log.injected.append((fault.kind, service, region, operation))
        raise make_error(fault.kind, service, region, operation)


class _FaultyClient:
    """A proxy for a boto3 client: API methods check for faults, the rest pass through."""

    def __init__(self, owner: FaultInjectingProvider, service: str, region: str, inner: Any):
        self._owner = owner
        self._service = service
        self._region = region
        self._inner = inner

    def __getattr__(self, name: str) -> Any:
        attribute = getattr(self._inner, name)
        operation = self._inner.meta.method_to_api_mapping.get(name)
        if operation is None or not callable(attribute):
            return attribute
        owner, service, region = self._owner, self._service, self._region

        def call(*args: Any, **kwargs: Any) -> Any:
            owner.check(service, region, operation)
            return attribute(*args, **kwargs)

        return call


def region_loss(inner: ClientProvider, region: str) -> FaultInjectingProvider:
    provider = FaultInjectingProvider(inner)
    provider.lose_region(region)
    return provider
