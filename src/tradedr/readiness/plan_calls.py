"""The IAM actions of every call the failover plans make in a standby (CLI side only: it
needs tradedr's plan model, so it is not inlined into the scheduled function)."""

from __future__ import annotations

from tradedr.config import Settings
from tradedr.ops.clients import ClientProvider
from tradedr.ops.failover import failover_plan
from tradedr.ops.plans import ApiCall
from tradedr.ops.traffic import resolve_traffic

# boto3 service name -> IAM action prefix, where they differ.
IAM_PREFIX: dict[str, str] = {"elbv2": "elasticloadbalancing"}


def iam_action(call: ApiCall) -> str:
    return f"{IAM_PREFIX.get(call.service, call.service)}:{call.operation}"


def standby_actions(settings: Settings, provider: ClientProvider, standby: str) -> list[str]:
    """The planned and unplanned failover plans to `standby`, built as `tradedr failover`
    builds them; the IAM action of each call they declare in `standby`."""
    controls = resolve_traffic(
        settings, provider, read_region=standby, failed_region=settings.primary_region
    )
    actions: set[str] = set()
    for mode in ("planned", "unplanned"):
        plan = failover_plan(
            settings,
            to_region=standby,
            mode=mode,
            traffic_mode=controls.mode,
            traffic=controls.params_for(standby),
        )
        actions.update(iam_action(c) for _, c in plan.api_calls() if c.region == standby)
    return sorted(actions)
