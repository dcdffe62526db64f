"""The action registry: every module under ops/actions/ implements one kind of plan step
and is in ACTIONS under that kind; every ActionKind has exactly one action."""

from __future__ import annotations

import importlib
import inspect
import pkgutil
from types import ModuleType

from tradedr.ops import actions
from tradedr.ops.actions import ACTIONS, Action, action_for
from tradedr.ops.plans import ActionKind, Step

NOT_ACTIONS = {"base"}  # the context, outcomes and the Action interface


def action_modules() -> list[ModuleType]:
    names = sorted(m.name for m in pkgutil.iter_modules(actions.__path__))
    assert set(names) - NOT_ACTIONS, "no action modules found"
    return [
        importlib.import_module(f"{actions.__name__}.{n}") for n in names if n not in NOT_ACTIONS
    ]


def action_classes(module: ModuleType) -> list[type[Action]]:
    return [
        cls
        for _, cls in inspect.getmembers(module, inspect.isclass)
        if issubclass(cls, Action) and cls is not Action and cls.__module__ == module.__name__
    ]


def test_every_action_module_is_registered() -> None:
    registered = {type(action) for action in ACTIONS.values()}
    for module in action_modules():
        classes = action_classes(module)
        assert len(classes) == 1, f"{module.__name__} defines {len(classes)} actions, not one"
        (cls,) = classes
        assert "kind" in vars(cls), f"{cls.__name__} declares no kind"
        assert cls in registered, (
            f"{cls.__name__} ({module.__name__}) is not registered: add {cls.__name__}() to "
            "tradedr.ops.actions.ACTIONS"
        )
        assert type(ACTIONS[cls.kind]) is cls, f"{cls.kind} maps to another action"


def test_every_registered_action_has_its_own_module() -> None:
    modules = {m.__name__ for m in action_modules()}
    classes = [type(action) for action in ACTIONS.values()]
    assert len(set(classes)) == len(classes), "an action is registered twice"
    assert {cls.__module__ for cls in classes} == modules
    for kind, action in ACTIONS.items():
        assert action.kind is kind


def test_every_action_kind_has_an_action() -> None:
    assert set(ACTIONS) == set(ActionKind)
    for kind in ActionKind:
        step = Step(id="s", action=kind, region="us-east-1", title="t")
        assert action_for(step) is ACTIONS[kind]


def test_every_action_implements_run_and_calls() -> None:
    for action in ACTIONS.values():
        cls = type(action)
        assert cls.run is not Action.run, f"{cls.__name__} does not implement run"
        assert cls.calls is not Action.calls, f"{cls.__name__} does not implement calls"
