"""RDS: cross-region read replicas without a subnet group."""

from __future__ import annotations

from tradedr.emulator.compat.model import PreparedStack
from tradedr.emulator.compat.template import _resources


def _replica_subnet_groups(stack: PreparedStack) -> None:
    """moto copies a read replica from its source instance, keeping the source's region,
    then looks the replica's DBSubnetGroupName up in that (source) region, where it does not
    exist. A cross-region replica on the emulator therefore goes without the subnet group."""
    for resource in _resources(stack.template).values():
        props = resource.get("Properties", {})
        if resource.get("Type") == "AWS::RDS::DBInstance" and props.get(
            "SourceDBInstanceIdentifier"
        ):
            props.pop("DBSubnetGroupName", None)
