"""Every pricer module is listed and registers what it prices; a type has one pricer."""

from __future__ import annotations

import pkgutil
from types import ModuleType

import pytest

from tradedr.analysis.cost import pricers
from tradedr.analysis.cost.registry import (
    FREE_TYPES,
    deployment_pricers,
    prices,
    resource_pricers,
)


def _registered_modules() -> set[str]:
    return {p.__module__ for p in resource_pricers().values()} | {
        p.__module__ for p in deployment_pricers()
    }


def test_every_file_in_pricers_is_listed_in_modules() -> None:
    files = {m.name for m in pkgutil.iter_modules(pricers.__path__)}
    listed = {m.__name__.rsplit(".", 1)[1] for m in pricers.MODULES}
    assert files == listed, "add the new pricer module to pricers.MODULES"


@pytest.mark.parametrize("module", pricers.MODULES, ids=lambda m: m.__name__.rsplit(".", 1)[1])
def test_every_listed_module_registers_a_pricer(module: ModuleType) -> None:
    assert module.__name__ in _registered_modules(), (
        f"{module.__name__} prices nothing: decorate its functions with @prices(...)"
    )


def test_the_registry_is_keyed_by_cloudformation_type() -> None:
    by_type = resource_pricers()
    assert all(t.startswith("AWS::") and t.count("::") == 2 for t in by_type)
    assert by_type["AWS::EC2::EIP"].__module__ == "tradedr.analysis.cost.pricers.vpc"
    assert by_type["AWS::RDS::DBCluster"].__module__ == "tradedr.analysis.cost.pricers.aurora"


def test_a_priced_type_is_not_also_free() -> None:
    assert not set(resource_pricers()) & FREE_TYPES


def test_a_type_cannot_get_a_second_pricer_or_a_pricer_when_free() -> None:
    with pytest.raises(ValueError, match="already priced by"):
        prices("AWS::EC2::EIP")(lambda ctx, stack, res: None)
    with pytest.raises(ValueError, match="FREE_TYPES"):
        prices("AWS::IAM::Role")(lambda ctx, stack, res: None)
    assert "AWS::IAM::Role" not in resource_pricers()


def test_deployment_pricers_run_in_module_order() -> None:
    assert [p.__module__.rsplit(".", 1)[1] for p in deployment_pricers()] == ["logs", "route53"]
