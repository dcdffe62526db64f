"""Config errors as one printable line that names the field."""

from __future__ import annotations

import re

from pydantic import ValidationError

from tradedr.errors import ConfigError, ConfigFileError

_FIELD_PREFIX = re.compile(r"^([a-z_][\w.-]*): (.*)$", re.DOTALL)
_PLAIN_KEY = re.compile(r"^[\w-]{1,60}$")
MAX_MESSAGE_CHARS = 400


def _one_line(text: str) -> str:
    """A message as one printable line of bounded length, whatever the config contained."""
    text = "".join(char if char.isprintable() else repr(char)[1:-1] for char in text)
    text = " ".join(text.split())
    if len(text) > MAX_MESSAGE_CHARS:
        keep = MAX_MESSAGE_CHARS // 2
        text = f"{text[:keep]} ... {text[-keep:]}"
    return text


def _config_error(message: str) -> ConfigError:
    return ConfigFileError(_one_line(message))


def _location_part(part: str | int) -> str:
    """A key as written when it is a plain word, quoted when it holds anything else."""
    text = str(part)
    if isinstance(part, int) or _PLAIN_KEY.match(text):
        return text
    return repr(text) if len(text) <= 60 else f"{text[:40]!r}..."


def _format_error(error: ValidationError) -> str:
    """One line, naming the field: the first problem pydantic found."""
    first = error.errors()[0]
    location = ".".join(_location_part(part) for part in first["loc"])
    message = str(first["msg"]).removeprefix("Value error, ")
    value = first.get("input")
    if first["type"] == "extra_forbidden":
        message = "unknown setting (check the spelling against `tradedr init`)"
    elif first["type"] == "value_error":
        # A model validator names the field it objects to: "asg_min: ..." -> loc.asg_min
        # (or its full dotted path: "database.engine_version: ..." stays as it is)
        field = _FIELD_PREFIX.match(message)
        if field:
            named, message = field.group(1), field.group(2)
            if not location or named.startswith(f"{location}."):
                location = named
            else:
                location = f"{location}.{named}"
    elif isinstance(value, str | int | float | bool) and len(repr(value)) <= 60:
        message = f"{message} (got {value!r})"
    message = " ".join(message.split())
    return f"{location}: {message}" if location else message
