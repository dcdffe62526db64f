"""The drill's scheduled-readiness step on AWS, against Stubber: one run of the deployed
function, invoked now, decides (exit 0 executed, else failed naming each check)."""

from __future__ import annotations

import io
import json

import pytest
from botocore.response import StreamingBody
from tests.stubbed import StubbedProvider

from tradedr.config import load_settings
from tradedr.ops.drill import _scheduled_readiness

pytestmark = pytest.mark.stubbed

SETTINGS = load_settings({"readiness": {"schedule": "rate(30 minutes)"}})
NAME = "trading-prod-readiness-usw2"


def _payload(report: dict[str, object]) -> StreamingBody:
    raw = json.dumps(report).encode()
    return StreamingBody(io.BytesIO(raw), len(raw))


@pytest.mark.parametrize(("exit_code", "status"), [(0, "executed"), (1, "failed")])
def test_one_run_of_the_function_decides(exit_code: int, status: str) -> None:
    provider = StubbedProvider()
    function = provider.stub("lambda", "us-west-2")
    function.add_response(
        "get_function", {"Configuration": {"FunctionName": NAME}}, {"FunctionName": NAME}
    )
    checks = [
        {"check": "replica", "status": "pass"},
        {"check": "backup-copies", "status": "fail" if exit_code else "pass"},
    ]
    function.add_response(
        "invoke",
        {"StatusCode": 200, "Payload": _payload({"exit_code": exit_code, "checks": checks})},
        {"FunctionName": NAME, "InvocationType": "RequestResponse"},
    )
    got = _scheduled_readiness(SETTINGS, provider, "us-west-2", "aws")
    provider.assert_done()
    assert got[0] == status
    assert got[1] == f"{NAME}: replica pass, backup-copies {checks[1]['status']}"


def test_a_missing_function_fails() -> None:
    provider = StubbedProvider()
    provider.stub("lambda", "us-west-2").add_client_error(
        "get_function", "ResourceNotFoundException", "no such function"
    )
    assert _scheduled_readiness(SETTINGS, provider, "us-west-2", "aws") == (
        "failed",
        f"{NAME} is not deployed: ResourceNotFoundException",
    )
