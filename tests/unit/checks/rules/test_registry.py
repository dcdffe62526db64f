"""The DR rule registry: every rule module under checks/rules/ is in ALL_RULES, once, in id
order, with its metadata, and has a table of good and bad cases beside this file."""

from __future__ import annotations

import importlib
import inspect
import pkgutil
import re
from types import ModuleType

from tradedr.checks import rules
from tradedr.checks.rules import ALL_RULES, DrRule

RULE_MODULE = re.compile(r"^dr(\d{3})_[a-z0-9_]+$")
NOT_RULES = {"base"}  # what every rule shares


def rule_modules() -> list[ModuleType]:
    names = sorted(m.name for m in pkgutil.iter_modules(rules.__path__))
    assert set(names) - NOT_RULES, "no rule modules found"
    stray = [n for n in names if n not in NOT_RULES and not RULE_MODULE.match(n)]
    assert stray == [], f"not named dr<NNN>_<what>.py: {stray}"
    return [importlib.import_module(f"{rules.__name__}.{n}") for n in names if n not in NOT_RULES]


def rule_classes(module: ModuleType) -> list[type[DrRule]]:
    return [
        cls
        for _, cls in inspect.getmembers(module, inspect.isclass)
        if issubclass(cls, DrRule)
        and cls.__module__ == module.__name__
        and not inspect.isabstract(cls)
    ]


def test_every_rule_module_is_registered() -> None:
    registered = {type(rule) for rule in ALL_RULES}
    for module in rule_modules():
        classes = rule_classes(module)
        assert len(classes) == 1, f"{module.__name__} defines {len(classes)} rules, not one"
        (cls,) = classes
        assert cls in registered, (
            f"{cls.__name__} ({module.__name__}) is not registered: add {cls.__name__}() to "
            "tradedr.checks.rules.ALL_RULES"
        )


def test_every_registered_rule_has_its_own_module_and_id() -> None:
    modules = {m.__name__: m for m in rule_modules()}
    classes = [type(rule) for rule in ALL_RULES]
    assert len(set(classes)) == len(classes), "a rule is registered twice"
    for rule in ALL_RULES:
        assert type(rule).__module__ in modules, f"{rule.id} lives outside checks/rules/"
        number = RULE_MODULE.match(type(rule).__module__.rsplit(".", 1)[-1])
        assert number is not None
        assert rule.id == f"DR{number.group(1)}", f"{rule.id} is in {type(rule).__module__}"
    assert len(ALL_RULES) == len(modules)


def test_rules_are_registered_in_id_order() -> None:
    ids = [rule.id for rule in ALL_RULES]
    assert ids == sorted(ids)
    assert len(set(ids)) == len(ids)


def test_every_rule_has_metadata() -> None:
    for rule in ALL_RULES:
        assert rule.title, rule.id
        assert rule.description, rule.id
        assert rule.source.startswith("https://"), rule.id
        assert rule.severity in ("error", "warning", "info"), rule.id


def test_every_rule_has_a_table_of_good_and_bad_cases() -> None:
    for module in rule_modules():
        rule = next(r for r in ALL_RULES if type(r).__module__ == module.__name__)
        name = module.__name__.rsplit(".", 1)[-1]
        tests = importlib.import_module(f"{__package__}.test_{name}")
        assert rule.id == tests.RULE
        outcomes = {not case.findings for case in tests.CASES}
        assert outcomes == {True, False}, f"test_{name}.py needs a good and a bad case"
        for case in tests.CASES:
            assert {found[0] for found in case.findings} <= {rule.id}, case.name
