"""Client providers: every AWS-facing object takes one, so tests inject moto or Stubber.

Nothing here creates a client at import time.
"""

from __future__ import annotations

import threading
from typing import Any, Protocol

import boto3
from botocore.config import Config


class ClientProvider(Protocol):
    """Hands out a boto3 client for (service, region)."""

    def client(self, service: str, region: str) -> Any: ...


class Boto3ClientProvider:
    """Real AWS (profile/default chain) or the embedded emulator (endpoint_url).

    Retries are left to tradedr's executor (it records each attempt), so botocore's own
    retry budget is kept small.
    """

    def __init__(
        self,
        *,
        profile: str | None = None,
        endpoint_url: str | None = None,
        max_attempts: int = 2,
        connect_timeout: float = 5,
        read_timeout: float = 30,
    ) -> None:
        self.profile = profile
        self.endpoint_url = endpoint_url
        self._config = Config(
            retries={"max_attempts": max_attempts, "mode": "standard"},
            connect_timeout=connect_timeout,
            read_timeout=read_timeout,
        )
        self._session: boto3.session.Session | None = None
        self._clients: dict[tuple[str, str], Any] = {}
        self._lock = threading.Lock()

    @property
    def session(self) -> boto3.session.Session:
        if self._session is None:
            if self.endpoint_url:
                # The emulator accepts any credentials; never pick up a real profile for it.
                self._session = boto3.session.Session(
                    aws_access_key_id="testing",
                    aws_secret_access_key="testing",
                )
            else:
                self._session = boto3.session.Session(profile_name=self.profile)
        return self._session

    def client(self, service: str, region: str) -> Any:
        key = (service, region)
        with self._lock:
            if key not in self._clients:
                self._clients[key] = self.session.client(
                    service,
                    region_name=region,
                    endpoint_url=self.endpoint_url,
                    config=self._config,
                )
            return self._clients[key]
