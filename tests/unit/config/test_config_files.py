"""What `-c FILE` points at: only a regular, UTF-8, reasonably sized and shallow TOML file is
read; anything else is exit code 2 and one line naming the file, never a traceback, a hang,
click's usage box or a read until memory runs out."""

from __future__ import annotations

import codecs
import errno
import os
import threading
import time
import tomllib
from pathlib import Path

import pytest
from typer.testing import CliRunner, Result

from tradedr.cli import app
from tradedr.config import MAX_CONFIG_BYTES, Settings, load_config, toml_nesting_problem


@pytest.fixture
def runner() -> CliRunner:
    return CliRunner()


def show(runner: CliRunner, path: Path | str) -> Result:
    return runner.invoke(app, ["config", "show", "-c", str(path)])


def assert_one_line(result: Result, expected: str) -> None:
    assert result.exit_code == 2, result.output
    assert isinstance(result.exception, SystemExit)
    assert result.stderr.strip("\n").splitlines() == [f"error: config error: {expected}"]
    assert "Traceback" not in result.output
    assert "Usage:" not in result.output
    assert result.stdout == ""


def write(tmp_path: Path, data: bytes) -> Path:
    path = tmp_path / "bad.toml"
    path.write_bytes(data)
    return path


# --- what kind of file ----------------------------------------------------------------


def test_fifo_is_refused_without_blocking(runner: CliRunner, tmp_path: Path) -> None:
    fifo = tmp_path / "config.fifo"
    os.mkfifo(fifo)
    results: list[Result] = []
    worker = threading.Thread(target=lambda: results.append(show(runner, fifo)), daemon=True)
    started = time.monotonic()
    worker.start()
    worker.join(timeout=20)
    if worker.is_alive():  # blocked in open(): give it a writer so the thread can end
        os.close(os.open(fifo, os.O_WRONLY | os.O_NONBLOCK))
        pytest.fail("reading a FIFO blocked")
    assert time.monotonic() - started < 10
    assert_one_line(results[0], f"{fifo} is a FIFO (named pipe); a config must be a regular file")


def test_dev_zero_is_refused_not_read(runner: CliRunner) -> None:
    assert_one_line(
        show(runner, "/dev/zero"),
        "/dev/zero is a character device; a config must be a regular file",
    )


def test_directory_is_one_line_not_a_usage_box(runner: CliRunner, tmp_path: Path) -> None:
    assert_one_line(
        show(runner, tmp_path), f"{tmp_path} is a directory; a config must be a regular file"
    )


def test_missing_file(runner: CliRunner, tmp_path: Path) -> None:
    assert_one_line(
        show(runner, tmp_path / "absent.toml"), f"{tmp_path / 'absent.toml'} does not exist"
    )


def test_path_through_a_file(runner: CliRunner, tmp_path: Path) -> None:
    file = write(tmp_path, b'posture = "pilot-light"\n')
    assert_one_line(
        show(runner, file / "x.toml"), f"cannot read {file / 'x.toml'}: Not a directory"
    )


def test_unreadable_file(
    runner: CliRunner, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """As root chmod 000 still reads, so open() is made to refuse the way it does for others."""
    config = write(tmp_path, b'posture = "pilot-light"\n')
    real_open = os.open

    def denied(path: object, flags: int, *args: int, **kwargs: object) -> int:
        if Path(str(path)) == config:
            raise PermissionError(errno.EACCES, os.strerror(errno.EACCES), str(path))
        return real_open(path, flags, *args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(os, "open", denied)
    assert_one_line(show(runner, config), f"cannot read {config}: Permission denied")


@pytest.mark.skipif(os.geteuid() == 0, reason="root reads a mode-000 file")
def test_mode_000_file(runner: CliRunner, tmp_path: Path) -> None:
    config = write(tmp_path, b'posture = "pilot-light"\n')
    config.chmod(0)
    try:
        assert_one_line(show(runner, config), f"cannot read {config}: Permission denied")
    finally:
        config.chmod(0o600)


def test_file_over_the_size_cap(runner: CliRunner, tmp_path: Path) -> None:
    config = write(tmp_path, b"#" * MAX_CONFIG_BYTES + b"\n")
    assert_one_line(
        show(runner, config),
        f"{config} is {MAX_CONFIG_BYTES + 1} bytes; config files are limited to 1 MiB",
    )


def test_file_at_the_size_cap_is_read(runner: CliRunner, tmp_path: Path) -> None:
    config = write(tmp_path, b'posture = "pilot-light"\n' + b"#" * (MAX_CONFIG_BYTES - 25) + b"\n")
    assert config.stat().st_size == MAX_CONFIG_BYTES
    result = show(runner, config)
    assert result.exit_code == 0, result.output


def test_default_tradedr_toml_that_is_a_directory_is_an_error(
    runner: CliRunner, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (tmp_path / "tradedr.toml").mkdir()
    monkeypatch.chdir(tmp_path)
    result = runner.invoke(app, ["config", "show"])
    assert_one_line(result, "tradedr.toml is a directory; a config must be a regular file")


def test_no_default_tradedr_toml_means_the_defaults(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    assert load_config(None) == Settings()


# --- what the bytes are -----------------------------------------------------------------

TEXT = 'posture = "pilot-light"\napplication = "café"\n'
UTF16_HINT = "; it looks like UTF-16 or a binary file, save it as UTF-8"

# (case id, file bytes, the message after "<file> is not UTF-8 text: ")
NOT_UTF8: list[tuple[str, bytes, str]] = [
    ("latin-1", TEXT.encode("latin-1"), "byte 0xe9 at offset 42 (line 2)"),
    ("cp1252-quote", b'owner = "\x93sre\x94"\n', "byte 0x93 at offset 9 (line 1)"),
    ("utf-16-le-bom", TEXT.encode("utf-16"), f"byte 0xff at offset 0 (line 1){UTF16_HINT}"),
    (
        "utf-16-be-bom",
        codecs.BOM_UTF16_BE + TEXT.encode("utf-16-be"),
        f"byte 0xfe at offset 0 (line 1){UTF16_HINT}",
    ),
    ("utf-16-le-no-bom", TEXT.encode("utf-16-le"), f"byte 0x00 at offset 1 (line 1){UTF16_HINT}"),
    ("binary", bytes(range(256)), f"byte 0x00 at offset 0 (line 1){UTF16_HINT}"),
    ("gzip", b"\x1f\x8b\x08\x00\x00\x00\x00\x00\x00\x03", "byte 0x8b at offset 1 (line 1)"),
    (
        "nul-in-text",
        b'posture = "pilot-light"\n\x00',
        f"byte 0x00 at offset 24 (line 2){UTF16_HINT}",
    ),
    ("truncated-utf-8", b'owner = "caf\xc3', "byte 0xc3 at offset 12 (line 1)"),
    ("bad-after-utf-8-bom", codecs.BOM_UTF8 + b"a = 1\n\xff", "byte 0xff at offset 9 (line 2)"),
]


@pytest.mark.parametrize(
    ("data", "expected"), [c[1:] for c in NOT_UTF8], ids=[c[0] for c in NOT_UTF8]
)
def test_not_utf8_names_the_file_and_the_byte(
    runner: CliRunner, tmp_path: Path, data: bytes, expected: str
) -> None:
    config = write(tmp_path, data)
    assert_one_line(show(runner, config), f"{config} is not UTF-8 text: {expected}")


def test_utf8_with_byte_order_mark_is_read(tmp_path: Path) -> None:
    config = write(tmp_path, codecs.BOM_UTF8 + b'posture = "pilot-light"\n')
    assert load_config(config).posture.value == "pilot-light"


# --- what the TOML is -------------------------------------------------------------------

KEY_33 = ".".join(["a"] * 33)

# (case id, TOML text, the message after "<file> ")
PATHOLOGICAL: list[tuple[str, str, str]] = [
    (
        "deep-arrays",
        "a = " + "[" * 100_000 + "]" * 100_000,
        "is not a tradedr config: arrays or tables nested more than 32 deep (line 1)",
    ),
    (
        "deep-inline-tables",
        "\n" + "a = {" * 50_000 + "}" * 50_000,
        "is not a tradedr config: arrays or tables nested more than 32 deep (line 2)",
    ),
    (
        "unclosed-deep-arrays",
        "a = " + "[" * 500_000,
        "is not a tradedr config: arrays or tables nested more than 32 deep (line 1)",
    ),
    (
        "dotted-key-50000-parts",
        "a" + ".a" * 50_000 + " = 1",
        "is not a tradedr config: a dotted key of more than 32 parts (line 1)",
    ),
    (
        "dotted-header",
        f"[{KEY_33}]",
        "is not a tradedr config: a dotted key of more than 32 parts (line 1)",
    ),
    (
        "dotted-key-in-inline-table",
        f"a = {{ b = 1, {KEY_33} = 2 }}",
        "is not a tradedr config: a dotted key of more than 32 parts (line 1)",
    ),
    (
        "many-long-headers",
        "".join(f"[x{i}.{'.'.join(['a'] * 30)}]\n" for i in range(400)),
        "is not a tradedr config: more than 10000 keys (line 323)",
    ),
    (
        "integer-of-5000-digits",
        "[regions.us-east-1]\nasg_max = " + "9" * 5000,
        "is not valid TOML: Exceeds the limit (4300 digits) for integer string conversion: "
        "value has 5000 digits; use sys.set_int_max_str_digits() to increase the limit",
    ),
    (
        "control-character",
        "posture = \x1b[31m",
        "is not valid TOML: Invalid value (at line 1, column 11)",
    ),
]


@pytest.mark.parametrize(
    ("text", "expected"), [c[1:] for c in PATHOLOGICAL], ids=[c[0] for c in PATHOLOGICAL]
)
def test_pathological_toml_is_one_line_and_fast(
    runner: CliRunner, tmp_path: Path, text: str, expected: str
) -> None:
    config = write(tmp_path, text.encode())
    started = time.monotonic()
    result = show(runner, config)
    assert time.monotonic() - started < 5
    assert_one_line(result, f"{config} {expected}")


BRACKETS = "[" * 40 + "{" * 40 + "]" * 3


def test_structure_inside_strings_and_comments_is_not_nesting() -> None:
    """Brackets, braces and dots in strings and comments are text, not structure."""
    dots = ".".join("abcdefghijklmnopqrstuvwxyz0123456789")
    text = (
        f"# {BRACKETS} {dots}\n"
        f'basic = "{BRACKETS} \\" {dots}"  # {BRACKETS}\n'
        f"literal = '{BRACKETS}'\n"
        f'multi = """\n{BRACKETS}\n"" " {dots}\\"""\n"""\n'
        f"multi_literal = '''{BRACKETS}\n{dots}'''\n"
        f'"{dots}" = 1\n'
        f"inline = {{ '{dots}' = [1, [2, {{ x = \"{BRACKETS}\" }}]] }}\n"
        "array = [\n  1, # ]]]]\n  [2],\n]\n"
        f"[table.'{dots}']\n"
        "[[tables]]\n"
    )
    assert toml_nesting_problem(text) is None
    data = tomllib.loads(text)
    assert data["multi_literal"] == f"{BRACKETS}\n{dots}"
    assert data["inline"][dots] == [1, [2, {"x": BRACKETS}]]


def test_brackets_in_a_real_setting_are_read(tmp_path: Path) -> None:
    text = f"[routing]\nhealth_check_path = '/{BRACKETS}'  # {BRACKETS}\n"
    settings = load_config(write(tmp_path, text.encode()))
    assert settings.routing.health_check_path == f"/{BRACKETS}"
