"""Small service functions behind the configuration commands."""

from __future__ import annotations

import re
from importlib import resources
from pathlib import Path
from typing import TYPE_CHECKING, Any

from tradedr.errors import ConfigError

if TYPE_CHECKING:
    from tradedr.config import Settings


def example_config_text() -> str:
    return resources.files("tradedr").joinpath("data/tradedr.example.toml").read_text("utf-8")


def write_example_config(path: Path, *, force: bool) -> Path:
    """Write the annotated example; never clobber a user's file without --force."""
    if path.exists() and not force:
        raise ConfigError(f"{path} already exists; pass --force to overwrite it")
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(example_config_text(), encoding="utf-8")
    return path


_BARE_KEY = re.compile(r"[A-Za-z0-9_-]+")


def _toml_key(key: str) -> str:
    if _BARE_KEY.fullmatch(key):
        return key
    return _toml_scalar(key)  # a quoted TOML string


def _toml_scalar(value: Any) -> str:
    import tomli_w

    return tomli_w.dumps({"k": value}).split(" = ", 1)[1].strip()


def _toml_value(key: str, value: Any) -> str:
    """`key = value` on one line: arrays inline, an empty table as `{}`."""
    if isinstance(value, list):
        shown = "[" + ", ".join(_toml_scalar(item) for item in value) + "]"
    elif value == {}:
        shown = "{}"
    else:
        shown = _toml_scalar(value)
    return f"{_toml_key(key)} = {shown}"


def _unset(settings: Settings, path: tuple[str, ...]) -> str:
    """What an optional setting left unset means, as a TOML comment line: the value it
    takes (commented out, so the printed config loads to the same Settings) and why."""
    key = path[-1]
    if path[0] == "regions" and len(path) == 3:
        region = path[1]
        if key == "availability_zones":
            zones = settings.availability_zones(region)
            return f"# {_toml_value(key, zones)}  # not set: the region's first two zones"
        if key == "nat_gateways":
            count = settings.nat_gateways(region)
            return f"# {_toml_value(key, count)}  # not set: from the posture and the role"
        if key == "certificate_arn":
            return f"# {key}: not set, so the ALB serves plain HTTP on port 80"
    if path == ("failover", "max_data_loss_seconds"):
        return f"# {key}: not set (required with automatic = true)"
    return f"# {key}: not set"


def settings_toml(settings: Settings, *, source: str) -> str:
    """The effective config as TOML: every default filled in, every unset optional key as a
    comment with the value it takes. `tomllib.loads` of the text, through `load_settings`,
    gives `settings` back."""
    lines = [f"# tradedr config: {settings.prefix}, from {source}, with every default"]

    def table(path: tuple[str, ...], data: dict[str, Any]) -> None:
        nested = {k: v for k, v in data.items() if isinstance(v, dict) and v}
        if path and len(nested) < len(data):  # no header for a table of tables only
            lines.extend(["", "[" + ".".join(_toml_key(p) for p in path) + "]"])
        for key, value in data.items():
            if key in nested:
                continue
            if value is None:
                lines.append(_unset(settings, (*path, key)))
            else:
                lines.append(_toml_value(key, value))
        for key, value in nested.items():
            table((*path, key), value)

    table((), settings.model_dump(mode="json"))
    return "\n".join(lines) + "\n"
