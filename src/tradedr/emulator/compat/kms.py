"""KMS: key properties moto's CloudFormation create mishandles."""

from __future__ import annotations

from tradedr.emulator.compat.model import PreparedStack
from tradedr.emulator.compat.template import _resources


def _kms_keys(stack: PreparedStack) -> None:
    """moto: Tags on AWS::KMS::Key crash its CloudFormation create (tag format), and a
    dict KeyPolicy is stored as a dict, which breaks a later DescribeKey/GetKeyPolicy.
    Drop the tags (KMS tags are not read by tradedr) and pass the policy as JSON text."""
    for resource in _resources(stack.template).values():
        if resource.get("Type") != "AWS::KMS::Key":
            continue
        props = resource.setdefault("Properties", {})
        props.pop("Tags", None)
        if isinstance(props.get("KeyPolicy"), dict):
            props["KeyPolicy"] = {"Fn::ToJsonString": props["KeyPolicy"]}
