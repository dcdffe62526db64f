"""The model: dependency order, evaluation of one graph, statistics and `met`."""

from __future__ import annotations

from graphlib import CycleError

import numpy as np
import pytest

from tradedr.analysis.rto.model import (
    Component,
    RecoveryGraph,
    Sampler,
    Stats,
    dependency_order,
    triangular,
)


def step(
    name: str,
    seconds: float,
    after: tuple[str, ...] = (),
    *,
    critical: bool = True,
    sampler: Sampler | None = None,
) -> Component:
    return Component(
        name,
        seconds,
        seconds,
        seconds,
        sampler or triangular(seconds, seconds, seconds),
        "test",
        after=list(after),
        critical=critical,
    )


def names(components: list[Component]) -> list[str]:
    return [c.name for c in components]


def test_a_declaration_in_dependency_order_is_kept() -> None:
    declared = [
        step("detection", 10),
        step("decision", 5, ("detection",)),
        step("scale", 300, ("decision",), critical=False),
        step("traffic", 60, ("detection",)),
        step("verify", 5, ("traffic", "decision")),
    ]
    assert names(dependency_order(declared)) == names(declared)


def test_a_component_goes_as_soon_as_what_it_waits_for_is_placed() -> None:
    """Declared first, it takes the first place its dependencies allow; ties between ready
    components go to the one declared first."""
    waits = [step("confirm", 10, ("detection",)), step("detection", 5), step("traffic", 1)]
    assert names(dependency_order(waits)) == ["detection", "confirm", "traffic"]
    free = [step("confirm", 10), step("detection", 5), step("traffic", 1, ("detection",))]
    assert names(dependency_order(free)) == ["confirm", "detection", "traffic"]


@pytest.mark.parametrize(
    ("declared", "error", "says"),
    [
        ([step("a", 1, ("missing",))], ValueError, "unknown"),
        ([step("a", 1), step("a", 2)], ValueError, "twice"),
        ([step("a", 1, ("b",)), step("b", 1, ("a",))], CycleError, "cycle"),
    ],
    ids=["unknown-dependency", "duplicate-name", "cycle"],
)
def test_a_broken_graph_is_refused(
    declared: list[Component], error: type[Exception], says: str
) -> None:
    with pytest.raises(error, match=says):
        RecoveryGraph("s", "broken", declared)


def test_parallel_work_overlaps_and_non_critical_work_does_not_count() -> None:
    graph = RecoveryGraph(
        "s",
        "d",
        [
            step("detection", 10),
            step("dns", 60, ("detection",)),
            step("db", 30, ("detection",)),
            step("scale-out", 500, ("detection",), critical=False),
            step("verify", 5, ("db",)),
        ],
    )
    scenario = graph.evaluate(np.random.default_rng(0), 200, target_seconds=70)
    assert scenario.rto == Stats(best=70.0, typical=70.0, worst=70.0, p50=70.0, p99=70.0)
    assert scenario.starts == {
        "detection": 0.0,
        "dns": 10.0,
        "db": 10.0,
        "scale-out": 10.0,
        "verify": 40.0,
    }
    assert scenario.met
    assert scenario.to_dict()["target_seconds"] == 70
    assert not graph.evaluate(np.random.default_rng(0), 200, target_seconds=69).met


def test_the_monte_carlo_draws_in_dependency_order() -> None:
    drawn: list[str] = []

    def recording(name: str) -> Sampler:
        def sample(rng: np.random.Generator, n: int) -> np.ndarray:
            drawn.append(name)
            return rng.uniform(0.0, 1.0, n)

        return sample

    graph = RecoveryGraph(
        "s",
        "d",
        [
            step(name, 1, after, sampler=recording(name))
            for name, after in (("second", ("first",)), ("first", ()), ("third", ()))
        ],
    )
    graph.evaluate(np.random.default_rng(0), 10, target_seconds=1)
    assert drawn == ["first", "second", "third"]


def test_stats_keep_the_json_keys_in_order_and_read_by_key() -> None:
    stats = Stats(best=1.0, typical=2.0, worst=3.0, p50=2.5, p99=2.9)
    assert list(stats.to_dict()) == ["best", "typical", "worst", "p50", "p99"]
    assert stats["p99"] == stats.p99 == 2.9
    assert dict(stats.items()) == stats.to_dict()
    with pytest.raises(KeyError):
        stats["p90"]


def test_met_is_the_p99_within_the_target() -> None:
    graph = RecoveryGraph("s", "d", [step("only", 30)])
    rng = np.random.default_rng(0)
    assert graph.evaluate(rng, 10, target_seconds=30).met
    data = graph.evaluate(rng, 10, target_seconds=29).to_dict()
    assert (data["target_seconds"], data["met"]) == (29, False)
    assert list(data) == [
        "name",
        "description",
        "rto_seconds",
        "target_seconds",
        "met",
        "components",
    ]
