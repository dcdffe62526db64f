"""Template transforms that only the embedded emulator (moto 5.2.5) needs.

Never applied for `--target aws`: real CloudFormation deploys the synthesized templates as
they are. Each transform names the moto limitation it works around. They work by resource
type and property, not by logical id, so new resources in the stacks need no new code
unless they hit a new limitation.

What moto can deploy is detected from moto's own CloudFormation model registry (the same
one its CloudFormation backend dispatches on), not from a hand-kept list. Every resource
the emulator cannot create is reported as a `CompatNote`: "not emulated" when moto skips
it (it still lists it as CREATE_COMPLETE, with an empty physical id), "substituted" when a
transform stands in an emulatable equivalent.
"""

from __future__ import annotations

import copy
import json
import re
import secrets
import string
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from functools import cache
from typing import Any

from tradedr.infra.synth import StackTemplate

NOT_EMULATED = "not emulated"
SUBSTITUTED = "substituted"
PLACEHOLDER_PREFIX = "not-emulated:"
# Outputs this module adds so moto resolves intrinsics for a post-deploy API call.
COMPAT_OUTPUT_PREFIX = "TradedrCompat"
SECRET_TOKEN = "{{tradedr-compat:secret:%s}}"
CERTIFICATE_TOKEN = "{{tradedr-compat:certificate:%s}}"
# The self-signed certificate imported into the emulator's ACM in place of the user's ones.
EMULATOR_CERTIFICATE_DOMAIN = "tradedr-emulator.invalid"

# moto executes a change set without the backend's exports (Fn::ImportValue fails), and
# computes no outputs or exports for a stack created from one; the deployer uses
# CreateStack/UpdateStack on the emulator, and change sets on AWS.
CHANGE_SETS_WORK = False


@dataclass(frozen=True)
class CompatNote:
    """A resource the emulator does not create as the template says, and what we did."""

    stack: str
    region: str
    logical_id: str
    resource_type: str
    handling: str  # NOT_EMULATED or SUBSTITUTED
    detail: str

    def to_dict(self) -> dict[str, str]:
        return {
            "stack": self.stack,
            "region": self.region,
            "logical_id": self.logical_id,
            "type": self.resource_type,
            "handling": self.handling,
            "detail": self.detail,
        }


@dataclass(frozen=True)
class SecretSubstitute:
    """A Secrets Manager secret created through the API before its stack (see below)."""

    logical_id: str
    name: str
    kms_key: Any
    generate: dict[str, Any]
    description: str = ""
    replica_regions: tuple[tuple[str, str | None], ...] = ()


@dataclass(frozen=True)
class PropertyApplication:
    """A property moto ignores on deploy, applied through the service API afterwards."""

    logical_id: str
    resource_type: str
    prop: str
    output_key: str


@dataclass
class PreparedStack:
    """One stack's template after the emulator transforms, and what they changed."""

    name: str
    region: str
    template: dict[str, Any]
    notes: list[CompatNote] = field(default_factory=list)
    secrets: list[SecretSubstitute] = field(default_factory=list)
    applications: list[PropertyApplication] = field(default_factory=list)
    attachments: list[tuple[str, str]] = field(default_factory=list)  # (secret name, DB id)
    certificates: list[tuple[str, str]] = field(default_factory=list)  # (listener, ACM ARN)
    dropped_exports: list[str] = field(default_factory=list)


# --- what moto can create ---------------------------------------------------------------


@cache
def emulated_types() -> frozenset[str]:
    """Resource types moto's CloudFormation backend can create (its model registry)."""
    from moto.cloudformation.parsing import get_model_map

    return frozenset(get_model_map())


def is_emulated(resource_type: str) -> bool:
    return resource_type in emulated_types() or resource_type.startswith("Custom::")


# --- template walking -------------------------------------------------------------------


def _rewrite(node: Any, visit: Callable[[dict[str, Any]], Any | None]) -> Any:
    """Depth-first rewrite: `visit` returns a replacement for a dict node, or None."""
    if isinstance(node, dict):
        replacement = visit(node)
        if replacement is not None:
            return replacement
        return {key: _rewrite(value, visit) for key, value in node.items()}
    if isinstance(node, list):
        return [_rewrite(item, visit) for item in node]
    return node


def _contains(node: Any, needle: str) -> bool:
    if isinstance(node, str):
        return needle in node
    if isinstance(node, dict):
        return any(_contains(v, needle) for v in node.values())
    if isinstance(node, list):
        return any(_contains(v, needle) for v in node)
    return False


def _getatt(node: dict[str, Any]) -> tuple[str, str] | None:
    value = node.get("Fn::GetAtt") if len(node) == 1 else None
    if isinstance(value, list) and len(value) == 2:
        return str(value[0]), str(value[1])
    if isinstance(value, str) and "." in value:
        logical, attr = value.split(".", 1)
        return logical, attr
    return None


def _ref(node: dict[str, Any]) -> str | None:
    value = node.get("Ref") if len(node) == 1 else None
    return value if isinstance(value, str) else None


def _resources(template: dict[str, Any]) -> dict[str, dict[str, Any]]:
    resources: dict[str, dict[str, Any]] = template.setdefault("Resources", {})
    return resources


# --- transforms -------------------------------------------------------------------------


def _global_tables_to_tables(stacks: dict[str, PreparedStack], kinds: dict[str, str]) -> None:
    """moto has no AWS::DynamoDB::GlobalTable model (skipped with a warning) and no
    global-table replication. The operations need the sessions table in every region, so
    each replica becomes a plain AWS::DynamoDB::Table: the one in the owning region replaces
    the global table in place (same logical id, so GetAtt Arn/StreamArn keep working), the
    others are added to the data stack of their region. No replication between them."""
    data_stack_of = {
        stack.region: stack for name, stack in stacks.items() if kinds.get(name) == "data"
    }
    for stack in stacks.values():
        for logical_id, resource in list(_resources(stack.template).items()):
            if resource.get("Type") != "AWS::DynamoDB::GlobalTable":
                continue
            props = resource.get("Properties", {})
            for replica in props.get("Replicas", []):
                region = replica.get("Region")
                table = _table_from_global(props, replica)
                target = stack if region == stack.region else data_stack_of.get(region)
                if target is None:
                    continue
                table_resource = {
                    "Type": "AWS::DynamoDB::Table",
                    "Properties": table,
                    "DeletionPolicy": resource.get("DeletionPolicy", "Retain"),
                    "UpdateReplacePolicy": resource.get("UpdateReplacePolicy", "Retain"),
                }
                replica_id = logical_id if target is stack else f"{logical_id}Replica"
                _resources(target.template)[replica_id] = table_resource
                target.notes.append(
                    CompatNote(
                        target.name,
                        target.region,
                        replica_id,
                        "AWS::DynamoDB::GlobalTable",
                        SUBSTITUTED,
                        f"replica in {region} deployed as a plain AWS::DynamoDB::Table "
                        "(moto has no global tables); items are not replicated",
                    )
                )


def _table_from_global(props: dict[str, Any], replica: dict[str, Any]) -> dict[str, Any]:
    table: dict[str, Any] = {
        key: copy.deepcopy(props[key])
        for key in (
            "TableName",
            "AttributeDefinitions",
            "KeySchema",
            "BillingMode",
            "StreamSpecification",
            "TimeToLiveSpecification",
            "GlobalSecondaryIndexes",
            "LocalSecondaryIndexes",
        )
        if key in props
    }
    for key in ("PointInTimeRecoverySpecification", "DeletionProtectionEnabled", "Tags"):
        if key in replica:
            table[key] = copy.deepcopy(replica[key])
    sse = props.get("SSESpecification")
    if sse:
        table["SSESpecification"] = {
            "SSEEnabled": sse.get("SSEEnabled", True),
            "SSEType": sse.get("SSEType", "KMS"),
            **(
                {"KMSMasterKeyId": replica["SSESpecification"]["KMSMasterKeyId"]}
                if "KMSMasterKeyId" in replica.get("SSESpecification", {})
                else {}
            ),
        }
    if "WriteProvisionedThroughputSettings" in props:
        # Global tables take autoscaled write capacity; a table needs fixed numbers.
        table["ProvisionedThroughput"] = {"ReadCapacityUnits": 5, "WriteCapacityUnits": 5}
    return table


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


# Attributes moto's models list but do not implement (GetAtt returns nothing, so the
# property silently disappears), rewritten from what moto does implement.
# moto's DescribeLoadBalancers reports this zone id for every ALB; the template agrees.
MOTO_ALB_HOSTED_ZONE = "Z2P70J7EXAMPLE"

UNIMPLEMENTED_ATTRIBUTES: dict[tuple[str, str], Callable[[str], Any]] = {
    # moto: "HealthCheckId" GetAtt not implemented; Ref of a health check is its id.
    ("AWS::Route53::HealthCheck", "HealthCheckId"): lambda lid: {"Ref": lid},
    # moto: TargetGroupFullName not implemented; it is the ARN's "targetgroup/name/id".
    ("AWS::ElasticLoadBalancingV2::TargetGroup", "TargetGroupFullName"): lambda lid: {
        "Fn::Join": ["/", ["targetgroup", *_selects(lid, (1, 2))]]
    },
    # moto: LoadBalancerFullName not implemented; it is the ARN's "app/name/id".
    ("AWS::ElasticLoadBalancingV2::LoadBalancer", "LoadBalancerFullName"): lambda lid: {
        "Fn::Join": ["/", _selects(lid, (1, 2, 3))]
    },
    # moto: DBInstance has no DBInstanceArn attribute; Ref of an instance is its identifier.
    ("AWS::RDS::DBInstance", "DBInstanceArn"): lambda lid: {
        "Fn::Sub": f"arn:${{AWS::Partition}}:rds:${{AWS::Region}}:${{AWS::AccountId}}:db:${{{lid}}}"
    },
    # moto: CanonicalHostedZoneID not implemented.
    ("AWS::ElasticLoadBalancingV2::LoadBalancer", "CanonicalHostedZoneID"): lambda lid: (
        MOTO_ALB_HOSTED_ZONE
    ),
}


def _model_has_attribute(resource_type: str, attr: str) -> bool:
    """Whether moto's model of an emulated type answers GetAtt `attr`."""
    from moto.cloudformation.parsing import get_model_map

    model = get_model_map().get(resource_type)
    return model is None or bool(model.has_cfn_attr(attr))


def _selects(logical_id: str, indexes: Iterable[int]) -> list[Any]:
    split = {"Fn::Split": ["/", {"Ref": logical_id}]}
    return [{"Fn::Select": [i, split]} for i in indexes]


def _unimplemented_attributes(stack: PreparedStack) -> None:
    resources = _resources(stack.template)

    def visit(node: dict[str, Any]) -> Any | None:
        found = _getatt(node)
        if not found:
            return None
        logical_id, attr = found
        resource_type = resources.get(logical_id, {}).get("Type", "")
        rewrite = UNIMPLEMENTED_ATTRIBUTES.get((resource_type, attr))
        if rewrite:
            return rewrite(logical_id)
        if is_emulated(resource_type) and not _model_has_attribute(resource_type, attr):
            # moto rejects the whole stack for an attribute its model lacks; anything
            # reading it gets a visible placeholder instead, and the gap is reported.
            missing.add((logical_id, resource_type, attr))
            return f"{PLACEHOLDER_PREFIX}{logical_id}.{attr}"
        return None

    missing: set[tuple[str, str, str]] = set()
    stack.template = _rewrite(stack.template, visit)
    for logical_id, resource_type, attr in sorted(missing):
        stack.notes.append(
            CompatNote(
                stack.name,
                stack.region,
                f"{logical_id}.{attr}",
                resource_type,
                SUBSTITUTED,
                f"attribute {attr} is not implemented by moto; references read a placeholder",
            )
        )


def _kms_keys(stack: PreparedStack) -> None:
    """moto: Tags on AWS::KMS::Key crash its CloudFormation create (tag format), and a
    dict KeyPolicy is stored as a dict, which breaks a later DescribeKey/GetKeyPolicy.
    Drop the tags (KMS tags are not read by tradedr) and pass the policy as JSON text."""
    for resource in _resources(stack.template).values():
        if resource.get("Type") != "AWS::KMS::Key":
            continue
        props = resource.setdefault("Properties", {})
        props.pop("Tags", None)
        if isinstance(props.get("KeyPolicy"), dict):
            props["KeyPolicy"] = {"Fn::ToJsonString": props["KeyPolicy"]}


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


def _replica_subnet_groups(stack: PreparedStack) -> None:
    """moto copies a read replica from its source instance, keeping the source's region,
    then looks the replica's DBSubnetGroupName up in that (source) region, where it does not
    exist. A cross-region replica on the emulator therefore goes without the subnet group."""
    for resource in _resources(stack.template).values():
        props = resource.get("Properties", {})
        if resource.get("Type") == "AWS::RDS::DBInstance" and props.get(
            "SourceDBInstanceIdentifier"
        ):
            props.pop("DBSubnetGroupName", None)


# moto's CloudFormation models of these types read Tags as a list of Key/Value pairs,
# while their CloudFormation schema has a map; a map crashes the create (HTTP 500).
TAGS_AS_LIST: frozenset[str] = frozenset({"AWS::SSM::Parameter"})


def _tag_shapes(stack: PreparedStack) -> None:
    for resource in _resources(stack.template).values():
        if resource.get("Type") not in TAGS_AS_LIST:
            continue
        tags = resource.get("Properties", {}).get("Tags")
        if isinstance(tags, dict):
            resource["Properties"]["Tags"] = [{"Key": k, "Value": v} for k, v in tags.items()]


# moto creates these resources but ignores these properties; tradedr applies them through
# the service API after the stack (moto resolves the intrinsics in an extra output).
IGNORED_PROPERTIES: dict[str, tuple[str, ...]] = {
    # moto's S3 CloudFormation model reads neither versioning nor replication.
    "AWS::S3::Bucket": ("VersioningConfiguration", "ReplicationConfiguration"),
    # moto's DynamoDB Table model ignores point-in-time recovery.
    "AWS::DynamoDB::Table": ("PointInTimeRecoverySpecification",),
}


def _ignored_properties(stack: PreparedStack) -> None:
    outputs = stack.template.setdefault("Outputs", {})
    for logical_id, resource in _resources(stack.template).items():
        for prop in IGNORED_PROPERTIES.get(resource.get("Type", ""), ()):
            value = resource.get("Properties", {}).get(prop)
            if value is None:
                continue
            key = f"{COMPAT_OUTPUT_PREFIX}{logical_id}{prop}"
            key = "".join(ch for ch in key if ch.isalnum())
            outputs[key] = {"Value": {"Fn::ToJsonString": value}}
            stack.applications.append(PropertyApplication(logical_id, resource["Type"], prop, key))


def _direct_references(node: Any) -> set[str]:
    """Logical ids a property *is* (a whole Ref or GetAtt value), not ids merely mentioned
    inside a string being built (Fn::Join/Fn::Sub of a policy or dashboard body): a
    placeholder in the first breaks the resource, in the second it is only text."""
    if isinstance(node, dict):
        ref, getatt = _ref(node), _getatt(node)
        if ref:
            return {ref}
        if getatt:
            return {getatt[0]}
        if any(key.startswith("Fn::") for key in node):
            return set()
        return set().union(*(_direct_references(v) for v in node.values())) if node else set()
    if isinstance(node, list):
        return set().union(*(_direct_references(v) for v in node)) if node else set()
    return set()


def _references(node: Any) -> set[str]:
    """Logical ids a template fragment points at through Ref, GetAtt or Fn::Sub."""
    found: set[str] = set()
    if isinstance(node, dict):
        ref, getatt = _ref(node), _getatt(node)
        if ref:
            found.add(ref)
        if getatt:
            found.add(getatt[0])
        sub = node.get("Fn::Sub")
        text = sub if isinstance(sub, str) else sub[0] if isinstance(sub, list) and sub else None
        if isinstance(text, str):
            found |= {m.split(".", 1)[0] for m in _SUB_VARIABLE.findall(text)}
        for value in node.values():
            found |= _references(value)
    elif isinstance(node, list):
        for item in node:
            found |= _references(item)
    return found


_SUB_VARIABLE = re.compile(r"\$\{([A-Za-z0-9.]+)\}")


def _not_emulated(stack: PreparedStack) -> None:
    """moto skips types it has no model for, with only a warning, yet GetAtt on one fails
    the whole stack and a Ref to one resolves to nothing. Keep the resource (moto lists it
    with empty ids and creates nothing), point references at a visible placeholder, and
    drop outputs that would carry only that placeholder.

    A resource of an emulated type whose properties need a skipped one (an Aurora instance
    in a cluster moto cannot create) cannot be created either: moto would crash on the
    placeholder. Such dependents are removed from the template and reported the same way."""
    resources = _resources(stack.template)
    skipped = {
        lid: res["Type"] for lid, res in resources.items() if not is_emulated(res.get("Type", ""))
    }
    dependents: dict[str, str] = {}
    changed = bool(skipped)
    while changed:
        changed = False
        for lid, res in resources.items():
            if lid in skipped or lid in dependents:
                continue
            needs = _direct_references(res.get("Properties", {})) & (set(skipped) | set(dependents))
            if needs:
                dependents[lid] = sorted(needs)[0]
                changed = True
    gone = set(skipped) | set(dependents)

    def visit(node: dict[str, Any]) -> Any | None:
        ref = _ref(node)
        if ref in gone:
            return f"{PLACEHOLDER_PREFIX}{ref}"
        found = _getatt(node)
        if found and found[0] in gone:
            return f"{PLACEHOLDER_PREFIX}{found[0]}.{found[1]}"
        sub = node.get("Fn::Sub") if len(node) == 1 else None
        if isinstance(sub, str) and _references(node) & gone:
            return {"Fn::Sub": _SUB_VARIABLE.sub(lambda m: _sub_placeholder(m, gone), sub)}
        return None

    dependent_types = {lid: str(resources.pop(lid).get("Type", "?")) for lid in dependents}
    stack.template = _rewrite(stack.template, visit)
    _drop_depends_on(stack.template, gone)
    outputs = stack.template.get("Outputs", {})
    for key in [k for k, out in outputs.items() if _contains(out.get("Value"), PLACEHOLDER_PREFIX)]:
        export = outputs[key].get("Export", {}).get("Name")
        if isinstance(export, str):
            stack.dropped_exports.append(export)
        del outputs[key]
    for logical_id, resource_type in sorted(skipped.items()):
        stack.notes.append(
            CompatNote(
                stack.name,
                stack.region,
                logical_id,
                resource_type,
                NOT_EMULATED,
                "moto has no CloudFormation model for this type; it is listed but not created",
            )
        )
    for logical_id, needed in sorted(dependents.items()):
        stack.notes.append(
            CompatNote(
                stack.name,
                stack.region,
                logical_id,
                dependent_types[logical_id],
                NOT_EMULATED,
                f"needs {needed}, which the emulator cannot create; left out",
            )
        )


def _sub_placeholder(match: re.Match[str], gone: set[str]) -> str:
    name = match.group(1)
    return f"{PLACEHOLDER_PREFIX}{name}" if name.split(".", 1)[0] in gone else match.group(0)


def _dropped_imports(stack: PreparedStack, dropped: set[str]) -> None:
    """An output dropped above cannot be exported; its imports get the placeholder too."""

    def visit(node: dict[str, Any]) -> Any | None:
        name = node.get("Fn::ImportValue") if len(node) == 1 else None
        if isinstance(name, str) and name in dropped:
            return f"{PLACEHOLDER_PREFIX}import:{name}"
        return None

    if dropped:
        stack.template = _rewrite(stack.template, visit)


def _drop_depends_on(template: dict[str, Any], gone: set[str]) -> None:
    for resource in _resources(template).values():
        depends = resource.get("DependsOn")
        if isinstance(depends, str) and depends in gone:
            del resource["DependsOn"]
        elif isinstance(depends, list):
            kept = [d for d in depends if d not in gone]
            if kept:
                resource["DependsOn"] = kept
            else:
                del resource["DependsOn"]


PER_STACK_TRANSFORMS: tuple[Callable[[PreparedStack], None], ...] = (
    _secrets_via_api,
    _listener_certificates,
    _kms_keys,
    _tag_shapes,
    _replica_subnet_groups,
    _unimplemented_attributes,
    _ignored_properties,
    _not_emulated,
)


def prepare_for_emulator(stacks: list[StackTemplate]) -> dict[str, PreparedStack]:
    """Every stack's template with the emulator transforms applied, keyed by stack name."""
    prepared = {s.name: PreparedStack(s.name, s.region, s.load()) for s in stacks}
    _global_tables_to_tables(prepared, {s.name: s.kind for s in stacks})
    dropped: set[str] = set()
    for stack in prepared.values():  # deployment order: exporters before importers
        _dropped_imports(stack, dropped)
        for transform in PER_STACK_TRANSFORMS:
            transform(stack)
        dropped |= set(stack.dropped_exports)
    return prepared


# --- deploy-time substitutes (emulator only; they call the emulator's APIs) ----------------


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


def apply_ignored_properties(
    stack: PreparedStack, outputs: dict[str, str], physical_ids: dict[str, str], provider: Any
) -> list[str]:
    """Apply the properties moto ignored, from their resolved JSON; returns what was done."""
    done: list[str] = []
    for app in stack.applications:
        raw = outputs.get(app.output_key)
        physical = physical_ids.get(app.logical_id)
        if not raw or not physical:
            continue
        value = json.loads(raw)
        applier = _APPLIERS.get((app.resource_type, app.prop))
        if applier is not None:
            applier(provider.client(_SERVICE[app.resource_type], stack.region), physical, value)
            done.append(f"{app.logical_id}.{app.prop}")
    return done


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


def _s3_versioning(client: Any, bucket: str, value: dict[str, Any]) -> None:
    client.put_bucket_versioning(
        Bucket=bucket, VersioningConfiguration={"Status": value.get("Status", "Enabled")}
    )


def _s3_replication(client: Any, bucket: str, value: dict[str, Any]) -> None:
    rules = []
    for rule in value.get("Rules", []):
        destination = rule.get("Destination", {})
        converted: dict[str, Any] = {
            "ID": rule.get("Id", ""),
            "Status": rule.get("Status", "Enabled"),
            "Priority": int(rule.get("Priority", 0)),
            "Filter": {"Prefix": rule.get("Filter", {}).get("Prefix", "")},
            "DeleteMarkerReplication": rule.get("DeleteMarkerReplication", {"Status": "Disabled"}),
            "Destination": {"Bucket": destination.get("Bucket", "")},
        }
        if "EncryptionConfiguration" in destination:
            converted["Destination"]["EncryptionConfiguration"] = {
                "ReplicaKmsKeyID": destination["EncryptionConfiguration"].get("ReplicaKmsKeyID", "")
            }
        if "ReplicationTime" in destination:
            rt = destination["ReplicationTime"]
            converted["Destination"]["ReplicationTime"] = {
                "Status": rt.get("Status", "Enabled"),
                "Time": {"Minutes": int(rt.get("Time", {}).get("Minutes", 15))},
            }
        if "Metrics" in destination:
            metrics = destination["Metrics"]
            converted["Destination"]["Metrics"] = {
                "Status": metrics.get("Status", "Enabled"),
                "EventThreshold": {
                    "Minutes": int(metrics.get("EventThreshold", {}).get("Minutes", 15))
                },
            }
        sse = rule.get("SourceSelectionCriteria", {}).get("SseKmsEncryptedObjects")
        if sse:
            converted["SourceSelectionCriteria"] = {
                "SseKmsEncryptedObjects": {"Status": sse.get("Status", "Enabled")}
            }
        rules.append(converted)
    client.put_bucket_replication(
        Bucket=bucket, ReplicationConfiguration={"Role": value.get("Role", ""), "Rules": rules}
    )


def _dynamodb_pitr(client: Any, table: str, value: dict[str, Any]) -> None:
    enabled = bool(value.get("PointInTimeRecoveryEnabled", False))
    client.update_continuous_backups(
        TableName=table,
        PointInTimeRecoverySpecification={"PointInTimeRecoveryEnabled": enabled},
    )


_SERVICE = {"AWS::S3::Bucket": "s3", "AWS::DynamoDB::Table": "dynamodb"}
_APPLIERS: dict[tuple[str, str], Callable[[Any, str, dict[str, Any]], None]] = {
    ("AWS::S3::Bucket", "VersioningConfiguration"): _s3_versioning,
    ("AWS::S3::Bucket", "ReplicationConfiguration"): _s3_replication,
    ("AWS::DynamoDB::Table", "PointInTimeRecoverySpecification"): _dynamodb_pitr,
}


def public_outputs(outputs: dict[str, str]) -> dict[str, str]:
    """Stack outputs without the ones this module added for itself."""
    return {k: v for k, v in outputs.items() if not k.startswith(COMPAT_OUTPUT_PREFIX)}
