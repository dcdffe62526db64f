"""Values for messages and matching: words for intrinsics, references, parameter defaults."""

from __future__ import annotations

from typing import Any

import pytest

from tradedr.templates.values import describe, references, text_of, with_parameter_defaults


@pytest.mark.parametrize(
    ("value", "what", "shown"),
    [
        ({"Ref": "PrimaryRegion"}, "region", "the region in parameter PrimaryRegion"),
        ({"Ref": "AWS::Region"}, "region", "the stack's Region"),
        ({"Fn::GetAtt": ["Db", "Endpoint.Address"]}, "value", "the value from Db.Endpoint.Address"),
        ({"Fn::Sub": "${Env}-orders"}, "name", "${Env}-orders"),
        ({"Fn::If": ["C", "a", "b"]}, "name", "a computed name"),
        ("us-west-2", "region", "us-west-2"),
        (True, "value", "true"),
    ],
)
def test_describe_never_prints_a_raw_intrinsic(value: Any, what: str, shown: str) -> None:
    assert describe(value, what=what) == shown
    assert "{'" not in describe(value, what=what)


def test_references_read_ref_getatt_and_sub_variables() -> None:
    value = {
        "Fn::Join": [
            "",
            [{"Ref": "A"}, {"Fn::GetAtt": "B.Arn"}, {"Fn::Sub": "${C.Name}-${AWS::Region}"}],
        ]
    }
    assert references(value) == {"A", "B", "C"}


def test_text_of_reads_sub_and_join_alike() -> None:
    assert text_of({"Fn::Sub": "${Bucket}"}) == text_of({"Ref": "Bucket"}) == "${Bucket}"
    assert text_of({"Fn::Join": ["-", ["a", {"Ref": "B"}]]}) == "a-${B}"


def test_parameter_defaults_are_substituted_typed() -> None:
    body = {
        "Parameters": {
            "Size": {"Type": "Number", "Default": "100"},
            "Ami": {"Type": "AWS::SSM::Parameter::Value<String>", "Default": "/aws/ami"},
            "NoDefault": {"Type": "String"},
        },
        "Resources": {
            "Db": {
                "Type": "AWS::RDS::DBInstance",
                "Properties": {
                    "AllocatedStorage": {"Ref": "Size"},
                    "Image": {"Ref": "Ami"},
                    "Other": {"Ref": "NoDefault"},
                    "Where": {"Ref": "AWS::Region"},
                },
            }
        },
    }
    props = with_parameter_defaults(body, "eu-west-1")["Resources"]["Db"]["Properties"]
    assert props == {
        "AllocatedStorage": 100,
        "Image": {"Ref": "Ami"},
        "Other": {"Ref": "NoDefault"},
        "Where": "eu-west-1",
    }
    assert body["Resources"]["Db"]["Properties"]["AllocatedStorage"] == {"Ref": "Size"}
