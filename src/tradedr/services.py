"""Small service functions behind the configuration commands."""

from __future__ import annotations

from importlib import resources
from pathlib import Path
from typing import Any

from tradedr.errors import ConfigError


def example_config_text() -> str:
    return resources.files("tradedr").joinpath("data/tradedr.example.toml").read_text("utf-8")


def write_example_config(path: Path, *, force: bool) -> Path:
    """Write the annotated example; never clobber a user's file without --force."""
    if path.exists() and not force:
        raise ConfigError(f"{path} already exists; pass --force to overwrite it")
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(example_config_text(), encoding="utf-8")
    return path


def config_rows(data: dict[str, Any], prefix: str = "") -> list[tuple[str, str]]:
    """Flatten nested config into dotted keys for a two-column table."""
    rows: list[tuple[str, str]] = []
    for key, value in data.items():
        name = f"{prefix}{key}"
        if isinstance(value, dict) and value:
            rows.extend(config_rows(value, prefix=f"{name}."))
        else:
            rows.append((name, str(value)))
    return rows


def emulator_running() -> bool:
    """Whether `tradedr emulator start` runs an emulator (the one local runs act on)."""
    from tradedr.emulator.server import running_emulator

    return running_emulator() is not None
