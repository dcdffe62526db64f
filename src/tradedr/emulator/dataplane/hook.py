"""The hook: the emulator's API calls act on the real processes.

A ClientProvider wrapper. Each call goes to the emulator first; once the emulator has
accepted it, the data plane does what AWS would do to the real servers: promote a replica,
create one, rename, stop, reboot or delete an instance, switch an Aurora global writer,
scale an ASG's app processes, turn an accelerator dial. A call that fails (including every
call into a lost region, which the fault-injecting provider outside this one refuses)
changes nothing.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from tradedr.emulator.dataplane.plane import DataPlane
from tradedr.ops.clients import ClientProvider

Effect = Callable[[DataPlane, str, dict[str, Any], dict[str, Any]], None]


def _promote(plane: DataPlane, region: str, kw: dict[str, Any], _: dict[str, Any]) -> None:
    plane.promote(str(kw["DBInstanceIdentifier"]))


def _create_replica(plane: DataPlane, region: str, kw: dict[str, Any], _: dict[str, Any]) -> None:
    plane.create_replica(
        region, str(kw["DBInstanceIdentifier"]), str(kw["SourceDBInstanceIdentifier"])
    )


def _modify(plane: DataPlane, region: str, kw: dict[str, Any], _: dict[str, Any]) -> None:
    new = kw.get("NewDBInstanceIdentifier")
    if new:
        plane.rename(str(kw["DBInstanceIdentifier"]), str(new))


def _stop(plane: DataPlane, region: str, kw: dict[str, Any], _: dict[str, Any]) -> None:
    plane.stop_db(str(kw["DBInstanceIdentifier"]))


def _start(plane: DataPlane, region: str, kw: dict[str, Any], _: dict[str, Any]) -> None:
    plane.start_db(str(kw["DBInstanceIdentifier"]))


def _reboot(plane: DataPlane, region: str, kw: dict[str, Any], _: dict[str, Any]) -> None:
    plane.reboot(str(kw["DBInstanceIdentifier"]))


def _delete(plane: DataPlane, region: str, kw: dict[str, Any], _: dict[str, Any]) -> None:
    plane.delete(str(kw["DBInstanceIdentifier"]))


def _switchover(plane: DataPlane, region: str, kw: dict[str, Any], _: dict[str, Any]) -> None:
    plane.global_switch(str(kw["TargetDbClusterIdentifier"]), planned=True)


def _failover(plane: DataPlane, region: str, kw: dict[str, Any], _: dict[str, Any]) -> None:
    plane.global_switch(str(kw["TargetDbClusterIdentifier"]), planned=False)


def _scale(plane: DataPlane, region: str, kw: dict[str, Any], _: dict[str, Any]) -> None:
    if "DesiredCapacity" in kw:
        plane.scale(region, int(kw["DesiredCapacity"]))


def _dial(plane: DataPlane, region: str, kw: dict[str, Any], resp: dict[str, Any]) -> None:
    if "TrafficDialPercentage" not in kw:
        return
    group = resp.get("EndpointGroup") or {}
    target = group.get("EndpointGroupRegion") or plane.dial_region(str(kw["EndpointGroupArn"]))
    if target:
        plane.set_dial(str(target), float(kw["TrafficDialPercentage"]))


EFFECTS: dict[tuple[str, str], Effect] = {
    ("rds", "PromoteReadReplica"): _promote,
    ("rds", "CreateDBInstanceReadReplica"): _create_replica,
    ("rds", "ModifyDBInstance"): _modify,
    ("rds", "StopDBInstance"): _stop,
    ("rds", "StartDBInstance"): _start,
    ("rds", "RebootDBInstance"): _reboot,
    ("rds", "DeleteDBInstance"): _delete,
    ("rds", "SwitchoverGlobalCluster"): _switchover,
    ("rds", "FailoverGlobalCluster"): _failover,
    ("autoscaling", "UpdateAutoScalingGroup"): _scale,
    ("autoscaling", "SetDesiredCapacity"): _scale,
    ("globalaccelerator", "UpdateEndpointGroup"): _dial,
}


class DataPlaneProvider:
    """Wraps the emulator's provider; calls with a real effect reach the data plane."""

    def __init__(self, inner: ClientProvider, plane: DataPlane) -> None:
        self.inner = inner
        self.plane = plane

    def client(self, service: str, region: str) -> Any:
        return _HookedClient(self.plane, service, region, self.inner.client(service, region))


class _HookedClient:
    def __init__(self, plane: DataPlane, service: str, region: str, inner: Any) -> None:
        self._plane, self._service, self._region, self._inner = plane, service, region, inner

    def __getattr__(self, name: str) -> Any:
        attribute = getattr(self._inner, name)
        operation = self._inner.meta.method_to_api_mapping.get(name)
        effect = EFFECTS.get((self._service, operation or ""))
        if effect is None or not callable(attribute):
            return attribute
        plane, region = self._plane, self._region

        def call(*args: Any, **kwargs: Any) -> Any:
            response = attribute(*args, **kwargs)
            effect(plane, region, kwargs, response if isinstance(response, dict) else {})
            return response

        return call
