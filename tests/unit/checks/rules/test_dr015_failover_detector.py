"""DR015: the automatic failover detector runs alone, bounds the data loss and waits for
consecutive failed probes."""

from __future__ import annotations

from typing import Any

import pytest

from tests.unit.checks.rules.fragments import Case, doc, findings_of, params, res

RULE = "DR015"
CONCURRENCY = "failover detector without reserved concurrency 1: two could fail over at once"
NO_BOUND = "failover detector without MAX_DATA_LOSS_SECONDS: no bound on the data lost"


def rounds(value: str) -> str:
    return (
        f"failover detector with PROBE_FAILURES {value}: needs at least 2 consecutive failed rounds"
    )


def detector(concurrency: int | None = 1, **variables: str | None) -> dict[str, Any]:
    """A region-loss detector function; a variable set to None is left out."""
    env = {
        "TRADEDR_ROLE": "auto-failover-detector",
        "MAX_DATA_LOSS_SECONDS": "1",
        "PROBE_FAILURES": "3",
        **variables,
    }
    props: dict[str, Any] = {
        "Environment": {"Variables": {k: v for k, v in env.items() if v is not None}}
    }
    if concurrency is not None:
        props["ReservedConcurrentExecutions"] = concurrency
    return res("AWS::Lambda::Function", props)


CASES = [
    Case("guarded detector", [doc({"F": detector()})], []),
    Case("two failed rounds are enough", [doc({"F": detector(PROBE_FAILURES="2")})], []),
    Case(
        "other functions are not detectors",
        [doc({"F": res("AWS::Lambda::Function", {"Environment": {"Variables": {}}})})],
        [],
    ),
    Case(
        "no reserved concurrency",
        [doc({"F": detector(concurrency=None)})],
        [(RULE, "F", CONCURRENCY)],
    ),
    Case("concurrency 2", [doc({"F": detector(concurrency=2)})], [(RULE, "F", CONCURRENCY)]),
    Case(
        "no data-loss bound",
        [doc({"F": detector(MAX_DATA_LOSS_SECONDS=None)})],
        [(RULE, "F", NO_BOUND)],
    ),
    Case(
        "one failed round",
        [doc({"F": detector(PROBE_FAILURES="1")})],
        [(RULE, "F", rounds("'1'"))],
    ),
    Case(
        "no failure count",
        [doc({"F": detector(PROBE_FAILURES=None)})],
        [(RULE, "F", rounds("None"))],
    ),
    Case(
        "everything missing",
        [doc({"F": detector(concurrency=None, MAX_DATA_LOSS_SECONDS=None, PROBE_FAILURES=None)})],
        [(RULE, "F", CONCURRENCY), (RULE, "F", NO_BOUND), (RULE, "F", rounds("None"))],
    ),
]


@pytest.mark.parametrize("case", params(CASES))
def test_findings(case: Case) -> None:
    assert findings_of(RULE, case) == case.findings
