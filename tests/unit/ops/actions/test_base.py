"""ExecutionContext.call makes only the calls a step's action declares in calls(): any
other (another operation, another region) is a plan bug, refused before it is made, so
"the unplanned failover never calls the lost region" is enforced, not only declared."""

from __future__ import annotations

from pathlib import Path

import pytest
from tests.stubbed import StubbedProvider

from tradedr.config import load_settings
from tradedr.errors import PlanBugError
from tradedr.ops import actions
from tradedr.ops.actions.base import Action, ExecutionContext, Outcome
from tradedr.ops.executor import Executor
from tradedr.ops.failover import failover_plan
from tradedr.ops.plans import ActionKind, ApiCall, Plan, Step, StepGroup, StepParams

pytestmark = pytest.mark.stubbed

STANDBY, LOST = "us-west-2", "us-east-1"
ASG = "trading-prod-asg-usw2"


class RogueParams(StepParams):
    region: str
    operation: str


class Rogue(Action):
    """Declares one read in the standby, then makes whatever call its params say."""

    kind = ActionKind.SCALE_ASG
    Params = RogueParams
    read_only = True

    def calls(self, step: Step) -> list[ApiCall]:
        return [ApiCall("autoscaling", STANDBY, "DescribeAutoScalingGroups")]

    def run(self, ctx: ExecutionContext, step: Step) -> Outcome:
        params = RogueParams.model_validate(step.params)
        kwargs = {"AutoScalingGroupNames": [ASG]}
        if params.operation == "UpdateAutoScalingGroup":
            kwargs = {"AutoScalingGroupName": ASG, "DesiredCapacity": 0}
        ctx.call("autoscaling", params.region, params.operation, **kwargs)
        return Outcome("executed", "made its call")


def rogue_plan(region: str, operation: str) -> Plan:
    step = Step(
        id=f"rogue-{STANDBY}",
        action=ActionKind.SCALE_ASG,
        region=STANDBY,
        title="Rogue",
        params={"region": region, "operation": operation},
    )
    plan = failover_plan(load_settings({}), to_region=STANDBY, mode="unplanned")
    return plan.model_copy(update={"groups": [StepGroup(name="rogue", steps=[step])]})


@pytest.fixture
def rogue(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(actions.ACTIONS, ActionKind.SCALE_ASG, Rogue())


def executor(provider: StubbedProvider, tmp_path: Path) -> Executor:
    ctx = ExecutionContext(provider, load_settings({}), target="aws", sleep=lambda _s: None)
    return Executor(ctx, runs_dir=tmp_path / "runs")


@pytest.mark.parametrize(
    ("region", "operation"),
    [
        (LOST, "DescribeAutoScalingGroups"),  # the declared operation, in the lost region
        (STANDBY, "UpdateAutoScalingGroup"),  # an operation it never declared
    ],
)
@pytest.mark.usefixtures("rogue")
def test_an_undeclared_call_is_refused_before_it_is_made(
    tmp_path: Path, region: str, operation: str
) -> None:
    provider = StubbedProvider()
    result = executor(provider, tmp_path).start(rogue_plan(region, operation))
    assert result.status == "stopped"
    assert result.exit_code == 3
    [record] = result.records
    assert record.status == "failed"
    assert record.detail == (
        f"plan bug: step rogue-{STANDBY} called autoscaling:{operation} in {region}, which "
        "its action does not declare in calls(); refused, the call was not made"
    )
    assert provider.asked == []  # no client was even asked for
    assert record.calls == []


@pytest.mark.usefixtures("rogue")
def test_a_declared_call_is_made(tmp_path: Path) -> None:
    provider = StubbedProvider()
    provider.stub("autoscaling", STANDBY).add_response(
        "describe_auto_scaling_groups", {"AutoScalingGroups": []}, {"AutoScalingGroupNames": [ASG]}
    )
    result = executor(provider, tmp_path).start(rogue_plan(STANDBY, "DescribeAutoScalingGroups"))
    assert result.status == "completed", result.message
    assert result.records[0].calls == [f"autoscaling:{STANDBY}:DescribeAutoScalingGroups"]
    provider.assert_done()


@pytest.mark.usefixtures("rogue")
def test_a_dry_run_refuses_it_too(tmp_path: Path) -> None:
    """Read-only steps really run in a dry run: the same rule holds there."""
    provider = StubbedProvider()
    result = executor(provider, tmp_path).dry_run(rogue_plan(LOST, "DescribeAutoScalingGroups"))
    [record] = result.records
    assert record.status == "failed"
    assert "not declare in calls()" in record.detail
    assert provider.asked == []


def test_inside_a_step_nothing_is_allowed_until_declared_and_outside_one_all_is() -> None:
    provider = StubbedProvider()
    ctx = ExecutionContext(provider, load_settings({}), target="aws")
    ctx.begin_step("s")
    with pytest.raises(PlanBugError, match="step s called rds:DescribeDBInstances in us-west-2"):
        ctx.call("rds", STANDBY, "DescribeDBInstances")
    ctx.end_step()
    provider.stub("rds", STANDBY).add_response("describe_db_instances", {"DBInstances": []})
    assert ctx.call("rds", STANDBY, "DescribeDBInstances")["DBInstances"] == []
    provider.assert_done()
