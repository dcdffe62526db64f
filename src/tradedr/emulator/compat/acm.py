"""ACM: HTTPS listeners get a self-signed certificate imported into the emulator's ACM."""

from __future__ import annotations

import json
from typing import Any

from tradedr.emulator.compat.model import SUBSTITUTED, CompatNote, PreparedStack
from tradedr.emulator.compat.template import _resources

CERTIFICATE_TOKEN = "{{tradedr-compat:certificate:%s}}"
# The self-signed certificate imported into the emulator's ACM in place of the user's ones.
EMULATOR_CERTIFICATE_DOMAIN = "tradedr-emulator.invalid"


def _listener_certificates(stack: PreparedStack) -> None:
    """moto's CreateListener needs the certificate in its own ACM, which never holds the
    user's ACM certificates. The HTTPS listener gets a self-signed certificate that the
    deployer imports into the emulator's ACM just before the stack (substituted): listener,
    policy and redirect deploy as written; no TLS handshake is exercised."""
    for logical_id, resource in _resources(stack.template).items():
        if resource.get("Type") != "AWS::ElasticLoadBalancingV2::Listener":
            continue
        for certificate in resource.get("Properties", {}).get("Certificates") or []:
            arn = certificate.get("CertificateArn")
            if not isinstance(arn, str):
                continue
            stack.certificates.append((logical_id, arn))
            certificate["CertificateArn"] = CERTIFICATE_TOKEN % stack.region
            stack.notes.append(
                CompatNote(
                    stack.name,
                    stack.region,
                    logical_id,
                    str(resource["Type"]),
                    SUBSTITUTED,
                    f"certificate {arn} replaced by a self-signed emulator certificate "
                    "(moto's ACM holds none of yours); TLS is not exercised",
                )
            )


def provision_certificates(
    stack: PreparedStack, provider: Any, template: dict[str, Any]
) -> dict[str, Any]:
    """Import (once per region) the self-signed emulator certificate into the emulator's
    ACM and return `template` with the listeners pointing at it."""
    client = provider.client("acm", stack.region)
    found = [
        c["CertificateArn"]
        for c in client.list_certificates()["CertificateSummaryList"]
        if c.get("DomainName") == EMULATOR_CERTIFICATE_DOMAIN
    ]
    if found:
        arn = str(found[0])
    else:
        certificate, private_key = self_signed_certificate(EMULATOR_CERTIFICATE_DOMAIN)
        arn = str(
            client.import_certificate(Certificate=certificate, PrivateKey=private_key)[
                "CertificateArn"
            ]
        )
    text = json.dumps(template).replace(CERTIFICATE_TOKEN % stack.region, arn)
    resolved: dict[str, Any] = json.loads(text)
    return resolved


def self_signed_certificate(domain: str) -> tuple[bytes, bytes]:
    """A PEM certificate and key for `domain`, valid for a year (cryptography ships with
    moto, whose ACM parses what it imports)."""
    import datetime

    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.x509.oid import NameOID

    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, domain)])
    now = datetime.datetime.now(datetime.UTC)
    certificate = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - datetime.timedelta(days=1))
        .not_valid_after(now + datetime.timedelta(days=365))
        .add_extension(x509.SubjectAlternativeName([x509.DNSName(domain)]), critical=False)
        .sign(key, hashes.SHA256())
    )
    return (
        certificate.public_bytes(serialization.Encoding.PEM),
        key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        ),
    )
