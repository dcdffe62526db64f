"""The import graph keeps the layering: config → infra → checks/analysis → report/ops → cli.

A module never imports one of a higher layer. Every `import` and `from … import` in
src/tradedr counts, wherever it is written (module level, inside a function, under
`TYPE_CHECKING`), relative imports included. Imports within one layer are free.

The few imports that break the rule today are listed in ALLOWED with the reason they stay;
any other upward import fails this test. Remove an entry once its import is gone (the test
fails for a stale entry too, so the list only ever shrinks).
"""

from __future__ import annotations

import ast
from dataclasses import dataclass
from pathlib import Path

import tradedr

SRC = Path(tradedr.__file__).resolve().parent

# The first component below `tradedr` (a top-level module or subpackage) -> its layer.
BASE, INFRA, CHECKS, OPS, CLI = range(5)
LAYERS: dict[str, int] = {
    # The base layer, usable by all: the package itself, names, errors, file writing, the
    # config model and the config commands' service functions.
    "__init__": BASE,
    "names": BASE,
    "errors": BASE,
    "fileio": BASE,
    "config": BASE,
    "services": BASE,
    "templates": BASE,  # the one template model (reads with cfn-lint; nothing of ours above)
    "refapp": BASE,  # the reference app: one standalone file, installed on EC2 as it is
    "infra": INFRA,
    "checks": CHECKS,
    "analysis": CHECKS,
    "report": OPS,
    "ops": OPS,
    "emulator": OPS,  # the embedded emulator is what ops deploy to and run against
    "runbooks": OPS,  # runbooks render ops' plans and commands
    "readiness": OPS,  # read-only checks over ops' plans and client providers
    "evidence": OPS,  # evidence chains the journals ops write and reads their runs
    "assess": OPS,  # the gap analysis reads checks and analysis; report renders it
    "cli": CLI,
}
LAYER_NAMES = ("base", "infra", "checks/analysis", "report/ops", "cli")

# (importing module, imported module) -> why this upward import stays for now.
ALLOWED: dict[tuple[str, str], str] = {
    # The measured-durations reader keys its samples by ActionKind and reads journalled
    # Plans. Issue 12 moves "what an action measures" onto the actions themselves; until
    # then analysis reads the plan model of ops.
    ("tradedr.analysis.measured", "tradedr.ops.plans"): "plan model read by measured runs",
    # `tradedr cost --live` builds the boto3 client provider when none is given (a
    # function-level import). The provider belongs below both, but moving ops/clients.py
    # is not a one-line change.
    ("tradedr.analysis.service", "tradedr.ops.clients"): "live prices need a client provider",
}


@dataclass(frozen=True)
class Import:
    importer: str
    imported: str
    line: int

    def layers(self) -> tuple[int, int]:
        return layer_of(self.importer), layer_of(self.imported)


def module_name(path: Path) -> str:
    parts = list(path.relative_to(SRC.parent).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def layer_of(module: str) -> int:
    parts = module.split(".")
    key = parts[1] if len(parts) > 1 else "__init__"
    assert key in LAYERS, f"{module}: tradedr.{key} has no layer; add it to LAYERS"
    return LAYERS[key]


def imports_of(path: Path) -> list[Import]:
    module = module_name(path)
    package = module if path.name == "__init__.py" else module.rpartition(".")[0]
    return imports_in(path.read_text(encoding="utf-8"), module, package)


def imports_in(source: str, module: str, package: str) -> list[Import]:
    """The tradedr imports of `source`, the text of `module` (which lives in `package`)."""
    found: list[Import] = []
    for node in ast.walk(ast.parse(source, module)):
        if isinstance(node, ast.Import):
            targets = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".")[: len(package.split(".")) - (node.level - 1)]
                source = ".".join([*base, *([node.module] if node.module else [])])
            else:
                source = node.module or ""
            # `from tradedr import cli` / `from . import x` import modules by name.
            if source == "tradedr" or not node.module:
                targets = [f"{source}.{alias.name}" for alias in node.names]
            else:
                targets = [source]
        else:
            continue
        found.extend(
            Import(module, target, node.lineno)
            for target in targets
            if target == "tradedr" or target.startswith("tradedr.")
        )
    return found


def all_imports() -> list[Import]:
    return [found for path in sorted(SRC.rglob("*.py")) for found in imports_of(path)]


def upward(imports: list[Import]) -> list[Import]:
    return [i for i in imports if i.layers()[1] > i.layers()[0]]


def test_the_scan_sees_the_package() -> None:
    imports = all_imports()
    assert len({i.importer for i in imports}) > 100
    # Function-level and relative imports are read too.
    assert any(
        i.importer == "tradedr.analysis.service" and i.imported == "tradedr.ops.clients"
        for i in imports
    )


def test_every_top_level_module_has_a_layer() -> None:
    for path in SRC.iterdir():
        if path.suffix == ".py" or (path.is_dir() and (path / "__init__.py").exists()):
            assert path.stem in LAYERS, f"tradedr.{path.stem} has no layer; add it to LAYERS"


def test_no_module_imports_a_higher_layer() -> None:
    new = [
        f"{i.importer}:{i.line} imports {i.imported} "
        f"({LAYER_NAMES[i.layers()[0]]} -> {LAYER_NAMES[i.layers()[1]]})"
        for i in upward(all_imports())
        if (i.importer, i.imported) not in ALLOWED
    ]
    assert new == [], "imports against the layering:\n" + "\n".join(new)


def test_the_allow_list_has_no_stale_entry() -> None:
    seen = {(i.importer, i.imported) for i in upward(all_imports())}
    stale = sorted(set(ALLOWED) - seen)
    assert stale == [], f"no longer imported, remove from ALLOWED: {stale}"


def test_relative_and_package_imports_resolve() -> None:
    source = (
        "from . import base\n"
        "from ..plans import Step\n"
        "import tradedr.cli as cli\n"
        "from tradedr import report, config\n"
        "def f():\n"
        "    from .base import Action\n"
    )
    found = imports_in(source, "tradedr.ops.actions", "tradedr.ops.actions")
    assert sorted((i.imported, i.line) for i in found) == [
        ("tradedr.cli", 3),
        ("tradedr.config", 4),
        ("tradedr.ops.actions.base", 1),
        ("tradedr.ops.actions.base", 6),
        ("tradedr.ops.plans", 2),
        ("tradedr.report", 4),
    ]
    assert [(i.imported, i.layers()) for i in upward(found)] == [("tradedr.cli", (OPS, CLI))]


# The backend seam (tradedr.ops.backend): ops ask the backend what the target can do; only
# the wiring point reaches into the emulator. (importer, imported) -> why it stays for now.
EMULATOR_WIRING = "tradedr.ops.target"
EMULATOR_IMPORTS_ALLOWED: dict[tuple[str, str], str] = {
    # Deploy adapts templates to moto through the compat layer (secrets, certificates,
    # ignored properties, exports); the deploy side of the seam is not moved yet.
    ("tradedr.ops.deploy", "tradedr.emulator"): "deploy rewrites templates for moto",
    ("tradedr.ops.deploy", "tradedr.emulator.compat"): "deploy rewrites templates for moto",
    ("tradedr.ops.deploy_diff", "tradedr.emulator"): "the diff reads deploy's moto templates",
    (
        "tradedr.ops.deploy_diff",
        "tradedr.emulator.compat",
    ): "the diff reads deploy's moto templates",
    # Readers of deployed outputs share the compat layer's output conventions.
    ("tradedr.ops.traffic", "tradedr.emulator.compat"): "the placeholder-output prefix",
    ("tradedr.ops.validate", "tradedr.emulator.compat"): "compat-only outputs filtered out",
}


def emulator_imports_from_ops() -> list[Import]:
    return [
        i
        for i in all_imports()
        if i.importer.startswith("tradedr.ops")
        and (i.imported == "tradedr.emulator" or i.imported.startswith("tradedr.emulator."))
    ]


def test_ops_reach_the_emulator_only_through_the_wiring_point() -> None:
    found = emulator_imports_from_ops()
    assert any(i.importer == EMULATOR_WIRING for i in found)  # the scan sees the wiring
    new = [
        f"{i.importer}:{i.line} imports {i.imported}"
        for i in found
        if i.importer != EMULATOR_WIRING
        and (i.importer, i.imported) not in EMULATOR_IMPORTS_ALLOWED
    ]
    assert new == [], (
        "ops modules ask ctx.backend / tradedr.ops.target.backend_for, not the emulator:\n"
        + "\n".join(new)
    )


def test_the_emulator_import_allow_list_has_no_stale_entry() -> None:
    seen = {(i.importer, i.imported) for i in emulator_imports_from_ops()}
    stale = sorted(set(EMULATOR_IMPORTS_ALLOWED) - seen)
    assert stale == [], f"no longer imported, remove from EMULATOR_IMPORTS_ALLOWED: {stale}"


# Attributes that name the target instead of asking the backend what it can do.
TARGET_BRANCHES = frozenset({"emulated", "is_emulator", "emulator"})


def target_branches_in(source: str) -> list[str]:
    """`x.emulated`-style reads and `x.target == ...` comparisons in `source`."""
    found: list[str] = []
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Attribute) and node.attr in TARGET_BRANCHES:
            found.append(f"{node.lineno}: .{node.attr}")
        elif isinstance(node, ast.Compare):
            for side in (node.left, *node.comparators):
                if isinstance(side, ast.Attribute) and side.attr == "target":
                    found.append(f"{node.lineno}: compares .target")
    return found


def test_no_action_branches_on_the_target() -> None:
    actions = sorted((SRC / "ops" / "actions").glob("*.py"))
    assert len(actions) > 10
    branches = [
        f"ops/actions/{path.name}:{hit}"
        for path in actions
        for hit in target_branches_in(path.read_text(encoding="utf-8"))
    ]
    assert branches == [], "actions ask ctx.backend.gap(...), never the target:\n" + "\n".join(
        branches
    )


def test_the_branch_scan_sees_what_it_forbids() -> None:
    source = (
        "if ctx.emulated:\n    pass\nok = ctx.target == 'local'\nfine = ctx.backend.gap(c, d)\n"
    )
    assert target_branches_in(source) == ["1: .emulated", "3: compares .target"]
