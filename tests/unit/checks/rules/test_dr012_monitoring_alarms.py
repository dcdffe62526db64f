"""DR012: an alarm for every metric the monitoring design lists, in the resource's region."""

from __future__ import annotations

from typing import Any

import pytest

from tests.unit.checks.rules.fragments import Case, doc, findings_of, params, res

RULE = "DR012"


def alarm(namespace: str, metric: str, **dimensions: Any) -> dict[str, Any]:
    props: dict[str, Any] = {"Namespace": namespace, "MetricName": metric}
    if dimensions:
        props["Dimensions"] = [{"Name": k, "Value": v} for k, v in dimensions.items()]
    return res("AWS::CloudWatch::Alarm", props)


def db(name: str | None = None) -> dict[str, Any]:
    return res("AWS::RDS::DBInstance", {"DBInstanceIdentifier": name} if name else {})


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
        [(RULE, "L", "no alarm on AWS/ApplicationELB HTTPCode_ELB_5XX_Count for this resource")],
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
        [(RULE, "R", "no alarm on AWS/RDS ReplicaLag for this resource")],
    ),
    Case(
        "an alarm in another region does not count",
        [
            doc({"D": res("AWS::RDS::DBInstance"), "A": alarm("AWS/RDS", "CPUUtilization")}),
            doc({"A": alarm("AWS/RDS", "FreeStorageSpace")}, region="us-west-2"),
        ],
        [(RULE, "D", "no alarm on AWS/RDS FreeStorageSpace for this resource")],
    ),
    Case(
        "one alarm on one of two databases reports the other (by reference)",
        [
            doc(
                {
                    "A": db(),
                    "B": db(),
                    "CpuA": alarm("AWS/RDS", "CPUUtilization", DBInstanceIdentifier={"Ref": "A"}),
                    "Storage": alarm("AWS/RDS", "FreeStorageSpace"),
                }
            )
        ],
        [
            (RULE, "A", "no alarm on AWS/RDS FreeStorageSpace for this resource"),
            (RULE, "B", "no alarm on AWS/RDS CPUUtilization for this resource"),
            (RULE, "B", "no alarm on AWS/RDS FreeStorageSpace for this resource"),
        ],
    ),
    Case(
        "matched by physical name across stacks, with !Sub on both sides",
        [
            doc({"A": db("orders"), "B": db({"Fn::Sub": "${Env}-b"})}),
            doc(
                {
                    "C1": alarm("AWS/RDS", "CPUUtilization", DBInstanceIdentifier="orders"),
                    "S1": alarm("AWS/RDS", "FreeStorageSpace", DBInstanceIdentifier="orders"),
                    "C2": alarm(
                        "AWS/RDS",
                        "CPUUtilization",
                        DBInstanceIdentifier={"Fn::Sub": "${Env}-b"},
                    ),
                },
                stack="alarms",
            ),
        ],
        [(RULE, "B", "no alarm on AWS/RDS FreeStorageSpace for this resource")],
    ),
]


@pytest.mark.parametrize("case", params(CASES))
def test_findings(case: Case) -> None:
    assert findings_of(RULE, case) == case.findings
