"""Secrets Manager secrets and their API calls."""

from __future__ import annotations

from tradedr.analysis.cost import keys
from tradedr.analysis.cost.context import PricingContext
from tradedr.analysis.cost.registry import prices
from tradedr.analysis.templates import Resource, StackDoc


@prices("AWS::SecretsManager::Secret")
def secret(ctx: PricingContext, stack: StackDoc, secret: Resource) -> None:
    ctx.add(
        region=stack.region,
        component="secretsmanager",
        resource=secret,
        charge="Secrets Manager secret",
        quantity=1,
        key=keys.SECRET,
    )
    ctx.add(
        region=stack.region,
        component="secretsmanager",
        resource=secret,
        charge="Secrets Manager API calls",
        quantity=ctx.usage.secrets_api_calls_10k,
        key=keys.SECRET_API,
    )
