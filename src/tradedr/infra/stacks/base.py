"""What every stack shares: the regional base stack (name, environment, synthesizer,
description, required tags), outputs, parameters sourced from other stacks' outputs, and
order-only dependencies."""

from __future__ import annotations

import aws_cdk as cdk
from constructs import Construct

from tradedr.config import Settings
from tradedr.infra.components.tagging import apply_required_tags
from tradedr.names import Names
from tradedr.templates.markers import PARAMETER_SOURCES


def _output(stack: cdk.Stack, key: str, value: str, description: str) -> None:
    cdk.CfnOutput(stack, key, value=value, description=description)


def sourced_parameter(
    stack: cdk.Stack, name: str, *, source_stack: str, output: str, description: str
) -> cdk.CfnParameter:
    """A deploy-time parameter whose value is another stack's output.

    The mapping is written into the template's Metadata so the deployer can fill it from
    earlier stacks without a cross-region reference.
    """
    parameter = cdk.CfnParameter(stack, name, type="String", description=description)
    metadata = stack.template_options.metadata or {}
    sources = dict(metadata.get(PARAMETER_SOURCES, {}))
    sources[name] = {"stack": source_stack, "output": output}
    stack.template_options.metadata = {**metadata, PARAMETER_SOURCES: sources}
    return parameter


class _RegionalStack(cdk.Stack):
    def __init__(
        self, scope: Construct, construct_id: str, *, settings: Settings, region: str, kind: str
    ) -> None:
        names = Names(settings)
        super().__init__(
            scope,
            construct_id,
            stack_name=construct_id,
            env=cdk.Environment(region=region),
            synthesizer=cdk.BootstraplessSynthesizer(),
            description=f"tradedr {kind} stack for {settings.prefix} in {region} "
            f"({settings.role_of(region)}, {settings.posture.value})",
            termination_protection=kind == "data",
        )
        self.settings = settings
        self.names = names
        self.role = settings.role_of(region)
        apply_required_tags(
            self, tags=settings.required_tags(region), name=f"{settings.prefix}-{kind}-{region}"
        )


def add_dependency(dependent: cdk.Stack, dependency: cdk.Stack) -> None:
    """Order-only dependency (allowed across regions): no values flow."""
    dependent.add_stack_dependency(dependency, "deployment order")
