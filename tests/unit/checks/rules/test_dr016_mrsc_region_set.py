"""DR016: an MRSC table spans exactly three Regions of one Region set."""

from __future__ import annotations

from typing import Any

import pytest

from tests.unit.checks.rules.fragments import Case, doc, findings_of, params, res

RULE = "DR016"
US = "us-east-1, us-east-2, us-west-2"


def table(replicas: list[str], witness: str | None = None, mode: str = "STRONG") -> dict[str, Any]:
    props: dict[str, Any] = {
        "MultiRegionConsistency": mode,
        "Replicas": [{"Region": r} for r in replicas],
    }
    if witness is not None:
        props["GlobalTableWitnesses"] = [{"Region": witness}]
    return res("AWS::DynamoDB::GlobalTable", props)


CASES = [
    Case("three US replicas", [doc({"T": table(["us-east-1", "us-east-2", "us-west-2"])})], []),
    Case(
        "two EU replicas and a witness",
        [doc({"T": table(["eu-west-1", "eu-central-1"], "eu-west-3")}, "eu-west-1")],
        [],
    ),
    Case(
        "eventual consistency is not checked",
        [doc({"T": table(["us-east-1", "eu-west-1"], mode="EVENTUAL")})],
        [],
    ),
    Case(
        "a replica outside the set",
        [doc({"T": table(["us-east-1", "us-east-2", "eu-west-1"])})],
        [(RULE, "T", f"MRSC replica in eu-west-1 outside the US Region set ({US})")],
    ),
    Case(
        "a Region in no set",
        [doc({"T": table(["us-east-1", "us-east-2", "us-west-1"])})],
        [(RULE, "T", "MRSC replica in us-west-1, a Region in no MRSC Region set")],
    ),
    Case(
        "a witness from another set",
        [doc({"T": table(["us-east-1", "us-east-2"], "ap-northeast-1")})],
        [(RULE, "T", f"MRSC witness in ap-northeast-1 outside the US Region set ({US})")],
    ),
    Case(
        "two replicas and no witness",
        [doc({"T": table(["us-east-1", "us-west-2"])})],
        [(RULE, "T", "MRSC table spans 2 Regions (2 replicas, 0 witness); it needs exactly 3")],
    ),
    Case(
        "three replicas and a witness",
        [doc({"T": table(["us-east-1", "us-east-2", "us-west-2"], "us-west-2")})],
        [(RULE, "T", "MRSC table spans 4 Regions (3 replicas, 1 witness); it needs exactly 3")],
    ),
]


@pytest.mark.parametrize("case", params(CASES))
def test_findings(case: Case) -> None:
    assert findings_of(RULE, case) == case.findings
