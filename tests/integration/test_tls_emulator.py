"""ALBs with certificates on the embedded emulator: the listeners deploy as written (HTTPS
on 443, HTTP on 80 redirecting) with a self-signed substitute certificate, reported as
substituted, and validation checks the listeners without claiming the user's certificate."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from tests.conftest import Synthesized

from tradedr.emulator import compat
from tradedr.emulator.server import emulator_process
from tradedr.names import Names
from tradedr.ops.clients import Boto3ClientProvider
from tradedr.ops.deploy import DeployResult, deploy_all
from tradedr.ops.validate import OK, validate_deployment

pytestmark = pytest.mark.integration

REGIONS = ["us-east-1", "us-west-2"]


@pytest.fixture(scope="module")
def tls_emulator(
    tmp_path_factory: pytest.TempPathFactory, tls_synth: Synthesized
) -> Iterator[tuple[Boto3ClientProvider, DeployResult]]:
    """Its own emulator process: the session's default deployment uses the same names."""
    log = tmp_path_factory.mktemp("tls-emulator") / "emulator.log"
    with emulator_process(log) as url:
        provider = Boto3ClientProvider(endpoint_url=url)
        yield provider, deploy_all(tls_synth.settings, tls_synth.stacks, provider, target="local")


def listeners(provider: Boto3ClientProvider, settings: Any, region: str) -> dict[int, Any]:
    elb = provider.client("elbv2", region)
    [alb] = elb.describe_load_balancers(Names=[Names(settings).alb(region)])["LoadBalancers"]
    found = elb.describe_listeners(LoadBalancerArn=alb["LoadBalancerArn"])["Listeners"]
    return {int(listener["Port"]): listener for listener in found}


def test_tls_stacks_deploy_with_substitute_certificates_reported(
    tls_emulator: tuple[Boto3ClientProvider, DeployResult], tls_synth: Synthesized
) -> None:
    _, deployed = tls_emulator
    assert deployed.ok, deployed.failure
    assert {s.status for s in deployed.stacks} == {"created"}
    notes = [n for n in deployed.substituted if "certificate" in n.detail]
    assert {n.region for n in notes} == set(REGIONS)
    for note in notes:
        assert note.handling == compat.SUBSTITUTED
        assert note.resource_type == "AWS::ElasticLoadBalancingV2::Listener"
        assert tls_synth.settings.certificate_arn(note.region) in note.detail


@pytest.mark.parametrize("region", REGIONS)
def test_listeners_serve_https_and_redirect_http(
    tls_emulator: tuple[Boto3ClientProvider, DeployResult],
    tls_synth: Synthesized,
    region: str,
) -> None:
    provider, _ = tls_emulator
    by_port = listeners(provider, tls_synth.settings, region)
    assert sorted(by_port) == [80, 443]
    https = by_port[443]
    assert https["Protocol"] == "HTTPS"
    [certificate] = https["Certificates"]
    imported = provider.client("acm", region).describe_certificate(
        CertificateArn=certificate["CertificateArn"]
    )["Certificate"]
    assert imported["DomainName"] == compat.EMULATOR_CERTIFICATE_DOMAIN
    [redirect] = by_port[80]["DefaultActions"]
    assert redirect["Type"] == "redirect"
    assert redirect["RedirectConfig"]["Protocol"] == "HTTPS"


def test_validation_checks_the_listeners_and_says_the_certificate_is_a_substitute(
    tls_emulator: tuple[Boto3ClientProvider, DeployResult], tls_synth: Synthesized
) -> None:
    provider, deployed = tls_emulator
    report = validate_deployment(tls_synth.settings, provider, deployed.outputs, target="local")
    tls = [c for c in report.checks if c.name == "alb-tls"]
    assert {c.region for c in tls} == set(REGIONS)
    for check in tls:
        assert check.status == OK, check.detail
        assert "substitute" in check.detail
    # Whether the certificate names the public record cannot be seen on the emulator.
    names = [c for c in report.checks if c.name == "certificate"]
    assert {c.region for c in names} == set(REGIONS)
    assert {c.status for c in names} == {"not-emulated"}
