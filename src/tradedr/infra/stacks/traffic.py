"""The traffic stack: ARC routing controls or Global Accelerator (fast failover only)."""

from __future__ import annotations

import aws_cdk as cdk
from constructs import Construct

from tradedr.config import Posture, Settings
from tradedr.infra.components.tagging import apply_required_tags
from tradedr.infra.components.traffic import (
    CONTROL_PLANE_REGION,
    AcceleratorTraffic,
    ArcRoutingControls,
)
from tradedr.infra.stacks.base import _output, sourced_parameter
from tradedr.names import Names, region_code


class TrafficStack(cdk.Stack):
    """ARC routing controls or Global Accelerator, in us-west-2 where their control planes
    live. Only synthesized when `routing.traffic` asks for one of them."""

    def __init__(self, scope: Construct, *, settings: Settings, app_regions: list[str]) -> None:
        names = Names(settings)
        super().__init__(
            scope,
            names.traffic_stack,
            stack_name=names.traffic_stack,
            env=cdk.Environment(region=CONTROL_PLANE_REGION),
            synthesizer=cdk.BootstraplessSynthesizer(),
            description=f"tradedr fast traffic control ({settings.routing.traffic}) for "
            f"{settings.prefix}",
        )
        apply_required_tags(
            self,
            tags={
                **settings.required_tags(settings.primary_region),
                "DisasterRecovery": f"{settings.posture.value}:global",
            },
            name=f"{settings.prefix}-traffic",
        )
        routing = settings.routing
        self.arc: ArcRoutingControls | None = None
        self.accelerator: AcceleratorTraffic | None = None
        if routing.traffic == "arc":
            self.arc = ArcRoutingControls(
                self,
                "Arc",
                cluster_name=names.arc_cluster,
                control_panel_name=names.control_panel,
                routing_control_names={r: names.routing_control(r) for r in app_regions},
            )
            _output(self, "ArcClusterArn", self.arc.cluster.attr_cluster_arn, "ARC cluster")
            _output(
                self,
                "ControlPanelArn",
                self.arc.control_panel.attr_control_panel_arn,
                "ARC control panel",
            )
            for region, control in self.arc.routing_controls.items():
                _output(
                    self,
                    f"RoutingControlArn{region_code(region).upper()}",
                    control.attr_routing_control_arn,
                    f"Routing control of {region}",
                )
        else:
            alb_arns = {
                region: sourced_parameter(
                    self,
                    f"AlbArn{region_code(region).upper()}",
                    source_stack=names.app_stack(region),
                    output="AlbArn",
                    description=f"ALB ARN in {region}",
                ).value_as_string
                for region in app_regions
            }
            serving = (
                app_regions
                if settings.posture is Posture.ACTIVE_ACTIVE
                else [settings.primary_region]
            )
            self.accelerator = AcceleratorTraffic(
                self,
                "Accelerator",
                accelerator_name=names.accelerator,
                alb_arns=alb_arns,
                serving_regions=serving,
                health_check_path=routing.health_check_path,
                health_check_threshold=routing.health_check_failure_threshold,
                health_check_interval_seconds=routing.health_check_interval_seconds,
                https=settings.tls,
            )
            accelerator = self.accelerator.accelerator
            _output(self, "AcceleratorArn", accelerator.accelerator_arn, "Global Accelerator")
            _output(self, "AcceleratorDnsName", accelerator.dns_name, "Accelerator DNS name")
            for region, group in self.accelerator.endpoint_groups.items():
                _output(
                    self,
                    f"EndpointGroupArn{region_code(region).upper()}",
                    group.endpoint_group_arn,
                    f"Endpoint group of {region}",
                )
