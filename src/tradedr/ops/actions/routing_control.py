"""Route 53 ARC: set routing-control states through the cluster's data plane.

The cluster has endpoints in several regions; each is tried in turn, so losing any one
region (us-east-1 included) does not block the switch.
"""

from __future__ import annotations

from typing import Any, Literal

from botocore.exceptions import BotoCoreError, ClientError

from tradedr.errors import AwsOperationError
from tradedr.ops.actions.base import Action, ExecutionContext, Outcome, params_of
from tradedr.ops.backend import Capability
from tradedr.ops.clients import Boto3ClientProvider
from tradedr.ops.plans import ActionKind, ApiCall, Step, StepParams

SERVICE = "route53-recovery-cluster"


class RoutingControlParams(StepParams):
    # The cluster's endpoints as ARC lists them: [{"Region": ..., "Endpoint": ...}].
    cluster_endpoints: list[dict[str, str]]
    states: dict[str, Literal["On", "Off"]]  # routing control ARN -> state


def cluster_client(ctx: ExecutionContext, region: str, endpoint: str) -> Any:
    """A client bound to one cluster endpoint (real AWS needs the endpoint URL)."""
    provider = ctx.provider
    if isinstance(provider, Boto3ClientProvider) and not provider.endpoint_url:
        return provider.session.client(SERVICE, region_name=region, endpoint_url=endpoint)
    return provider.client(SERVICE, region)


class SetRoutingControl(Action):
    kind = ActionKind.SET_ROUTING_CONTROL
    requires = Capability.ROUTING_CONTROL
    Params = RoutingControlParams

    def calls(self, step: Step) -> list[ApiCall]:
        return [
            ApiCall(SERVICE, endpoint["Region"], "UpdateRoutingControlStates", "data")
            for endpoint in params_of(step, RoutingControlParams).cluster_endpoints
        ]

    def run(self, ctx: ExecutionContext, step: Step) -> Outcome:
        params = params_of(step, RoutingControlParams)
        states: dict[str, str] = dict(params.states)
        entries = [
            {"RoutingControlArn": arn, "RoutingControlState": state}
            for arn, state in sorted(states.items())
        ]
        errors: list[str] = []
        for endpoint in params.cluster_endpoints:
            client = cluster_client(ctx, endpoint["Region"], endpoint["Endpoint"])
            try:
                if len(entries) == 1:
                    response = client.update_routing_control_state(**entries[0])
                else:
                    response = client.update_routing_control_states(
                        UpdateRoutingControlStateEntries=entries
                    )
            except ClientError as exc:
                code = exc.response.get("Error", {}).get("Code", "")
                if code in (
                    "AccessDeniedException",
                    "ValidationException",
                    "ServiceLimitExceededException",
                ):
                    raise
                errors.append(f"{endpoint['Region']}: {code}")
                continue
            except BotoCoreError as exc:
                errors.append(f"{endpoint['Region']}: {exc}")
                continue
            request_id = response.get("ResponseMetadata", {}).get("RequestId")
            summary = ", ".join(
                f"{arn.rsplit('/', 1)[-1]}={s}" for arn, s in sorted(states.items())
            )
            return Outcome(
                "executed",
                f"routing controls {summary} via {endpoint['Region']}",
                {"request_id": request_id, "failed_endpoints": errors},
            )
        raise AwsOperationError(
            f"{step.id}: no ARC cluster endpoint accepted the update ({'; '.join(errors)})"
        )
