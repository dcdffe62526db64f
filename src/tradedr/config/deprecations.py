"""Engine versions that cfn-lint's bundled data calls deprecated: a warning naming the field.

RDS refuses to create new instances or clusters with a deprecated version, so `tradedr
check` fails such a config (cfn-lint W3690/W3691 are deploy blockers); this warning says so
as soon as the config is read, before anything is synthesized. The data is cfn-lint's own
(`data/schemas/extensions/aws_rds_db{instance,cluster}/engine_version_deprecated.json`), so
the warning and the gate always agree. Read lazily and only as JSON: no cfn-lint import.
"""

from __future__ import annotations

import json
from functools import cache
from importlib import resources
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from tradedr.config.model import Settings

# tradedr engine -> (cfn-lint's resource data directory, the Engine value CloudFormation gets)
_ENGINES: dict[str, tuple[str, str]] = {
    "mysql": ("aws_rds_dbinstance", "mysql"),
    "aurora-mysql-global": ("aws_rds_dbcluster", "aurora-mysql"),
}


@cache
def deprecated_versions(resource: str, engine: str) -> frozenset[str]:
    """The versions of `engine` cfn-lint's data lists as deprecated for `resource`."""
    path = (
        resources.files("cfnlint")
        / "data"
        / "schemas"
        / "extensions"
        / resource
        / "engine_version_deprecated.json"
    )
    data = json.loads(path.read_text(encoding="utf-8"))
    for block in data.get("allOf", []):
        properties = block.get("if", {}).get("properties", {})
        if properties.get("Engine", {}).get("const") == engine:
            return frozenset(properties.get("EngineVersion", {}).get("enum", []))
    return frozenset()


def config_warnings(settings: Settings) -> list[str]:
    """One line per configured value a real deploy would refuse (none for the defaults)."""
    database = settings.database
    if database.engine not in _ENGINES:
        return []  # dynamodb-mrsc: no engine version at all
    resource, engine = _ENGINES[database.engine]
    if database.engine_version not in deprecated_versions(resource, engine):
        return []
    kind = "DB clusters" if resource == "aws_rds_dbcluster" else "DB instances"
    return [
        f"database.engine_version: {database.engine_version!r} ({engine}) is deprecated in "
        f"cfn-lint's data; RDS refuses to create new {kind} with it, so `tradedr check` "
        "fails (W3690/W3691). Pick a current version"
    ]
