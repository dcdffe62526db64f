"""Every readiness check against botocore's Stubber (the real service models): each passes
on a healthy answer and fails, in one line naming what is wrong, on its unhealthy one; a
whole run passes (exit 0), fails in every check (exit 1), and an API failure is exit 3."""

from __future__ import annotations

import pytest

from tests.stubbed import StubbedProvider
from tests.unit.readiness import stubs
from tradedr.readiness.checks import CHECKS
from tradedr.readiness.model import ReadinessContext, Status
from tradedr.readiness.plan_calls import standby_actions
from tradedr.readiness.runner import run_checks
from tradedr.readiness.service import facts_for

pytestmark = pytest.mark.stubbed

BY_NAME = {c.name: c for c in CHECKS}


def context(provider: StubbedProvider) -> ReadinessContext:
    actions = standby_actions(stubs.SETTINGS, provider, stubs.S)
    return ReadinessContext(
        facts_for(stubs.SETTINGS, stubs.S, actions=actions),
        provider,
        now=lambda: stubs.NOW,
        sleep=lambda _seconds: None,
    )


def test_the_plan_actions_in_the_standby() -> None:
    # dns-failover: the traffic controls need no call, so none is stubbed.
    assert standby_actions(stubs.SETTINGS, StubbedProvider(), stubs.S) == stubs.EXPECTED_ACTIONS


def test_without_the_plan_the_permissions_check_is_not_applicable() -> None:
    provider = StubbedProvider()
    ctx = ReadinessContext(facts_for(stubs.SETTINGS, stubs.S), provider)
    verdict = BY_NAME["failover-permissions"].run(ctx)
    assert verdict.status is Status.NOT_APPLICABLE
    assert provider.asked == []


def test_every_check_has_stubs_and_a_failure_line() -> None:
    assert list(stubs.QUEUES) == [c.name for c in CHECKS]
    assert set(stubs.FAILURES) == set(stubs.QUEUES)


@pytest.mark.parametrize("name", list(stubs.QUEUES))
def test_a_check_passes_on_a_healthy_answer(name: str) -> None:
    provider = StubbedProvider()
    stubs.queue(provider, name, healthy=True)
    verdict = BY_NAME[name].run(context(provider))
    provider.assert_done()
    assert (verdict.check, verdict.status) == (name, Status.PASS), verdict.detail


@pytest.mark.parametrize("name", list(stubs.QUEUES))
def test_a_check_fails_naming_what_is_wrong(name: str) -> None:
    provider = StubbedProvider()
    stubs.queue(provider, name, healthy=False)
    verdict = BY_NAME[name].run(context(provider))
    provider.assert_done()
    assert verdict.status is Status.FAIL
    assert stubs.FAILURES[name] in verdict.detail
    assert "\n" not in verdict.line


def test_a_run_where_every_check_passes_exits_0() -> None:
    provider = StubbedProvider()
    for name in stubs.QUEUES:
        stubs.queue(provider, name, healthy=True)
    report = run_checks(context(provider), emulated=False)
    provider.assert_done()
    assert [(v.check, v.status) for v in report.verdicts] == [
        (name, Status.PASS) for name in stubs.QUEUES
    ]
    assert report.exit_code == 0


def test_a_run_with_a_failure_in_every_check_names_each_and_exits_1() -> None:
    provider = StubbedProvider()
    for name in stubs.QUEUES:
        stubs.queue(provider, name, healthy=False)
    report = run_checks(context(provider), emulated=False)
    provider.assert_done()
    assert [v.status for v in report.verdicts] == [Status.FAIL] * len(stubs.QUEUES)
    for verdict in report.verdicts:
        assert verdict.line.startswith(f"{verdict.check} (us-west-2): fail: ")
        assert stubs.FAILURES[verdict.check] in verdict.line
    assert report.exit_code == 1


def test_an_api_failure_is_an_error_verdict_and_exit_3() -> None:
    provider = StubbedProvider()
    provider.stub("rds", stubs.S).add_client_error(
        "describe_db_instances", "AccessDenied", "not allowed", http_status_code=403
    )
    for name in list(stubs.QUEUES)[1:]:
        stubs.queue(provider, name, healthy=True)
    report = run_checks(context(provider), emulated=False)
    provider.assert_done()
    replica = report.verdicts[0]
    assert replica.status is Status.ERROR
    assert replica.detail == "API failure: DescribeDBInstances: AccessDenied: not allowed"
    assert {v.status for v in report.verdicts[1:]} == {Status.PASS}
    assert report.exit_code == 3


def test_on_the_emulator_the_checks_moto_cannot_answer_are_not_emulated() -> None:
    provider = StubbedProvider()
    emulated = [c.name for c in CHECKS if c.emulated]
    for name in emulated:
        stubs.queue(provider, name, healthy=True)
    report = run_checks(context(provider), emulated=True)
    provider.assert_done()
    assert emulated == ["secrets-and-keys", "instance-type-and-ami"]
    assert {v.check: v.status for v in report.verdicts} == {
        c.name: Status.PASS if c.emulated else Status.NOT_EMULATED for c in CHECKS
    }
    assert report.exit_code == 0


def test_key_policies_compare_without_region_names_and_service_grants() -> None:
    import json

    from tradedr.readiness.checks.secrets_keys import normalized_policy

    root = {"Sid": "Root", "Effect": "Allow", "Principal": {"AWS": "*"}, "Action": "kms:*"}
    logs = {
        "Effect": "Allow",
        "Principal": {"Service": "logs.REGION.amazonaws.com"},
        "Action": "kms:Encrypt*",
    }
    grant = {
        "Effect": "Allow",
        "Action": "kms:Decrypt",
        "Condition": {"StringEquals": {"kms:ViaService": "secretsmanager.REGION.amazonaws.com"}},
    }

    def policy(region: str, *statements: dict[str, object]) -> str:
        return json.dumps({"Statement": list(statements)}).replace("REGION", region)

    primary = normalized_policy(policy("us-east-1", root, logs, grant), "us-east-1", "use1")
    assert primary == normalized_policy(policy("us-west-2", logs, root), "us-west-2", "usw2")
    edited = {**root, "Action": "kms:Decrypt"}
    assert primary != normalized_policy(policy("us-west-2", logs, edited), "us-west-2", "usw2")


def test_a_check_moto_cannot_answer_says_why() -> None:
    for check in CHECKS:
        assert bool(check.not_emulated_reason) is not check.emulated, check.name
