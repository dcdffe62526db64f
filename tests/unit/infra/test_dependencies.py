"""No circular dependencies and no cross-region references: deployment order is a DAG and every
value that crosses a region travels as a parameter or a stable name."""

from __future__ import annotations

import pytest

from tests.conftest import Synthesized
from tests.unit.infra.templates import intrinsic
from tradedr.config import Posture


def _graph(synth: Synthesized) -> dict[str, set[str]]:
    return {s.name: set(s.dependencies) for s in synth.stacks}


def _is_dag(graph: dict[str, set[str]]) -> bool:
    remaining = dict(graph)
    while remaining:
        ready = [n for n, deps in remaining.items() if not deps & set(remaining)]
        if not ready:
            return False
        for node in ready:
            del remaining[node]
    return True


def _all_synths(request: pytest.FixtureRequest) -> list[Synthesized]:
    postures = request.getfixturevalue("posture_synths")
    return [
        *postures.values(),
        request.getfixturevalue("three_region_synth"),
        request.getfixturevalue("custom_synth"),
        request.getfixturevalue("baseline_synth"),
    ]


def test_dependency_graph_is_a_dag_for_every_config(request: pytest.FixtureRequest) -> None:
    for synth in _all_synths(request):
        assert _is_dag(_graph(synth)), synth.settings.prefix


def test_stacks_are_listed_after_their_dependencies(request: pytest.FixtureRequest) -> None:
    for synth in _all_synths(request):
        position = {s.name: i for i, s in enumerate(synth.stacks)}
        for stack in synth.stacks:
            for dep in stack.dependencies:
                assert position[dep] < position[stack.name], (dep, stack.name)


def test_standby_data_deploys_before_primary_data(three_region_synth: Synthesized) -> None:
    """The primary's table replicas, replication and backup copies name the standby's key,
    bucket and vault, which must exist first."""
    order = [s.name for s in three_region_synth.stacks]
    primary = order.index("trading-tri-data-us-east-1")
    for standby in ("us-west-2", "eu-west-1"):
        assert order.index(f"trading-tri-data-{standby}") < primary


def test_replicas_deploy_after_the_primary_database(three_region_synth: Synthesized) -> None:
    graph = _graph(three_region_synth)
    for standby in ("us-west-2", "eu-west-1"):
        assert "trading-tri-data-us-east-1" in graph[f"trading-tri-replica-{standby}"]


def test_global_stack_deploys_last(request: pytest.FixtureRequest) -> None:
    for synth in _all_synths(request):
        assert synth.stacks[-1].name == synth.name("global")
        apps = {s.name for s in synth.stacks if s.kind == "app"}
        assert apps <= set(synth.stacks[-1].dependencies)


def test_no_import_value_crosses_a_region(request: pytest.FixtureRequest) -> None:
    for synth in _all_synths(request):
        regions = {s.name: s.region for s in synth.stacks}
        exports = {
            f"{stack}:{key}"
            for stack, template in synth.templates.items()
            for key in template.get("Outputs", {})
        }
        for stack, template in synth.templates.items():
            for imported in intrinsic(template, "Fn::ImportValue"):
                assert isinstance(imported, str), f"{stack}: computed import {imported}"
                source = imported.split(":", 1)[0]
                assert regions[source] == regions[stack], f"{stack} imports from {source}"
                assert imported in exports or imported.split(":", 1)[1] in synth.outputs(source)


def test_global_stack_imports_nothing(default_synth: Synthesized) -> None:
    """Route 53 changes happen in us-east-1; ALBs of every region arrive as parameters."""
    template = default_synth.template("trading-prod-global")
    assert not intrinsic(template, "Fn::ImportValue")
    assert not intrinsic(template, "Fn::GetStackOutput")


def test_no_cross_region_reference_helpers(request: pytest.FixtureRequest) -> None:
    for synth in _all_synths(request):
        for stack, template in synth.templates.items():
            for res in template["Resources"].values():
                assert not res["Type"].startswith("Custom::"), stack
                assert res["Type"] != "AWS::CloudFormation::CustomResource", stack


@pytest.mark.parametrize("posture", list(Posture))
def test_stack_depends_only_on_stacks_that_exist(
    posture_synths: dict[Posture, Synthesized], posture: Posture
) -> None:
    synth = posture_synths[posture]
    names = set(synth.templates)
    for stack in synth.stacks:
        assert set(stack.dependencies) <= names
