"""Deployment units: per region a data stack, a replica stack (standbys) and an app stack,
plus one global routing stack, the traffic stack (ARC or Global Accelerator) and, opted
in, the region-switch stack holding the failover plan.

Failover never updates a stack: it acts through service APIs in the standby region. Stacks
hold no cross-region references; cross-region names come from `Names`, and the global
stack takes each region's ALB as deploy-time parameters.

One stack kind per module (`data`, `replica`, `app`, `traffic`, `global_`); `base` holds
what they share. Everything the rest of tradedr imports is re-exported here.
"""

from __future__ import annotations

from aws_cdk import aws_kms as kms

from tradedr.infra.stacks.app import AppStack
from tradedr.infra.stacks.base import add_dependency, sourced_parameter
from tradedr.infra.stacks.data import DataStack
from tradedr.infra.stacks.global_ import GlobalStack
from tradedr.infra.stacks.region_switch import RegionSwitchStack
from tradedr.infra.stacks.replica import ReplicaStack
from tradedr.infra.stacks.traffic import TrafficStack
from tradedr.templates.markers import PARAMETER_SOURCES

__all__ = [
    "PARAMETER_SOURCES",
    "AppStack",
    "DataStack",
    "GlobalStack",
    "RegionSwitchStack",
    "ReplicaStack",
    "TrafficStack",
    "add_dependency",
    "kms",
    "sourced_parameter",
]
