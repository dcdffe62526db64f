"""db-instance-failure: the primary orders DB instance fails; it fails over in the Region
(Aurora reader, Multi-AZ standby) or is restored to a point in time."""

from __future__ import annotations

from tradedr.analysis.rto.components import assumed, db_failover
from tradedr.analysis.rto.model import RecoveryGraph, ScenarioDefinition
from tradedr.analysis.rto.readers import primary_db
from tradedr.analysis.templates import TemplateSet

NAME = "db-instance-failure"


def build(templates: TemplateSet, warnings: list[str]) -> RecoveryGraph:
    components = db_failover(templates, primary_db(templates)) or [
        assumed("db-failover", "rds-point-in-time-restore", "no DB found", [])
    ]
    return RecoveryGraph(NAME, "the primary orders DB instance fails", components)


SCENARIO = ScenarioDefinition(NAME, build)
