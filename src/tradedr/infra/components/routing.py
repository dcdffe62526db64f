"""Global routing: hosted zone, a fast health check per region, failover or latency records."""

from __future__ import annotations

from dataclasses import dataclass

from aws_cdk import aws_route53 as route53
from constructs import Construct

from tradedr.infra.components.compliance import acknowledge_lint


@dataclass(frozen=True)
class RegionEndpoint:
    """A region's ALB as the global stack sees it: deploy-time parameter values."""

    region: str
    alb_dns_name: str
    alb_hosted_zone_id: str
    # With ARC, the region's health check follows this routing control instead of HTTP.
    routing_control_arn: str | None = None
    # The ALB serves HTTPS on 443 (a certificate is configured) rather than HTTP on 80.
    https: bool = False


class GlobalRouting(Construct):
    """Health checks on each region's deep health endpoint, and the records that follow them.

    Failover itself needs no call to the Route 53 control plane: the health checks and
    record sets are data-plane decisions once deployed.
    """

    def __init__(
        self,
        scope: Construct,
        construct_id: str,
        *,
        domain_name: str,
        record_name: str,
        primary: RegionEndpoint,
        standbys: list[RegionEndpoint],
        health_check_path: str,
        interval_seconds: int,
        failure_threshold: int,
        active_active: bool,
    ) -> None:
        super().__init__(scope, construct_id)
        self.zone = route53.PublicHostedZone(self, "Zone", zone_name=domain_name)
        self.fqdn = f"{record_name}.{domain_name}"
        self.health_checks: dict[str, route53.CfnHealthCheck] = {}
        for endpoint in [primary, *standbys]:
            if endpoint.routing_control_arn is not None:
                config = route53.CfnHealthCheck.HealthCheckConfigProperty(
                    type="RECOVERY_CONTROL", routing_control_arn=endpoint.routing_control_arn
                )
            else:
                # With TLS the check probes the HTTPS listener itself (port 80 only
                # redirects). Route 53 does not validate the certificate of an HTTPS health
                # check, so the ALB's DNS name not being on the certificate is fine.
                config = route53.CfnHealthCheck.HealthCheckConfigProperty(
                    type="HTTPS" if endpoint.https else "HTTP",
                    fully_qualified_domain_name=endpoint.alb_dns_name,
                    port=443 if endpoint.https else 80,
                    resource_path=health_check_path,
                    request_interval=interval_seconds,
                    failure_threshold=failure_threshold,
                    measure_latency=True,
                )
            self.health_checks[endpoint.region] = route53.CfnHealthCheck(
                self, f"Health-{endpoint.region}", health_check_config=config
            )
        self.records: list[route53.CfnRecordSet] = []
        if active_active:
            for endpoint in [primary, *standbys]:
                self._record(endpoint, self.fqdn, region=endpoint.region)
        else:
            self._record(primary, self.fqdn, failover="PRIMARY")
            if len(standbys) == 1:
                self._record(standbys[0], self.fqdn, failover="SECONDARY")
            elif standbys:
                standby_name = f"standby.{self.fqdn}"
                for endpoint in standbys:
                    self._record(endpoint, standby_name, region=endpoint.region)
                secondary = route53.CfnRecordSet(
                    self,
                    "Record-secondary",
                    hosted_zone_id=self.zone.hosted_zone_id,
                    name=self.fqdn,
                    type="A",
                    set_identifier="secondary",
                    failover="SECONDARY",
                    alias_target=route53.CfnRecordSet.AliasTargetProperty(
                        dns_name=standby_name,
                        hosted_zone_id=self.zone.hosted_zone_id,
                        evaluate_target_health=True,
                    ),
                )
                acknowledge_lint(
                    secondary,
                    rules=["E1041"],
                    reason=(
                        "An alias to a record in the same zone takes that zone's own id; "
                        "cfn-lint's format check expects a service's canonical zone id here."
                    ),
                )
                self.records.append(secondary)

    def _record(
        self,
        endpoint: RegionEndpoint,
        name: str,
        *,
        failover: str | None = None,
        region: str | None = None,
    ) -> None:
        suffix = failover.lower() if failover else f"{name.split('.')[0]}-{endpoint.region}"
        self.records.append(
            route53.CfnRecordSet(
                self,
                f"Record-{suffix}",
                hosted_zone_id=self.zone.hosted_zone_id,
                name=name,
                type="A",
                set_identifier=f"{endpoint.region}",
                failover=failover,
                region=region,
                health_check_id=self.health_checks[endpoint.region].ref,
                alias_target=route53.CfnRecordSet.AliasTargetProperty(
                    dns_name=endpoint.alb_dns_name,
                    hosted_zone_id=endpoint.alb_hosted_zone_id,
                    evaluate_target_health=True,
                ),
            )
        )


class AcceleratorRecord(Construct):
    """With Global Accelerator the public name is one alias to the accelerator: no DNS
    failover and no TTL in the recovery path; the accelerator's own checks decide."""

    def __init__(
        self,
        scope: Construct,
        construct_id: str,
        *,
        domain_name: str,
        record_name: str,
        accelerator_dns_name: str,
        accelerator_zone_id: str,
    ) -> None:
        super().__init__(scope, construct_id)
        self.zone = route53.PublicHostedZone(self, "Zone", zone_name=domain_name)
        self.fqdn = f"{record_name}.{domain_name}"
        self.health_checks: dict[str, route53.CfnHealthCheck] = {}
        self.record = route53.CfnRecordSet(
            self,
            "Record",
            hosted_zone_id=self.zone.hosted_zone_id,
            name=self.fqdn,
            type="A",
            alias_target=route53.CfnRecordSet.AliasTargetProperty(
                dns_name=accelerator_dns_name,
                hosted_zone_id=accelerator_zone_id,
                evaluate_target_health=True,
            ),
        )
