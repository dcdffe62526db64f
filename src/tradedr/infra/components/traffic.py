"""Fast traffic shifting: Route 53 ARC routing controls, or Global Accelerator.

Both live in a stack in us-west-2, the home of their control planes. Failover itself does
not need those control planes: ARC routing-control state is changed through the cluster's
five regional data-plane endpoints, and the accelerator's health checks shift traffic on
their own (the traffic dial only makes a planned move explicit).
"""

from __future__ import annotations

import aws_cdk as cdk
from aws_cdk import aws_globalaccelerator as ga
from aws_cdk import aws_route53recoverycontrol as arc
from constructs import Construct

CONTROL_PLANE_REGION = "us-west-2"
# Route 53 alias target hosted zone of every Global Accelerator DNS name.
GLOBAL_ACCELERATOR_ZONE_ID = "Z2BJ6XQ5FK7U4H"


class ArcRoutingControls(Construct):
    """Cluster, control panel, one routing control per region, and a safety rule that keeps
    at least one region on, so a mistaken command cannot black-hole all traffic."""

    def __init__(
        self,
        scope: Construct,
        construct_id: str,
        *,
        cluster_name: str,
        control_panel_name: str,
        routing_control_names: dict[str, str],
        safety_wait_ms: int = 5000,
    ) -> None:
        super().__init__(scope, construct_id)
        self.cluster = arc.CfnCluster(self, "Cluster", name=cluster_name)
        self.control_panel = arc.CfnControlPanel(
            self, "Panel", name=control_panel_name, cluster_arn=self.cluster.attr_cluster_arn
        )
        self.routing_controls: dict[str, arc.CfnRoutingControl] = {}
        for region, name in routing_control_names.items():
            self.routing_controls[region] = arc.CfnRoutingControl(
                self,
                f"Control-{region}",
                name=name,
                cluster_arn=self.cluster.attr_cluster_arn,
                control_panel_arn=self.control_panel.attr_control_panel_arn,
            )
        self.safety_rule = arc.CfnSafetyRule(
            self,
            "AtLeastOneRegionOn",
            name="at-least-one-region-on",
            control_panel_arn=self.control_panel.attr_control_panel_arn,
            rule_config=arc.CfnSafetyRule.RuleConfigProperty(
                type="ATLEAST", threshold=1, inverted=False
            ),
            assertion_rule=arc.CfnSafetyRule.AssertionRuleProperty(
                asserted_controls=[
                    c.attr_routing_control_arn for c in self.routing_controls.values()
                ],
                wait_period_ms=safety_wait_ms,
            ),
        )


class AcceleratorTraffic(Construct):
    """An accelerator with one endpoint group per region (its ALB), health-checked at the
    routing's interval (10 or 30 s, both of which the accelerator accepts) on the deep
    health path, over HTTPS on 443 when the ALBs serve TLS; the standby's dial starts at 0
    unless it serves."""

    def __init__(
        self,
        scope: Construct,
        construct_id: str,
        *,
        accelerator_name: str,
        alb_arns: dict[str, str],
        serving_regions: list[str],
        health_check_path: str,
        health_check_threshold: int,
        health_check_interval_seconds: int = 10,
        https: bool = False,
    ) -> None:
        super().__init__(scope, construct_id)
        self.accelerator = ga.Accelerator(
            self, "Accelerator", accelerator_name=accelerator_name, enabled=True
        )
        self.listener = self.accelerator.add_listener(
            "Web",
            port_ranges=[ga.PortRange(from_port=80), ga.PortRange(from_port=443)],
            protocol=ga.ConnectionProtocol.TCP,
            client_affinity=ga.ClientAffinity.NONE,
        )
        self.endpoint_groups: dict[str, ga.EndpointGroup] = {}
        for region, alb_arn in alb_arns.items():
            self.endpoint_groups[region] = self.listener.add_endpoint_group(
                f"Group-{region}",
                region=region,
                endpoints=[ga.RawEndpoint(endpoint_id=alb_arn, weight=128)],
                health_check_interval=cdk.Duration.seconds(health_check_interval_seconds),
                health_check_path=health_check_path,
                # The same protocol and port the ALB serves: with TLS, 80 only redirects.
                health_check_port=443 if https else 80,
                health_check_protocol=(
                    ga.HealthCheckProtocol.HTTPS if https else ga.HealthCheckProtocol.HTTP
                ),
                health_check_threshold=health_check_threshold,
                traffic_dial_percentage=100 if region in serving_regions else 0,
            )
