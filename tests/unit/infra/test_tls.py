"""TLS on the public ALBs (PCI DSS 4.1), opt-in by `regions.<r>.certificate_arn`.

With certificates: HTTPS:443 serves with the region's certificate and a TLS 1.2+ policy,
HTTP:80 only redirects, and every health check follows to HTTPS:443. Without: plain HTTP
on 80, as before.
"""

from __future__ import annotations

from typing import Any

import pytest

from tests.conftest import Synthesized, certificate_arn
from tests.unit.infra.components.test_autofailover import the_detector

LISTENER = "AWS::ElasticLoadBalancingV2::Listener"
TLS12_PLUS_POLICY = "ELBSecurityPolicy-TLS13-1-2-2021-06"


def listeners(synth: Synthesized, region: str) -> dict[int, dict[str, Any]]:
    """The app stack's listeners by port."""
    found = synth.resources(synth.name("app", region), LISTENER).values()
    return {res["Properties"]["Port"]: res["Properties"] for res in found}


def target_group_ref(synth: Synthesized, region: str) -> dict[str, str]:
    [logical] = synth.resources(
        synth.name("app", region), "AWS::ElasticLoadBalancingV2::TargetGroup"
    )
    return {"Ref": logical}


REGIONS = ["us-east-1", "us-west-2"]


@pytest.mark.parametrize("region", REGIONS)
def test_https_listener_serves_with_the_regions_certificate(
    tls_synth: Synthesized, region: str
) -> None:
    https = listeners(tls_synth, region)[443]
    assert https["Protocol"] == "HTTPS"
    assert https["Certificates"] == [{"CertificateArn": certificate_arn(region)}]
    assert https["SslPolicy"] == TLS12_PLUS_POLICY
    assert https["DefaultActions"] == [
        {"Type": "forward", "TargetGroupArn": target_group_ref(tls_synth, region)}
    ]


@pytest.mark.parametrize("region", REGIONS)
def test_http_listener_only_redirects_permanently(tls_synth: Synthesized, region: str) -> None:
    by_port = listeners(tls_synth, region)
    assert sorted(by_port) == [80, 443]
    http = by_port[80]
    assert http["Protocol"] == "HTTP"
    assert "Certificates" not in http
    [action] = http["DefaultActions"]
    assert action["Type"] == "redirect"
    assert action["RedirectConfig"] == {
        "Protocol": "HTTPS",
        "Port": "443",
        "StatusCode": "HTTP_301",
    }


@pytest.mark.parametrize("region", REGIONS)
def test_without_certificate_one_plain_http_listener(
    default_synth: Synthesized, region: str
) -> None:
    by_port = listeners(default_synth, region)
    assert list(by_port) == [80]
    assert by_port[80]["Protocol"] == "HTTP"
    assert by_port[80]["DefaultActions"][0]["Type"] == "forward"
    assert "Certificates" not in by_port[80]


@pytest.mark.parametrize("region", REGIONS)
def test_target_group_stays_http_inside_the_vpc(tls_synth: Synthesized, region: str) -> None:
    group = tls_synth.one(tls_synth.name("app", region), "AWS::ElasticLoadBalancingV2::TargetGroup")
    assert (group["Protocol"], group["Port"]) == ("HTTP", 80)


def health_check_configs(synth: Synthesized) -> list[dict[str, Any]]:
    return [
        res["Properties"]["HealthCheckConfig"]
        for res in synth.resources(synth.name("global"), "AWS::Route53::HealthCheck").values()
    ]


def test_route53_health_checks_probe_https_443(tls_synth: Synthesized) -> None:
    configs = health_check_configs(tls_synth)
    assert len(configs) == 2
    for config in configs:
        assert (config["Type"], config["Port"]) == ("HTTPS", 443)
        assert config["ResourcePath"] == "/health"


def test_route53_health_checks_stay_http_80_without_certificates(
    default_synth: Synthesized,
) -> None:
    configs = health_check_configs(default_synth)
    assert configs
    assert {(c["Type"], c["Port"]) for c in configs} == {("HTTP", 80)}


def endpoint_group_checks(synth: Synthesized) -> dict[str, tuple[str, int]]:
    groups = synth.all_resources("AWS::GlobalAccelerator::EndpointGroup")
    return {
        res["Properties"]["EndpointGroupRegion"]: (
            res["Properties"]["HealthCheckProtocol"],
            res["Properties"]["HealthCheckPort"],
        )
        for _, _, res in groups
    }


def test_accelerator_health_checks_follow_the_listener(
    tls_fast_synth: Synthesized, fast_ga_synth: Synthesized
) -> None:
    assert endpoint_group_checks(tls_fast_synth) == dict.fromkeys(REGIONS, ("HTTPS", 443))
    assert endpoint_group_checks(fast_ga_synth) == dict.fromkeys(REGIONS, ("HTTP", 80))


def test_detector_probes_the_primary_over_https(tls_fast_synth: Synthesized) -> None:
    _, _, function = the_detector(tls_fast_synth)
    url = function["Properties"]["Environment"]["Variables"]["PRIMARY_HEALTH_URL"]
    assert url == {"Fn::Join": ["", ["https://", {"Ref": "PrimaryAlbDnsName"}, "/health"]]}


def detector_egress_ports(synth: Synthesized) -> set[int]:
    stack, _, function = the_detector(synth)
    [group_id] = function["Properties"]["VpcConfig"]["SecurityGroupIds"]
    logical = group_id["Fn::GetAtt"][0]
    group = synth.template(stack)["Resources"][logical]["Properties"]
    return {rule["FromPort"] for rule in group["SecurityGroupEgress"]}


def test_detector_egress_is_https_only_with_tls(
    tls_fast_synth: Synthesized, fast_ga_synth: Synthesized
) -> None:
    assert detector_egress_ports(tls_fast_synth) == {443}
    assert detector_egress_ports(fast_ga_synth) == {80, 443}
