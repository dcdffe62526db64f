"""Typed settings for one tradedr environment, loaded from `tradedr.toml`.

Everything the stacks, gates, analyses and operations need comes from here, so a bad
value is caught once, up front, with a message that names the field.

The package, by concern (each imports only those above it):

- `limits`: what AWS accepts (regions, zones, name/DNS patterns, tags, quantities);
- `sections`: the models of the config's sections (regions, database, routing, ...);
- `model`: the posture and `Settings`, the whole environment and its derived names;
- `errors`: ValidationErrors and other problems as a one-line ConfigError;
- `files`: reading the file (regular, size-capped, UTF-8, nesting pre-scan, TOML);
- `load`: `load_settings` and `load_config`, the entry points;
- `deprecations`: warnings for engine versions cfn-lint's data calls deprecated.
"""

from __future__ import annotations

from tradedr.config.deprecations import config_warnings
from tradedr.config.errors import MAX_MESSAGE_CHARS
from tradedr.config.files import (
    DEFAULT_CONFIG_NAME,
    MAX_CONFIG_BYTES,
    MAX_KEY_PARTS,
    MAX_KEYS,
    MAX_NESTING,
    decode_config,
    parse_config_text,
    read_config_bytes,
    toml_nesting_problem,
)
from tradedr.config.limits import (
    MAX_TAGS_PER_RESOURCE,
    MRSC_REGION_SETS,
    REQUIRED_TAG_KEYS,
    USAGE_LIMIT,
    known_regions,
    mrsc_region_set,
)
from tradedr.config.load import config_source, load_config, load_settings
from tradedr.config.model import POSTURE_ORDER, Posture, Settings
from tradedr.config.resilience import ResilienceSettings
from tradedr.config.sections import (
    AURORA_DEFAULT_VERSION,
    DETECTOR_WINDOW_SECONDS,
    MRSC,
    MYSQL_DEFAULT_VERSION,
    ChecksSettings,
    ClientSettings,
    DatabaseSettings,
    FailoverSettings,
    ReadinessSettings,
    RegionSettings,
    RoutingSettings,
    SecuritySettings,
    SessionsSettings,
    TagSettings,
    TargetSettings,
    UsageSettings,
)

__all__ = [
    "AURORA_DEFAULT_VERSION",
    "DEFAULT_CONFIG_NAME",
    "DETECTOR_WINDOW_SECONDS",
    "MAX_CONFIG_BYTES",
    "MAX_KEYS",
    "MAX_KEY_PARTS",
    "MAX_MESSAGE_CHARS",
    "MAX_NESTING",
    "MAX_TAGS_PER_RESOURCE",
    "MRSC",
    "MRSC_REGION_SETS",
    "MYSQL_DEFAULT_VERSION",
    "POSTURE_ORDER",
    "REQUIRED_TAG_KEYS",
    "USAGE_LIMIT",
    "ChecksSettings",
    "ClientSettings",
    "DatabaseSettings",
    "FailoverSettings",
    "Posture",
    "ReadinessSettings",
    "RegionSettings",
    "ResilienceSettings",
    "RoutingSettings",
    "SecuritySettings",
    "SessionsSettings",
    "Settings",
    "TagSettings",
    "TargetSettings",
    "UsageSettings",
    "config_source",
    "config_warnings",
    "decode_config",
    "known_regions",
    "load_config",
    "load_settings",
    "mrsc_region_set",
    "parse_config_text",
    "read_config_bytes",
    "toml_nesting_problem",
]
