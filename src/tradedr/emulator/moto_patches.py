"""moto behaviours patched where the emulator server starts, so its CloudFormation acts as
AWS's does on resources the plans change outside the stacks.

moto 5.2.5 keeps each stack resource as the live model object, so a stack's
`AWS::RDS::DBInstance` follows an instance the failover renamed to `<id>-stale-<stamp>`:
DescribeStackResources shows the stale name and DeleteStack deletes by it, failing with
DBInstanceNotFound once destroy has deleted the stale instance. Real CloudFormation records
the physical id when it creates the resource (for a DB instance, its DBInstanceIdentifier,
the value `Ref` returns:
https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/aws-resource-rds-dbinstance.html#aws-resource-rds-dbinstance-return-values),
never learns of an out-of-band rename, deletes by that id, and takes a resource that is
already gone as deleted (a delete handler answers NotFound for it:
https://docs.aws.amazon.com/cloudformation-cli/latest/userguide/resource-type-test-contract.html).
`apply()` makes moto's DB instances do the same.

moto's `AWS::EC2::RouteTable` has no delete at all, so a stack's route tables outlive
DeleteStack and the VPC after them fails on DependencyViolation (moto refuses to delete a
VPC with more than its main route table). CloudFormation deletes a stack's route tables;
`apply()` gives moto's the delete its backend already has (DeleteRouteTable, which still
refuses while a subnet is associated, so moto's delete loop retries it after the
associations go).

`apply()` is idempotent and only touches moto's classes in this process (the emulator
server's).
"""

from __future__ import annotations

import threading
from typing import Any

_lock = threading.Lock()
_applied = False
# Attribute set on moto DBInstance objects that a CloudFormation stack created.
STACK_PHYSICAL_ID = "_tradedr_stack_physical_id"


def apply() -> None:
    """Patch moto once per process (every EmbeddedEmulator.start() calls this)."""
    global _applied
    with _lock:
        if _applied:
            return
        _patch_rds_instance()
        _patch_route_table()
        _applied = True


def _patch_rds_instance() -> None:
    from moto.rds.exceptions import DBInstanceNotFoundError
    from moto.rds.models import DBInstance, rds_backends

    created_by_stack = DBInstance.create_from_cloudformation_json.__func__  # type: ignore[attr-defined]

    def create_from_cloudformation_json(
        cls: type[DBInstance],
        /,
        resource_name: str,
        cloudformation_json: Any,
        account_id: str,
        region_name: str,
        **kwargs: Any,
    ) -> DBInstance:
        database: DBInstance = created_by_stack(
            cls, resource_name, cloudformation_json, account_id, region_name, **kwargs
        )
        # The physical id CloudFormation records, fixed from now on whatever the API renames.
        setattr(database, STACK_PHYSICAL_ID, database.db_instance_identifier)
        return database

    def physical_resource_id(self: DBInstance) -> str:
        recorded: str | None = getattr(self, STACK_PHYSICAL_ID, None)
        return recorded or self.db_instance_identifier

    def delete(self: DBInstance, account_id: str, region_name: str) -> None:
        """DeleteStack's call: by the recorded physical id (which may now name an instance
        the plans created under the stable name), and an instance already gone is deleted."""
        backend = rds_backends[account_id][region_name]
        try:
            backend.delete_db_instance(physical_resource_id(self))
        except DBInstanceNotFoundError:
            return

    DBInstance.create_from_cloudformation_json = classmethod(create_from_cloudformation_json)  # type: ignore[method-assign,assignment]
    DBInstance.physical_resource_id = property(physical_resource_id)  # type: ignore[method-assign,assignment]
    DBInstance.delete = delete  # type: ignore[method-assign]


def _patch_route_table() -> None:
    from moto.ec2.exceptions import InvalidRouteTableIdError
    from moto.ec2.models import ec2_backends
    from moto.ec2.models.route_tables import RouteTable

    def delete_from_cloudformation_json(
        cls: type[RouteTable],
        /,
        resource_name: str,
        cloudformation_json: Any,
        account_id: str,
        region_name: str,
    ) -> None:
        """DeleteStack's call, by the route table's id (its physical id)."""
        try:
            ec2_backends[account_id][region_name].delete_route_table(resource_name)
        except InvalidRouteTableIdError:
            return  # already gone: deleted

    RouteTable.delete_from_cloudformation_json = classmethod(delete_from_cloudformation_json)  # type: ignore[method-assign,assignment]
