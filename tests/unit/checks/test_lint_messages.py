"""cfn-lint's messages, with the intrinsics they print said in words."""

from __future__ import annotations

import pytest

from tradedr.checks.lint import in_words


@pytest.mark.parametrize(
    ("message", "said"),
    [
        (
            "{'Ref': 'PrimaryRegion'} is not one of ['us-east-1']",
            "the value in parameter PrimaryRegion is not one of ['us-east-1']",
        ),
        (
            "{'Fn::GetAtt': ['Elb', 'SourceSecurityGroup.GroupName']} does not match",
            "the value from Elb.SourceSecurityGroup.GroupName does not match",
        ),
        ("{'Key': 'Name'} is a plain mapping", "{'Key': 'Name'} is a plain mapping"),
        ("an unbalanced {'Ref': 'X'", "an unbalanced {'Ref': 'X'"),
        ("nothing to say", "nothing to say"),
    ],
)
def test_intrinsics_in_cfn_lint_messages_are_said_in_words(message: str, said: str) -> None:
    assert in_words(message) == said
