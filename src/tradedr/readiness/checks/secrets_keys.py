"""The DB secret and the data key are equivalent across regions.

The secret: the primary's replication status for the standby is `InSync`, and both regions
hold the same `AWSCURRENT` version (a replica keeps the primary's version ids, so equal ids
mean equal values without reading either). The key: enabled in the standby, rotation on in
both, and the same key policy once each region's own name is taken out. Statements scoped
by `kms:ViaService` are left out of the comparison: CDK adds them where a resource is
encrypted with the key (the primary's DB secret), so they differ by design; a change to
any other statement in one region fails the check.
https://docs.aws.amazon.com/secretsmanager/latest/userguide/replicate-secrets.html
"""

from __future__ import annotations

import json
from typing import Any

from tradedr.readiness.model import ReadinessCheck, ReadinessContext, Status, Verdict


def current_version(secret: dict[str, Any]) -> str | None:
    stages: dict[str, list[str]] = secret.get("VersionIdsToStages", {})
    return next((v for v, s in stages.items() if "AWSCURRENT" in s), None)


def _service_grant(statement: Any) -> bool:
    conditions = statement.get("Condition", {}) if isinstance(statement, dict) else {}
    return any(
        "kms:ViaService" in (keys if isinstance(keys, dict) else {}) for keys in conditions.values()
    )


def normalized_policy(text: str, region: str, code: str) -> Any:
    """The policy with the region's name and code replaced, without the per-resource
    `kms:ViaService` grants, statements in a stable order."""
    neutral = text.replace(region, "<region>").replace(code, "<code>")
    policy = json.loads(neutral)
    statements = policy.get("Statement", [])
    if isinstance(statements, dict):
        statements = [statements]
    policy["Statement"] = sorted(
        (s for s in statements if not _service_grant(s)),
        key=lambda s: json.dumps(s, sort_keys=True),
    )
    return policy


class SecretsAndKeysCheck(ReadinessCheck):
    name = "secrets-and-keys"
    summary = "the DB secret and the data key are equivalent across regions"

    def run(self, ctx: ReadinessContext) -> Verdict:
        problems = self.secret(ctx) + self.key(ctx)
        if problems:
            return self.verdict(ctx, Status.FAIL, "; ".join(problems), problems=problems)
        return self.verdict(
            ctx, Status.PASS, f"secret in sync with {ctx.primary}; key policies equivalent"
        )

    def secret(self, ctx: ReadinessContext) -> list[str]:
        name = ctx.facts.db_secret
        primary = ctx.client("secretsmanager", ctx.primary).describe_secret(SecretId=name)
        replica = next(
            (r for r in primary.get("ReplicationStatus", []) if r.get("Region") == ctx.standby),
            None,
        )
        if replica is None:
            return [f"secret {name} is not replicated to {ctx.standby}"]
        problems = []
        if replica.get("Status") != "InSync":
            message = replica.get("StatusMessage") or ""
            problems.append(f"secret replica is {replica.get('Status')} {message}".strip())
        standby = ctx.client("secretsmanager", ctx.standby).describe_secret(SecretId=name)
        if current_version(primary) != current_version(standby):
            problems.append(
                f"secret AWSCURRENT differs: {current_version(primary)} in {ctx.primary}, "
                f"{current_version(standby)} in {ctx.standby}"
            )
        return problems

    def key(self, ctx: ReadinessContext) -> list[str]:
        problems = []
        policies = {}
        for region in (ctx.primary, ctx.standby):
            kms = ctx.client("kms", region)
            alias = ctx.facts.kms_aliases[region]
            metadata = kms.describe_key(KeyId=alias)["KeyMetadata"]
            if metadata.get("KeyState") != "Enabled":
                problems.append(f"key {alias} in {region} is {metadata.get('KeyState')}")
            key_id = metadata["KeyId"]
            if not kms.get_key_rotation_status(KeyId=key_id).get("KeyRotationEnabled"):
                problems.append(f"key {alias} in {region} has rotation off")
            text = kms.get_key_policy(KeyId=key_id, PolicyName="default")["Policy"]
            policies[region] = normalized_policy(text, region, ctx.facts.codes[region])
        if policies[ctx.primary] != policies[ctx.standby]:
            problems.append(f"key policies differ between {ctx.primary} and {ctx.standby}")
        return problems
