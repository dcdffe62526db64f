"""The scenario registry: every module under analysis/rto/scenarios/ is registered, once,
under the name its module declares, and the report follows the registry's order."""

from __future__ import annotations

import importlib
import pkgutil
from typing import Any

from tests.unit.analysis.rto.support import templates_of

from tradedr.analysis.rto import SCENARIOS, analyse_rto, scenarios
from tradedr.analysis.rto.model import RecoveryGraph, ScenarioDefinition
from tradedr.analysis.rto.scenarios import REGISTRY


def scenario_modules() -> list[str]:
    return sorted(m.name for m in pkgutil.iter_modules(scenarios.__path__))


def test_every_scenario_module_is_registered() -> None:
    modules = scenario_modules()
    assert modules, "no scenario modules found"
    registered = {definition.build.__module__ for definition in REGISTRY}
    for name in modules:
        module = importlib.import_module(f"{scenarios.__name__}.{name}")
        definition = getattr(module, "SCENARIO", None)
        assert isinstance(definition, ScenarioDefinition), (
            f"{module.__name__} defines no SCENARIO = ScenarioDefinition(NAME, build)"
        )
        assert definition in REGISTRY, (
            f"{module.__name__} is not registered: add {name}.SCENARIO to "
            "tradedr.analysis.rto.scenarios.REGISTRY"
        )
    assert registered == {f"{scenarios.__name__}.{name}" for name in modules}


def test_registered_names_are_unique_and_named_after_their_module() -> None:
    assert len(set(SCENARIOS)) == len(SCENARIOS) == len(REGISTRY)
    for definition in REGISTRY:
        module = importlib.import_module(definition.build.__module__)
        assert definition.name == module.NAME
        assert module.__name__.rsplit(".", 1)[-1] == definition.name.replace("-", "_")


def test_each_builder_returns_a_graph_of_its_name(default_synth: Any) -> None:
    templates = templates_of(default_synth)
    for definition in REGISTRY:
        graph = definition.build(templates, [])
        assert isinstance(graph, RecoveryGraph)
        assert graph.name == definition.name
        assert graph.components


def test_the_report_lists_the_scenarios_in_registry_order(default_synth: Any) -> None:
    report = analyse_rto(templates_of(default_synth), samples=500)
    assert [s.name for s in report.scenarios] == list(SCENARIOS)
    assert SCENARIOS == (
        "region-loss",
        "az-loss",
        "db-instance-failure",
        "app-instance-failure",
    )
