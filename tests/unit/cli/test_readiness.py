"""`tradedr readiness --target aws` end to end through the CLI, against Stubber answers:
exit 0 and JSON when every check passes, 1 when any fails, 3 when one could not ask AWS,
2 for a standby that is not in the config."""

from __future__ import annotations

import contextlib
import json
from collections.abc import Iterator

import pytest
from typer.testing import CliRunner

from tests.stubbed import StubbedProvider
from tests.unit.readiness import stubs
from tradedr.cli import app
from tradedr.ops.target import Target

pytestmark = pytest.mark.stubbed


def _run(monkeypatch: pytest.MonkeyPatch, provider: StubbedProvider, *args: str) -> object:
    import tradedr.ops.target as target
    import tradedr.readiness.model as model

    @contextlib.contextmanager
    def opened(name: str = "local", profile: str | None = None) -> Iterator[Target]:
        yield Target("aws", provider)

    monkeypatch.setattr(target, "open_target", opened)
    monkeypatch.setattr(model, "_utcnow", lambda: stubs.NOW)
    monkeypatch.setattr(model.time, "sleep", lambda _s: None)
    return CliRunner().invoke(app, ["readiness", "--target", "aws", *args])


@pytest.mark.parametrize(("healthy", "code"), [(True, 0), (False, 1)])
def test_exit_code_and_json(monkeypatch: pytest.MonkeyPatch, healthy: bool, code: int) -> None:
    provider = StubbedProvider()
    for name in stubs.QUEUES:
        stubs.queue(provider, name, healthy=healthy)
    result = _run(monkeypatch, provider, "--json")
    assert result.exit_code == code, result.output  # type: ignore[attr-defined]
    data = json.loads(result.stdout)  # type: ignore[attr-defined]
    assert data["exit_code"] == code
    assert [c["check"] for c in data["checks"]] == list(stubs.QUEUES)
    assert {c["status"] for c in data["checks"]} == {"pass" if healthy else "fail"}


def test_the_table_has_one_line_per_check(monkeypatch: pytest.MonkeyPatch) -> None:
    provider = StubbedProvider()
    for name in stubs.QUEUES:
        stubs.queue(provider, name, healthy=False)
    result = _run(monkeypatch, provider)
    lines = result.stdout.splitlines()  # type: ignore[attr-defined]
    for name in stubs.QUEUES:
        assert len([line for line in lines if f" {name} (us-west-2): " in line]) == 1
    assert lines[-1] == "readiness of us-west-2 on aws: NOT ready"


def test_an_api_failure_exits_3(monkeypatch: pytest.MonkeyPatch) -> None:
    provider = StubbedProvider()
    for name in stubs.QUEUES:
        if name == "stack-drift":
            provider.stub("cloudformation", stubs.P).add_client_error(
                "detect_stack_drift", "Throttling", "Rate exceeded"
            )
        else:
            stubs.queue(provider, name, healthy=True)
    result = _run(monkeypatch, provider, "--json")
    assert result.exit_code == 3  # type: ignore[attr-defined]
    drift = json.loads(result.stdout)["checks"][-1]  # type: ignore[attr-defined]
    assert drift["status"] == "error"
    assert drift["detail"] == "API failure: DetectStackDrift: Throttling: Rate exceeded"


def test_a_standby_not_in_the_config_is_bad_input(monkeypatch: pytest.MonkeyPatch) -> None:
    result = _run(monkeypatch, StubbedProvider(), "--standby", "eu-west-1")
    assert result.exit_code == 2  # type: ignore[attr-defined]
    assert "--standby 'eu-west-1' is not a standby region" in result.stderr  # type: ignore[attr-defined]
