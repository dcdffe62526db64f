"""Secrets Manager: secrets and their target attachments, created through the API
(before the stack) and filled in (after it) instead of by moto's CloudFormation."""

from __future__ import annotations

import json
import secrets
import string
from typing import Any

from tradedr.emulator.compat.model import SUBSTITUTED, CompatNote, PreparedStack, SecretSubstitute
from tradedr.emulator.compat.template import _drop_depends_on, _ref, _resources, _rewrite

SECRET_TOKEN = "{{tradedr-compat:secret:%s}}"


def _secrets_via_api(stack: PreparedStack) -> None:
    """moto has no CloudFormation model for AWS::SecretsManager::Secret or
    SecretTargetAttachment (skipped, empty ids), but its Secrets Manager API works. Secrets
    with GenerateSecretString are created through the API just before the stack, and every
    Ref to the secret (or to its attachment, whose Ref is the secret ARN) becomes that ARN."""
    resources = _resources(stack.template)
    attachment_secret: dict[str, str] = {}
    for logical_id, resource in list(resources.items()):
        if resource.get("Type") != "AWS::SecretsManager::Secret":
            continue
        props = resource.get("Properties", {})
        stack.secrets.append(
            SecretSubstitute(
                logical_id=logical_id,
                name=str(props.get("Name") or f"{stack.name}-{logical_id}"),
                kms_key=props.get("KmsKeyId"),
                generate=dict(props.get("GenerateSecretString") or {}),
                description=str(props.get("Description", "")),
                replica_regions=tuple(
                    (
                        str(replica["Region"]),
                        replica["KmsKeyId"] if isinstance(replica.get("KmsKeyId"), str) else None,
                    )
                    for replica in props.get("ReplicaRegions", [])
                    if isinstance(replica.get("Region"), str)
                ),
            )
        )
        del resources[logical_id]
        stack.notes.append(
            CompatNote(
                stack.name,
                stack.region,
                logical_id,
                "AWS::SecretsManager::Secret",
                SUBSTITUTED,
                "created through the Secrets Manager API, with its replica regions "
                "(moto's CloudFormation skips secrets)",
            )
        )
    for logical_id, resource in list(resources.items()):
        if resource.get("Type") != "AWS::SecretsManager::SecretTargetAttachment":
            continue
        props = resource.get("Properties", {})
        secret_ref = _ref(props.get("SecretId", {}) or {})
        secret = next((s for s in stack.secrets if s.logical_id == secret_ref), None)
        if secret_ref and secret is not None:
            attachment_secret[logical_id] = secret_ref
            del resources[logical_id]
            target = _ref(props.get("TargetId", {}) or {})
            if target and props.get("TargetType") == "AWS::RDS::DBInstance":
                stack.attachments.append((secret.name, target))
            stack.notes.append(
                CompatNote(
                    stack.name,
                    stack.region,
                    logical_id,
                    "AWS::SecretsManager::SecretTargetAttachment",
                    SUBSTITUTED,
                    "references resolve to the secret ARN; the DB's host, port and engine "
                    "are written into the secret after the stack (moto skips attachments)",
                )
            )
    names = {s.logical_id for s in stack.secrets}

    def visit(node: dict[str, Any]) -> Any | None:
        ref = _ref(node)
        if ref in names:
            return SECRET_TOKEN % ref
        if ref in attachment_secret:
            return SECRET_TOKEN % attachment_secret[ref]
        return None

    stack.template = _rewrite(stack.template, visit)
    _drop_depends_on(stack.template, names | set(attachment_secret))


def provision_secrets(stack: PreparedStack, provider: Any) -> dict[str, Any]:
    """Create (or find) the substituted secrets and return the template with their ARNs."""
    client = provider.client("secretsmanager", stack.region)
    arns: dict[str, str] = {}
    for secret in stack.secrets:
        try:
            arns[secret.logical_id] = client.describe_secret(SecretId=secret.name)["ARN"]
            continue
        except client.exceptions.ResourceNotFoundException:
            pass
        replicas = [
            {"Region": region, **({"KmsKeyId": key} if key else {})}
            for region, key in secret.replica_regions
        ]
        arns[secret.logical_id] = client.create_secret(
            Name=secret.name,
            Description=secret.description,
            SecretString=_generated_secret(secret.generate),
            **({"AddReplicaRegions": replicas} if replicas else {}),
        )["ARN"]

    def resolve(node: Any) -> Any:
        if isinstance(node, str):
            for logical_id, arn in arns.items():
                node = node.replace(SECRET_TOKEN % logical_id, arn)
            return node
        if isinstance(node, dict):
            return {k: resolve(v) for k, v in node.items()}
        if isinstance(node, list):
            return [resolve(v) for v in node]
        return node

    resolved: dict[str, Any] = resolve(stack.template)
    return resolved


def _generated_secret(spec: dict[str, Any]) -> str:
    """What GenerateSecretString would store: the template JSON plus a random password."""
    excluded = set(str(spec.get("ExcludeCharacters", "")))
    alphabet = [
        c for c in string.ascii_letters + string.digits + "!#$%&*+-.:=?^_" if c not in excluded
    ]
    length = int(spec.get("PasswordLength", 32))
    password = "".join(secrets.choice(alphabet) for _ in range(length))
    template = spec.get("SecretStringTemplate")
    key = spec.get("GenerateStringKey")
    if template and key:
        data = json.loads(template)
        data[key] = password
        return json.dumps(data)
    return password


def apply_attachments(
    stack: PreparedStack, physical_ids: dict[str, str], provider: Any
) -> list[str]:
    """What a SecretTargetAttachment does: add the DB's connection fields to the secret."""
    done: list[str] = []
    for secret_name, target in stack.attachments:
        identifier = physical_ids.get(target)
        if not identifier:
            continue
        db = provider.client("rds", stack.region).describe_db_instances(
            DBInstanceIdentifier=identifier
        )["DBInstances"][0]
        sm = provider.client("secretsmanager", stack.region)
        current = sm.get_secret_value(SecretId=secret_name)["SecretString"]
        try:
            value = json.loads(current)
        except ValueError:
            continue
        endpoint = db.get("Endpoint", {})
        value.update(
            {
                "engine": db.get("Engine"),
                "host": endpoint.get("Address"),
                "port": endpoint.get("Port"),
                "dbInstanceIdentifier": db["DBInstanceIdentifier"],
            }
        )
        sm.put_secret_value(SecretId=secret_name, SecretString=json.dumps(value))
        done.append(f"{secret_name} <- {db['DBInstanceIdentifier']} host and port")
    return done
