"""The global stack: Route 53 zone, health checks and records (or the accelerator's alias)."""

from __future__ import annotations

import aws_cdk as cdk
from constructs import Construct

from tradedr.config import Posture, Settings
from tradedr.infra.components.routing import AcceleratorRecord, GlobalRouting, RegionEndpoint
from tradedr.infra.components.tagging import apply_required_tags
from tradedr.infra.components.traffic import GLOBAL_ACCELERATOR_ZONE_ID
from tradedr.infra.stacks.base import _output, sourced_parameter
from tradedr.names import Names, region_code


class GlobalStack(cdk.Stack):
    """Route 53 zone, health checks and records. ALBs, routing controls and the accelerator
    arrive as deploy-time parameters filled from other stacks' outputs, not references."""

    def __init__(self, scope: Construct, *, settings: Settings, app_regions: list[str]) -> None:
        names = Names(settings)
        super().__init__(
            scope,
            names.global_stack,
            stack_name=names.global_stack,
            env=cdk.Environment(region=settings.primary_region),
            synthesizer=cdk.BootstraplessSynthesizer(),
            description=f"tradedr global routing for {settings.prefix}",
        )
        apply_required_tags(
            self,
            tags={
                **settings.required_tags(settings.primary_region),
                "DisasterRecovery": f"{settings.posture.value}:global",
            },
            name=f"{settings.prefix}-global",
        )
        routing = settings.routing
        if routing.traffic == "global-accelerator":
            dns = sourced_parameter(
                self,
                "AcceleratorDnsName",
                source_stack=names.traffic_stack,
                output="AcceleratorDnsName",
                description="Global Accelerator DNS name",
            )
            self.routing: GlobalRouting | AcceleratorRecord = AcceleratorRecord(
                self,
                "Routing",
                domain_name=routing.domain_name,
                record_name=routing.record_name,
                accelerator_dns_name=dns.value_as_string,
                accelerator_zone_id=GLOBAL_ACCELERATOR_ZONE_ID,
            )
        else:
            endpoints = {
                r: self._endpoint(names, r, routing.traffic, https=settings.tls)
                for r in app_regions
            }
            self.routing = GlobalRouting(
                self,
                "Routing",
                domain_name=routing.domain_name,
                record_name=routing.record_name,
                primary=endpoints[settings.primary_region],
                standbys=[endpoints[r] for r in app_regions if r != settings.primary_region],
                health_check_path=routing.health_check_path,
                interval_seconds=routing.health_check_interval_seconds,
                failure_threshold=routing.health_check_failure_threshold,
                active_active=settings.posture is Posture.ACTIVE_ACTIVE,
            )
        _output(self, "HostedZoneId", self.routing.zone.hosted_zone_id, "Public hosted zone")
        _output(self, "RecordName", self.routing.fqdn, "Name clients resolve")
        for region, check in self.routing.health_checks.items():
            _output(
                self,
                f"HealthCheck{region_code(region).upper()}",
                check.ref,
                f"Health check of {region}",
            )

    def _endpoint(self, names: Names, region: str, traffic: str, *, https: bool) -> RegionEndpoint:
        code = region_code(region).upper()
        app_stack = names.app_stack(region)
        dns = sourced_parameter(
            self,
            f"AlbDns{code}",
            source_stack=app_stack,
            output="AlbDnsName",
            description=f"ALB DNS name in {region}",
        )
        zone = sourced_parameter(
            self,
            f"AlbZone{code}",
            source_stack=app_stack,
            output="AlbHostedZoneId",
            description=f"ALB canonical hosted zone id in {region}",
        )
        control_arn = None
        if traffic == "arc":
            control_arn = sourced_parameter(
                self,
                f"RoutingControlArn{code}",
                source_stack=names.traffic_stack,
                output=f"RoutingControlArn{code}",
                description=f"ARC routing control of {region}",
            ).value_as_string
        return RegionEndpoint(
            region, dns.value_as_string, zone.value_as_string, control_arn, https=https
        )
