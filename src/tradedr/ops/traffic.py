"""Which traffic mechanism a plan uses, and the values its traffic steps need.

`routing.traffic` picks the mechanism. The ARNs and ARC cluster endpoints come from the
deployed `<prefix>-traffic` stack (us-west-2) and ARC's DescribeCluster (us-west-2), read
when the plan is built. That read must not need a lost region's control plane, so:

- us-west-2 is not the failed region (the usual case): read the stack outputs and
  DescribeCluster there.
- us-west-2 is the failed region: read the copy that `store_traffic_controls` keeps in SSM
  Parameter Store of every app region (written after each deploy on AWS), in the healthy
  target region. Cluster endpoints and routing-control ARNs never change after creation,
  so a copy taken at deploy time stays right.

Every call made here is returned with the result, so a test (and the plan builder) can
check it against the failed region just like the steps' own calls.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any

from botocore.exceptions import BotoCoreError, ClientError

from tradedr.config import Settings
from tradedr.emulator.compat import PLACEHOLDER_PREFIX
from tradedr.errors import AwsOperationError
from tradedr.names import Names, region_code
from tradedr.ops.clients import ClientProvider
from tradedr.ops.plans import ApiCall, TrafficMode

CONTROL_PLANE_REGION = "us-west-2"  # where the traffic stack, ARC config and GA live
ARC_CONFIG_SERVICE = "route53-recovery-control-config"

TRAFFIC_MODES: dict[str, TrafficMode] = {
    "dns-failover": TrafficMode.HEALTH_CHECK,
    "arc": TrafficMode.ROUTING_CONTROL,
    "global-accelerator": TrafficMode.TRAFFIC_DIAL,
}


def traffic_mode_for(settings: Settings) -> TrafficMode:
    return TRAFFIC_MODES[settings.routing.traffic]


def controls_parameter(settings: Settings) -> str:
    """The SSM parameter holding the copy of the traffic controls in each app region."""
    return Names(settings).traffic_controls_parameter


@dataclass(frozen=True)
class TrafficControls:
    """What the traffic steps act on; `source` says where the values were read."""

    mode: TrafficMode
    routing_controls: dict[str, str] = field(default_factory=dict)  # region -> ARN
    cluster_endpoints: list[dict[str, str]] = field(default_factory=list)
    endpoint_groups: dict[str, str] = field(default_factory=dict)  # region -> ARN
    source: str = ""
    calls: list[ApiCall] = field(default_factory=list)
    placeholders: bool = False

    def params_for(self, to_region: str) -> dict[str, Any]:
        """`traffic` for failover.traffic_step: move every client to `to_region`."""
        if self.mode is TrafficMode.ROUTING_CONTROL:
            states = {
                arn: ("On" if region == to_region else "Off")
                for region, arn in self.routing_controls.items()
            }
            return {"cluster_endpoints": self.cluster_endpoints, "states": states}
        if self.mode is TrafficMode.TRAFFIC_DIAL:
            return {
                "endpoint_group_arn": self.endpoint_groups[to_region],
                "other_endpoint_groups": {
                    r: arn for r, arn in self.endpoint_groups.items() if r != to_region
                },
            }
        return {}

    def to_json(self) -> str:
        return json.dumps(
            {
                "routing_controls": self.routing_controls,
                "cluster_endpoints": self.cluster_endpoints,
                "endpoint_groups": self.endpoint_groups,
            },
            sort_keys=True,
        )


def _app_regions(settings: Settings) -> list[str]:
    return [
        r
        for r in settings.all_regions
        if r == settings.primary_region or settings.posture.runs_standby_app
    ]


def _stack_outputs(provider: ClientProvider, stack: str) -> dict[str, str]:
    cf = provider.client("cloudformation", CONTROL_PLANE_REGION)
    found = cf.describe_stacks(StackName=stack)["Stacks"][0]
    return {o["OutputKey"]: o.get("OutputValue", "") for o in found.get("Outputs", [])}


def _from_control_plane(
    settings: Settings, provider: ClientProvider, mode: TrafficMode, *, emulated: bool
) -> TrafficControls:
    names = Names(settings)
    calls = [ApiCall("cloudformation", CONTROL_PLANE_REGION, "DescribeStacks")]
    outputs = _stack_outputs(provider, names.traffic_stack)
    placeholders = False

    def output(key: str) -> str:
        nonlocal placeholders
        value = outputs.get(key, "")
        if not value or value.startswith(PLACEHOLDER_PREFIX):
            if not emulated:
                raise AwsOperationError(
                    f"{names.traffic_stack} has no output {key}; deploy it first "
                    "(`tradedr deploy --target aws`)"
                )
            placeholders = True
            return f"{PLACEHOLDER_PREFIX}{names.traffic_stack}.{key}"
        return value

    regions = _app_regions(settings)
    if mode is TrafficMode.ROUTING_CONTROL:
        controls = {r: output(f"RoutingControlArn{region_code(r).upper()}") for r in regions}
        cluster_arn = output("ArcClusterArn")
        if emulated:
            # The emulator has no ARC: the step is reported "not emulated", never run.
            endpoints = [
                {"Region": r, "Endpoint": f"{PLACEHOLDER_PREFIX}arc-cluster-endpoint-{r}"}
                for r in regions
            ]
            placeholders = True
        else:
            calls.append(ApiCall(ARC_CONFIG_SERVICE, CONTROL_PLANE_REGION, "DescribeCluster"))
            cluster = provider.client(ARC_CONFIG_SERVICE, CONTROL_PLANE_REGION).describe_cluster(
                ClusterArn=cluster_arn
            )["Cluster"]
            endpoints = [
                {"Region": e["Region"], "Endpoint": e["Endpoint"]}
                for e in cluster.get("ClusterEndpoints", [])
            ]
            if not endpoints:
                raise AwsOperationError(f"ARC cluster {cluster_arn} lists no endpoints yet")
        return TrafficControls(
            mode,
            routing_controls=controls,
            cluster_endpoints=endpoints,
            source=f"{names.traffic_stack} outputs and DescribeCluster in {CONTROL_PLANE_REGION}",
            calls=calls,
            placeholders=placeholders,
        )
    groups = {r: output(f"EndpointGroupArn{region_code(r).upper()}") for r in regions}
    return TrafficControls(
        mode,
        endpoint_groups=groups,
        source=f"{names.traffic_stack} outputs in {CONTROL_PLANE_REGION}",
        calls=calls,
        placeholders=placeholders,
    )


def _from_stored_copy(
    settings: Settings, provider: ClientProvider, mode: TrafficMode, region: str
) -> TrafficControls:
    name = controls_parameter(settings)
    try:
        value = provider.client("ssm", region).get_parameter(Name=name)["Parameter"]["Value"]
    except ClientError as exc:
        if exc.response.get("Error", {}).get("Code") != "ParameterNotFound":
            raise
        raise AwsOperationError(
            f"{CONTROL_PLANE_REGION} (home of the traffic stack and the ARC/Global Accelerator "
            f"control planes) is the failed region, and {region} holds no copy of the traffic "
            f"controls in {name}; it is written after each `tradedr deploy --target aws`"
        ) from None
    data = json.loads(value)
    return TrafficControls(
        mode,
        routing_controls=data.get("routing_controls", {}),
        cluster_endpoints=data.get("cluster_endpoints", []),
        endpoint_groups=data.get("endpoint_groups", {}),
        source=f"the copy in SSM {name} ({region})",
        calls=[ApiCall("ssm", region, "GetParameter")],
    )


def resolve_traffic(
    settings: Settings,
    provider: ClientProvider,
    *,
    read_region: str,
    failed_region: str | None = None,
    emulated: bool = False,
) -> TrafficControls:
    """The traffic controls of the deployed environment, read without `failed_region`'s
    control plane; `read_region` (a healthy region) holds the stored copy."""
    mode = traffic_mode_for(settings)
    if mode is TrafficMode.HEALTH_CHECK:
        return TrafficControls(mode, source="Route 53 health checks (nothing to read)")
    try:
        if failed_region == CONTROL_PLANE_REGION:
            return _from_stored_copy(settings, provider, mode, read_region)
        return _from_control_plane(settings, provider, mode, emulated=emulated)
    except (ClientError, BotoCoreError) as exc:
        raise AwsOperationError(
            f"cannot read the {settings.routing.traffic} controls: {exc}"
        ) from None


def store_traffic_controls(settings: Settings, provider: ClientProvider) -> list[str]:
    """Keep a copy of the traffic controls in every app region (after a deploy on AWS), so
    a failover out of us-west-2 can still find them. Returns the regions written."""
    mode = traffic_mode_for(settings)
    if mode is TrafficMode.HEALTH_CHECK:
        return []
    controls = _from_control_plane(settings, provider, mode, emulated=False)
    written = []
    for region in _app_regions(settings):
        provider.client("ssm", region).put_parameter(
            Name=controls_parameter(settings),
            Value=controls.to_json(),
            Type="String",
            Overwrite=True,
            Description="tradedr: ARC routing controls / GA endpoint groups for failover",
        )
        written.append(region)
    return written
