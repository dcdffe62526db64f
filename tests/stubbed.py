"""The stubbed client provider shared by the tests of real-AWS-only paths.

It hands out real boto3 clients, one per (service, region), each wrapped in an activated
botocore Stubber: every request is validated against the service's real model and answered
from the responses a test queued, so no account is used and a wrong call fails.
"""

from __future__ import annotations

from typing import Any

import boto3
from botocore.stub import Stubber


class StubbedProvider:
    """A `ClientProvider` (tradedr.ops.clients) of stubbed clients.

    `stub(service, region)` gives a test the Stubber to queue answers on; `client` is what
    the code under test calls, and every call is recorded in `asked`. `assert_done` fails
    when a queued answer was never asked for.
    """

    def __init__(self) -> None:
        self.clients: dict[tuple[str, str], Any] = {}
        self.stubbers: dict[tuple[str, str], Stubber] = {}
        self.asked: list[tuple[str, str]] = []

    def stub(self, service: str, region: str) -> Stubber:
        key = (service, region)
        if key not in self.stubbers:
            client = boto3.client(
                service,
                region_name=region,
                aws_access_key_id="testing",
                aws_secret_access_key="testing",
            )
            stubber = Stubber(client)
            stubber.activate()
            self.clients[key] = client
            self.stubbers[key] = stubber
        return self.stubbers[key]

    def client(self, service: str, region: str) -> Any:
        self.asked.append((service, region))
        self.stub(service, region)
        return self.clients[(service, region)]

    def assert_done(self) -> None:
        for stubber in self.stubbers.values():
            stubber.assert_no_pending_responses()
