"""What moto can create: its own CloudFormation model registry (the one its
CloudFormation backend dispatches on), not a hand-kept list."""

from __future__ import annotations

from functools import cache


@cache
def emulated_types() -> frozenset[str]:
    """Resource types moto's CloudFormation backend can create (its model registry)."""
    from moto.cloudformation.parsing import get_model_map

    return frozenset(get_model_map())


def is_emulated(resource_type: str) -> bool:
    return resource_type in emulated_types() or resource_type.startswith("Custom::")


def _model_has_attribute(resource_type: str, attr: str) -> bool:
    """Whether moto's model of an emulated type answers GetAtt `attr`."""
    from moto.cloudformation.parsing import get_model_map

    model = get_model_map().get(resource_type)
    return model is None or bool(model.has_cfn_attr(attr))
