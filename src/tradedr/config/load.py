"""The entry points: validate a parsed mapping, or load a config file (or the defaults)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from pydantic import ValidationError

from tradedr.config.errors import _config_error, _format_error
from tradedr.config.files import (
    DEFAULT_CONFIG_NAME,
    decode_config,
    parse_config_text,
    read_config_bytes,
)
from tradedr.config.model import Settings


def load_settings(data: dict[str, Any]) -> Settings:
    """Validate a parsed config mapping, raising ConfigError with a single line."""
    try:
        settings = Settings.model_validate(data)
    except ValidationError as exc:
        raise _config_error(_format_error(exc)) from None
    from tradedr.names import name_length_problems

    problems = name_length_problems(settings)
    if problems:
        raise _config_error(
            f"application/environment: too long for AWS names: {problems[0]}; "
            "shorten application or environment"
        )
    return settings


def config_source(path: Path | None) -> Path | None:
    """The file `load_config(path)` reads: `path`, else ./tradedr.toml when present; None
    when it uses the built-in defaults."""
    if path is not None:
        return path
    candidate = Path(DEFAULT_CONFIG_NAME)
    # exists(), not is_file(): a tradedr.toml that is a directory or a FIFO is an error
    # to report, not a reason to deploy the defaults.
    try:
        present = candidate.exists()
    except OSError:  # e.g. an unsearchable working directory: read_config_bytes says so
        present = True
    return candidate if present else None


def load_config(path: Path | None) -> Settings:
    """Load `path`, else ./tradedr.toml when present, else the built-in defaults."""
    path = config_source(path)
    if path is None:
        return Settings()
    text = decode_config(path, read_config_bytes(path))
    return load_settings(parse_config_text(text, path))
