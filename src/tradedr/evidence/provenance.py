"""Who ran a plan, against which version of the deployment, and with which signing key.

Gathered once when a run starts (and again when it resumes) and stamped on every journal
entry: the operator (STS GetCallerIdentity on AWS, the local user on the emulator, where
STS answers for a fake account), the SHA-256 of the effective config and the SHA-256 of
each deployed template (CloudFormation GetTemplate in the regions the run may call). None
of it may stop a failover: what cannot be read is recorded as such.
"""

from __future__ import annotations

import getpass
import hashlib
import json
import os
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from tradedr.evidence.chain import KEY_ENV, SECRET_ENV, Signer

if TYPE_CHECKING:
    from tradedr.config import Settings
    from tradedr.ops.clients import ClientProvider


def canonical_hash(value: Any) -> str:
    """SHA-256 of canonical JSON (sorted keys, no spaces): equal data, equal hash."""
    text = json.dumps(value, sort_keys=True, separators=(",", ":"), default=str)
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def config_hash(settings: Settings) -> str:
    """The effective config (every default filled in), so an unchanged file that a new
    tradedr reads differently still changes the hash."""
    return canonical_hash(settings.model_dump(mode="json"))


def template_hash(body: Any) -> str:
    """A template as CloudFormation returns it (boto3 parses JSON bodies into dicts)."""
    if isinstance(body, str):
        try:
            body = json.loads(body)
        except ValueError:
            return hashlib.sha256(body.encode("utf-8")).hexdigest()
    return canonical_hash(body)


@dataclass(frozen=True)
class Operator:
    """Who acted: `id` is what every entry carries (an ARN, or local:<user>)."""

    id: str
    source: str
    account: str | None = None
    user_id: str | None = None
    detail: str = ""


@dataclass(frozen=True)
class Provenance:
    operator: Operator
    config_hash: str
    templates: dict[str, str] = field(default_factory=dict)
    signer: Signer | None = None
    warnings: tuple[str, ...] = ()

    @property
    def templates_hash(self) -> str:
        return canonical_hash(self.templates)

    def stamp(self) -> dict[str, Any]:
        """What every entry carries: operator, config hash, hash of the template hashes."""
        return {
            "operator": self.operator.id,
            "config_hash": self.config_hash,
            "templates_hash": self.templates_hash,
        }

    def run_start(self) -> dict[str, Any]:
        """What run-start carries besides: the operator in full and each template's hash."""
        return {
            "provenance": {
                "operator": {
                    "id": self.operator.id,
                    "source": self.operator.source,
                    "account": self.operator.account,
                    "user_id": self.operator.user_id,
                    "detail": self.operator.detail,
                },
                "config_hash": self.config_hash,
                "templates": self.templates,
                "signed_by": self.signer.source if self.signer else None,
                "warnings": list(self.warnings),
            }
        }


def operator_identity(provider: ClientProvider, target: str, region: str) -> Operator:
    """STS GetCallerIdentity in `region` (a regional endpoint: the global one lives in
    us-east-1, which may be the region that is lost) on AWS; the local user on the emulator."""
    if target == "local":
        user = _local_user()
        return Operator(f"local:{user}", "local-user", detail="the emulator has no real identities")
    try:
        found = provider.client("sts", region).get_caller_identity()
    except Exception as exc:  # never stop a failover for its evidence
        return Operator("unknown", "sts", detail=f"GetCallerIdentity failed: {_short(exc)}")
    return Operator(
        str(found.get("Arn", "unknown")),
        "sts",
        account=found.get("Account"),
        user_id=found.get("UserId"),
    )


def _local_user() -> str:
    try:
        return getpass.getuser()
    except (KeyError, OSError):
        return f"uid-{os.getuid()}"


def deployed_templates(
    provider: ClientProvider, prefix: str, regions: list[str]
) -> tuple[dict[str, str], list[str]]:
    """stack -> SHA-256 of its deployed template, for the deployment's stacks in `regions`."""
    hashes: dict[str, str] = {}
    problems: list[str] = []
    for region in regions:
        try:
            client = provider.client("cloudformation", region)
            stacks = []
            for page in client.get_paginator("describe_stacks").paginate():
                stacks += [
                    s["StackName"]
                    for s in page.get("Stacks", [])
                    if str(s["StackName"]).startswith(f"{prefix}-")
                    and s.get("StackStatus") != "DELETE_COMPLETE"
                ]
            for name in sorted(stacks):
                body = client.get_template(StackName=name, TemplateStage="Original")
                hashes[f"{region}/{name}"] = template_hash(body.get("TemplateBody"))
        except Exception as exc:  # an unreachable region is recorded, not fatal
            problems.append(f"templates in {region} not read: {_short(exc)}")
    return hashes, problems


def signer_from_env(provider: ClientProvider | None, region: str) -> tuple[Signer | None, str]:
    """The HMAC key: TRADEDR_EVIDENCE_HMAC_KEY, else the Secrets Manager secret named by
    TRADEDR_EVIDENCE_HMAC_SECRET (read in the region of its ARN, else `region`). (signer,
    problem) - a configured key that cannot be read is a problem, not a stop."""
    key = os.environ.get(KEY_ENV)
    if key:
        return Signer(key.encode("utf-8"), f"env:{KEY_ENV}"), ""
    secret = os.environ.get(SECRET_ENV)
    if not secret:
        return None, ""
    if provider is None:
        return None, f"{SECRET_ENV} is set but no AWS client is available to read it"
    return signer_from_secret(provider, secret, region)


def signer_from_secret(
    provider: ClientProvider, secret_id: str, region: str
) -> tuple[Signer | None, str]:
    parts = secret_id.split(":")
    where = parts[3] if secret_id.startswith("arn:") and len(parts) > 3 else region
    try:
        found = provider.client("secretsmanager", where).get_secret_value(SecretId=secret_id)
    except Exception as exc:
        return None, f"HMAC key secret {secret_id} not read: {_short(exc)}; the head is unsigned"
    material = found.get("SecretString")
    data = material.encode("utf-8") if isinstance(material, str) else found.get("SecretBinary")
    if not data:
        return None, f"HMAC key secret {secret_id} is empty; the head is unsigned"
    return Signer(bytes(data), f"secretsmanager:{secret_id}"), ""


def gather(
    settings: Settings, provider: ClientProvider, *, target: str, region: str, regions: list[str]
) -> Provenance:
    """Everything a run's journal stamps: the operator as `region` (the plan's target) sees
    it, the templates of the regions the run may call."""
    operator = operator_identity(provider, target, region)
    templates, problems = deployed_templates(provider, settings.prefix, regions)
    signer, problem = signer_from_env(provider, region)
    warnings = [*problems, *([problem] if problem else [])]
    return Provenance(operator, config_hash(settings), templates, signer, tuple(warnings))


def _short(exc: BaseException) -> str:
    text = str(exc).strip().splitlines()
    return f"{type(exc).__name__}: {text[0] if text else ''}"[:200]
