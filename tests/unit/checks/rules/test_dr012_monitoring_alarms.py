"""DR012: an alarm for every metric the monitoring design lists, in the resource's region."""

from __future__ import annotations

from typing import Any

import pytest

from tests.unit.checks.rules.fragments import Case, doc, findings_of, params, res

RULE = "DR012"


def alarm(namespace: str, metric: str) -> dict[str, Any]:
    return res("AWS::CloudWatch::Alarm", {"Namespace": namespace, "MetricName": metric})


CASES = [
    Case(
        "alarms present",
        [
            doc(
                {
                    "D": res("AWS::RDS::DBInstance"),
                    "A1": alarm("AWS/RDS", "CPUUtilization"),
                    "A2": alarm("AWS/RDS", "FreeStorageSpace"),
                }
            )
        ],
        [],
    ),
    Case(
        "alb without 5xx alarm",
        [doc({"L": res("AWS::ElasticLoadBalancingV2::LoadBalancer")})],
        [(RULE, "L", "no alarm on AWS/ApplicationELB HTTPCode_ELB_5XX_Count")],
    ),
    Case(
        "replica without lag alarm",
        [
            doc(
                {
                    "R": res("AWS::RDS::DBInstance", {"SourceDBInstanceIdentifier": "a"}),
                    "A": alarm("AWS/RDS", "CPUUtilization"),
                }
            )
        ],
        [(RULE, "R", "no alarm on AWS/RDS ReplicaLag")],
    ),
    Case(
        "an alarm in another region does not count",
        [
            doc({"D": res("AWS::RDS::DBInstance"), "A": alarm("AWS/RDS", "CPUUtilization")}),
            doc({"A": alarm("AWS/RDS", "FreeStorageSpace")}, region="us-west-2"),
        ],
        [(RULE, "D", "no alarm on AWS/RDS FreeStorageSpace")],
    ),
]


@pytest.mark.parametrize("case", params(CASES))
def test_findings(case: Case) -> None:
    assert findings_of(RULE, case) == case.findings
