"""db-instance-failure: the primary orders DB instance fails; it fails over in the Region
(Aurora reader, Multi-AZ standby) or is restored to a point in time."""

from __future__ import annotations

import numpy as np

from tradedr.analysis.rto.components import assumed, db_failover
from tradedr.analysis.rto.model import Component, RecoveryGraph, ScenarioDefinition
from tradedr.analysis.rto.readers import mrsc_table, primary_db
from tradedr.analysis.templates import TemplateSet

NAME = "db-instance-failure"


def build(templates: TemplateSet, warnings: list[str]) -> RecoveryGraph:
    orders = mrsc_table(templates)
    if orders is not None:
        source = orders.source("MultiRegionConsistency")
        nothing = Component(
            "db-failover",
            0.0,
            0.0,
            0.0,
            lambda rng, n: np.zeros(n),
            source,
            [source],
            note="no DB instance: the orders store is a DynamoDB MRSC table (a Regional "
            "service replicated across AZs and Regions); no instance exists to fail",
        )
        return RecoveryGraph(NAME, "no orders DB instance exists (dynamodb-mrsc)", [nothing])
    components = db_failover(templates, primary_db(templates)) or [
        assumed("db-failover", "rds-point-in-time-restore", "no DB found", [])
    ]
    return RecoveryGraph(NAME, "the primary orders DB instance fails", components)


SCENARIO = ScenarioDefinition(NAME, build)
