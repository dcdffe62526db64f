"""AWS failures nothing below handled still end as one line and exit code 3."""

from __future__ import annotations

import pytest
from botocore.exceptions import ClientError, EndpointConnectionError, NoCredentialsError
from typer.testing import CliRunner

from tradedr.cli import app


def _access_denied() -> ClientError:
    return ClientError(
        {"Error": {"Code": "AccessDenied", "Message": "not allowed"}}, "DescribeStacks"
    )


@pytest.mark.parametrize(
    ("error", "expected"),
    [
        (NoCredentialsError(), "set AWS credentials or pass --profile"),
        (EndpointConnectionError(endpoint_url="https://x"), "Could not connect"),
        (_access_denied(), "ClientError: An error occurred (AccessDenied)"),
    ],
)
def test_botocore_errors_become_one_line_and_exit_3(
    monkeypatch: pytest.MonkeyPatch, error: Exception, expected: str
) -> None:
    def fail(*_args: object, **_kwargs: object) -> None:
        raise error

    monkeypatch.setattr("tradedr.infra.synth.synthesize", fail)
    result = CliRunner().invoke(app, ["synth", "--json"])
    assert result.exit_code == 3
    lines = [line for line in result.stderr.splitlines() if line.strip()]
    assert len(lines) == 1
    assert lines[0].startswith("error: AWS: ")
    assert expected in lines[0]
    assert "Traceback" not in result.output


def test_other_exceptions_are_not_swallowed(monkeypatch: pytest.MonkeyPatch) -> None:
    def fail(*_args: object, **_kwargs: object) -> None:
        raise ValueError("a bug, not an AWS failure")

    monkeypatch.setattr("tradedr.infra.synth.synthesize", fail)
    result = CliRunner().invoke(app, ["synth", "--json"])
    assert result.exit_code == 1
    assert isinstance(result.exception, ValueError)
