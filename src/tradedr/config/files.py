"""Reading a config file: a regular file only, of bounded size, UTF-8, and TOML whose
nesting and key counts are checked before the parser sees it."""

from __future__ import annotations

import codecs
import os
import re
import stat
import tomllib
from collections.abc import Callable
from pathlib import Path
from typing import Any

from tradedr.config.errors import _config_error
from tradedr.errors import ConfigError

DEFAULT_CONFIG_NAME = "tradedr.toml"

# A config is a few kilobytes; anything near this is not one (or is /dev/zero).
MAX_CONFIG_BYTES = 1024 * 1024
# The schema nests three levels deep; these bound what the parser and validators recurse into.
MAX_NESTING = 32
MAX_KEY_PARTS = 32
# Keys of the whole file, counting each part of a dotted key (the example has about 100).
MAX_KEYS = 10_000


_FILE_KINDS: tuple[tuple[Callable[[int], bool], str], ...] = (
    (stat.S_ISDIR, "a directory"),
    (stat.S_ISFIFO, "a FIFO (named pipe)"),
    (stat.S_ISCHR, "a character device"),
    (stat.S_ISBLK, "a block device"),
    (stat.S_ISSOCK, "a socket"),
)


def _not_regular(path: Path, mode: int) -> ConfigError:
    kind = next((name for test, name in _FILE_KINDS if test(mode)), "not a regular file")
    return _config_error(f"{path} is {kind}; a config must be a regular file")


def _os_reason(exc: Exception) -> str:
    return (exc.strerror if isinstance(exc, OSError) else None) or str(exc)


def read_config_bytes(path: Path) -> bytes:
    """The bytes of a regular file of at most MAX_CONFIG_BYTES, or a one-line ConfigError.

    Stat before open, so a FIFO (which would block), a device (/dev/zero never ends) or a
    directory is refused without opening it; the open itself is non-blocking and checked
    again with fstat, in case the path was swapped in between.
    """
    limit = f"config files are limited to {MAX_CONFIG_BYTES // (1024 * 1024)} MiB"
    try:
        info = os.stat(path)
    except FileNotFoundError:
        raise _config_error(f"{path} does not exist") from None
    except (OSError, ValueError) as exc:  # ValueError: a NUL byte in the path
        raise _config_error(f"cannot read {path}: {_os_reason(exc)}") from None
    if not stat.S_ISREG(info.st_mode):
        raise _not_regular(path, info.st_mode)
    if info.st_size > MAX_CONFIG_BYTES:
        raise _config_error(f"{path} is {info.st_size} bytes; {limit}")
    flags = os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_NOCTTY", 0)
    try:
        descriptor = os.open(path, flags | getattr(os, "O_CLOEXEC", 0))
        with os.fdopen(descriptor, "rb") as file:
            mode = os.fstat(file.fileno()).st_mode
            if not stat.S_ISREG(mode):
                raise _not_regular(path, mode)
            data = file.read(MAX_CONFIG_BYTES + 1)
    except OSError as exc:
        raise _config_error(f"cannot read {path}: {_os_reason(exc)}") from None
    if len(data) > MAX_CONFIG_BYTES:
        raise _config_error(f"{path} is over {MAX_CONFIG_BYTES} bytes; {limit}")
    return data


def decode_config(path: Path, data: bytes) -> str:
    """UTF-8 text (a leading byte-order mark is dropped), or an error naming the byte."""
    skipped = len(codecs.BOM_UTF8) if data.startswith(codecs.BOM_UTF8) else 0
    try:
        text = data[skipped:].decode("utf-8")
        offset = len(data)
    except UnicodeDecodeError as exc:
        text, offset = "", exc.start + skipped
    nul = data.find(b"\x00", 0, offset)  # valid UTF-8 but never TOML: UTF-16 or binary
    if nul >= 0:
        offset = nul
    if offset == len(data):
        return text
    line = data.count(b"\n", 0, offset) + 1
    hint = ""
    if nul >= 0 or data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        hint = "; it looks like UTF-16 or a binary file, save it as UTF-8"
    raise _config_error(
        f"{path} is not UTF-8 text: byte 0x{data[offset]:02x} at offset {offset} "
        f"(line {line}){hint}"
    )


def parse_config_text(text: str, path: Path) -> dict[str, Any]:
    """Parse TOML, refusing first what would make the parser recurse or crawl."""
    problem = toml_nesting_problem(text)
    if problem:
        raise _config_error(f"{path} is not a tradedr config: {problem}")
    try:
        return tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise _config_error(f"{path} is not valid TOML: {exc}") from None
    except RecursionError:
        raise _config_error(f"{path} is not a tradedr config: nested too deeply") from None
    except ValueError as exc:
        # int() refuses integers of more than 4300 digits (sys.get_int_max_str_digits)
        raise _config_error(f"{path} is not valid TOML: {exc}") from None


# Just enough of TOML's lexical grammar to tell keys from values and to skip strings and
# comments: strings (multi-line first), comments, newlines, structure, anything else.
_TOML_TOKEN = re.compile(
    r'"""(?:[^\\]|\\[\s\S])*?"""'
    r"|'''[\s\S]*?'''"
    r'|"(?:[^"\\\n]|\\.)*"'
    r"|'[^'\n]*'"
    r"|#[^\n]*"
    r"|[\[\]{}=,.\n]"
    r"|[^\"'#\[\]{}=,.\n]+"
    r"|[\s\S]"
)


def toml_nesting_problem(text: str) -> str | None:
    """Arrays and inline tables nested more than MAX_NESTING deep, a dotted key of more
    than MAX_KEY_PARTS parts, or more than MAX_KEYS keys; None when none of these.

    tomllib recurses once per nesting level (RecursionError), its dotted-key handling is
    quadratic in the number of parts (a 1 MiB `a.a.a...` key would take hours), and many
    long table headers take it seconds each thousand.
    """
    stack: list[str] = []  # "[" array or "{" inline table, innermost last
    in_key = True  # reading a key: a line start, a table header, after "{" or ","
    parts = 1
    keys = 0
    line = 1
    for match in _TOML_TOKEN.finditer(text):
        token = match.group()
        line += token.count("\n")
        if token == "\n":
            if not stack:
                in_key, parts = True, 1
            continue
        if token[0] == "#":
            continue
        if in_key:
            if token == ".":
                parts += 1
                if parts > MAX_KEY_PARTS:
                    return f"a dotted key of more than {MAX_KEY_PARTS} parts (line {line})"
            elif token in ("=", "]"):
                keys += parts
                if keys > MAX_KEYS:
                    return f"more than {MAX_KEYS} keys (line {line})"
                in_key, parts = False, 1
            elif token == "}" and stack:
                stack.pop()
                in_key = False
            continue
        if token in ("[", "{"):
            stack.append(token)
            if len(stack) > MAX_NESTING:
                return f"arrays or tables nested more than {MAX_NESTING} deep (line {line})"
            if token == "{":
                in_key, parts = True, 1
        elif token in ("]", "}"):
            if stack:
                stack.pop()
        elif token == "," and stack and stack[-1] == "{":
            in_key, parts = True, 1
    return None
