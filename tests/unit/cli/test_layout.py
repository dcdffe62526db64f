"""The CLI package's shape (issue 12): small modules, thin commands that each call a
`<package>/service.py` function, and an import that stays cheap."""

from __future__ import annotations

import ast
import subprocess
import sys
import tomllib
from pathlib import Path

import tradedr.cli

CLI = Path(tradedr.cli.__file__).parent
ROOT = CLI.parents[2]
# What a command may import from outside the CLI besides a service: the settings and errors.
NOT_SERVICES = {"tradedr.config", "tradedr.errors"}


def _modules(folder: Path) -> list[Path]:
    return sorted(folder.rglob("*.py"))


def test_no_cli_module_is_over_400_lines() -> None:
    sizes = {p.relative_to(CLI).as_posix(): len(p.read_text().splitlines()) for p in _modules(CLI)}
    assert {name: n for name, n in sizes.items() if n > 400} == {}


def _type_only(tree: ast.Module) -> set[int]:
    """Ids of the imports under `if TYPE_CHECKING:` (types to annotate with, never called)."""
    return {
        id(inner)
        for node in ast.walk(tree)
        if isinstance(node, ast.If) and ast.unparse(node.test) == "TYPE_CHECKING"
        for inner in ast.walk(node)
    }


def test_commands_reach_the_rest_of_tradedr_only_through_services() -> None:
    stray: list[str] = []
    for path in _modules(CLI / "commands"):
        tree = ast.parse(path.read_text())
        type_only = _type_only(tree)
        for node in ast.walk(tree):
            if id(node) in type_only:
                continue
            if not isinstance(node, ast.ImportFrom) or not node.module:
                continue
            module = node.module
            if not module.startswith("tradedr.") or module.startswith("tradedr.cli"):
                continue
            if module in NOT_SERVICES or module == "tradedr.services":
                continue
            if module.endswith(".service"):
                continue
            if all(f"{module}.{alias.name}".endswith(".service") for alias in node.names):
                continue  # `from tradedr.ops import service`
            stray.append(f"{path.name}: from {module} import ...")
    assert stray == []


def test_the_console_script_and_the_test_imports_still_resolve() -> None:
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())
    assert project["project"]["scripts"]["tradedr"] == "tradedr.cli:main"
    from tradedr.cli import app, main

    assert callable(main)
    assert app.info.name == "tradedr"


def test_importing_the_cli_loads_no_cdk_or_aws_sdk() -> None:
    code = (
        "import sys, tradedr.cli; "
        "print(sorted(m for m in ('aws_cdk', 'jsii', 'boto3', 'botocore', 'moto') "
        "if m in sys.modules))"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    ).stdout
    assert out.strip() == "[]"


def test_python_dash_m_runs_the_cli() -> None:
    result = subprocess.run(
        [sys.executable, "-m", "tradedr.cli", "--help"], capture_output=True, text=True
    )
    assert result.returncode == 0, result.stderr
    assert "review" in result.stdout
