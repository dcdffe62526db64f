"""DR008: no secret in a parameter default, a password property, user data or an output."""

from __future__ import annotations

import pytest

from tests.unit.checks.rules.fragments import Case, doc, findings_of, params, res

RULE = "DR008"

CASES = [
    Case(
        "NoEcho parameter",
        [doc({}, Parameters={"DbPassword": {"Type": "String", "NoEcho": True}})],
        [],
    ),
    Case(
        "password default",
        [doc({}, Parameters={"DbPassword": {"Type": "String", "Default": "hunter2"}})],
        [(RULE, "DbPassword", "secret parameter has a Default value in the template")],
    ),
    Case(
        "password without NoEcho",
        [doc({}, Parameters={"DbPassword": {"Type": "String"}})],
        [(RULE, "DbPassword", "secret parameter lacks NoEcho: true")],
    ),
    Case(
        "literal master password",
        [doc({"D": res("AWS::RDS::DBInstance", {"MasterUserPassword": "s3cret!!"})})],
        [(RULE, "D", "MasterUserPassword is a literal value in the template")],
    ),
    Case(
        "dynamic reference",
        [
            doc(
                {
                    "D": res(
                        "AWS::RDS::DBInstance",
                        {"MasterUserPassword": "{{resolve:secretsmanager:s:SecretString:pw}}"},
                    )
                }
            )
        ],
        [],
    ),
    Case(
        "user data secret",
        [
            doc(
                {
                    "L": res(
                        "AWS::EC2::LaunchTemplate",
                        {
                            "LaunchTemplateData": {
                                "UserData": {"Fn::Base64": "export DB_PASSWORD=hunter22"}
                            }
                        },
                    )
                }
            )
        ],
        [(RULE, "L", "user data contains a secret assignment")],
    ),
    Case(
        "secret ARN output is fine",
        [doc({}, Outputs={"DbSecretArn": {"Value": {"Ref": "Secret"}}})],
        [],
    ),
    Case(
        "output resolves a secret string",
        [
            doc(
                {},
                Outputs={"Db": {"Value": "{{resolve:secretsmanager:s:SecretString:password}}"}},
            )
        ],
        [(RULE, "Db", "output resolves a secret string")],
    ),
    Case(
        "output echoes a NoEcho parameter",
        [
            doc(
                {},
                Parameters={"DbPassword": {"Type": "String", "NoEcho": True}},
                Outputs={"Echo": {"Value": {"Ref": "DbPassword"}}},
            )
        ],
        [(RULE, "Echo", "output echoes a NoEcho parameter")],
    ),
]


@pytest.mark.parametrize("case", params(CASES))
def test_findings(case: Case) -> None:
    assert findings_of(RULE, case) == case.findings
