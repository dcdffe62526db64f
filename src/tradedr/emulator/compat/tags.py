"""Tags in the shape moto's models read (a list where the schema has a map)."""

from __future__ import annotations

from tradedr.emulator.compat.model import PreparedStack
from tradedr.emulator.compat.template import _resources

# moto's CloudFormation models of these types read Tags as a list of Key/Value pairs,
# while their CloudFormation schema has a map; a map crashes the create (HTTP 500).
TAGS_AS_LIST: frozenset[str] = frozenset({"AWS::SSM::Parameter"})


def _tag_shapes(stack: PreparedStack) -> None:
    for resource in _resources(stack.template).values():
        if resource.get("Type") not in TAGS_AS_LIST:
            continue
        tags = resource.get("Properties", {}).get("Tags")
        if isinstance(tags, dict):
            resource["Properties"]["Tags"] = [{"Key": k, "Value": v} for k, v in tags.items()]
