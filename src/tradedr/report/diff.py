"""`tradedr review --against PREVIOUS.json`: what changed since a previous review.

`snapshot` is what `tradedr review` writes to OUT/report.json: per stack the resources
(logical id -> type, a hash of the properties and a hash per top-level property), the RTO
p99 per scenario, the RPO per store, the cost headline and the findings by identity (source,
rule, stack, resource). `diff` compares two snapshots: resources added, removed, changed and
replaced per stack, the RTO, RPO and cost deltas, and the new and resolved findings.

"Replaced" is approximate: a change to a property in `REPLACING` (the properties whose update
CloudFormation documents as "Replacement" for the resource types tradedr synthesizes) counts
as a replacement. Conditional replacements (e.g. some RDS engine version changes) and changes
below the top level of a property are not told apart; `cdk diff` or a change set is the
authority.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from tradedr.errors import TradedrError

if TYPE_CHECKING:
    from tradedr.analysis.templates import TemplateSet
    from tradedr.report.plan import PlanResult

FORMAT = "tradedr-review/1"

# Top-level properties whose change makes CloudFormation replace the resource (approximate).
_NAMES = frozenset({"Name"})
REPLACING: dict[str, frozenset[str]] = {
    "AWS::RDS::DBInstance": frozenset(
        {
            "DBInstanceIdentifier",
            "Engine",
            "AvailabilityZone",
            "KmsKeyId",
            "StorageEncrypted",
            "DBName",
            "MasterUsername",
            "DBClusterIdentifier",
            "SourceRegion",
            "CharacterSetName",
            "Timezone",
        }
    ),
    "AWS::RDS::DBSubnetGroup": frozenset({"DBSubnetGroupName"}),
    "AWS::S3::Bucket": frozenset({"BucketName", "ObjectLockEnabled"}),
    "AWS::DynamoDB::GlobalTable": frozenset({"TableName", "KeySchema"}),
    "AWS::DynamoDB::Table": frozenset({"TableName", "KeySchema"}),
    "AWS::EC2::VPC": frozenset({"CidrBlock", "InstanceTenancy"}),
    "AWS::EC2::Subnet": frozenset({"AvailabilityZone", "CidrBlock", "VpcId"}),
    "AWS::EC2::SecurityGroup": frozenset({"GroupName", "GroupDescription", "VpcId"}),
    "AWS::EC2::RouteTable": frozenset({"VpcId"}),
    "AWS::EC2::NatGateway": frozenset({"SubnetId", "AllocationId", "ConnectivityType"}),
    "AWS::EC2::EIP": frozenset({"Domain"}),
    "AWS::EC2::LaunchTemplate": frozenset({"LaunchTemplateName"}),
    "AWS::KMS::Key": frozenset({"KeySpec", "MultiRegion"}),
    "AWS::KMS::Alias": frozenset({"AliasName"}),
    "AWS::ElasticLoadBalancingV2::LoadBalancer": frozenset({"Name", "Scheme"}),
    "AWS::ElasticLoadBalancingV2::TargetGroup": frozenset(
        {"Name", "Port", "Protocol", "VpcId", "TargetType"}
    ),
    "AWS::AutoScaling::AutoScalingGroup": frozenset({"AutoScalingGroupName"}),
    "AWS::Lambda::Function": frozenset({"FunctionName"}),
    "AWS::IAM::Role": frozenset({"RoleName", "Path"}),
    "AWS::IAM::ManagedPolicy": frozenset({"ManagedPolicyName", "Path"}),
    "AWS::Logs::LogGroup": frozenset({"LogGroupName"}),
    "AWS::SNS::Topic": frozenset({"TopicName", "FifoTopic"}),
    "AWS::SecretsManager::Secret": _NAMES,
    "AWS::SSM::Parameter": _NAMES,
    "AWS::Route53::HostedZone": _NAMES,
    "AWS::Route53::RecordSet": frozenset({"Name", "Type", "HostedZoneId", "HostedZoneName"}),
    "AWS::Backup::BackupVault": frozenset({"BackupVaultName"}),
    "AWS::CloudTrail::Trail": frozenset({"TrailName"}),
    "AWS::WAFv2::WebACL": frozenset({"Name", "Scope"}),
    "AWS::CloudWatch::Alarm": frozenset({"AlarmName"}),
    "AWS::CloudWatch::Dashboard": frozenset({"DashboardName"}),
}


def _hash(value: Any) -> str:
    text = json.dumps(value, sort_keys=True, separators=(",", ":"), default=str)
    return hashlib.sha256(text.encode()).hexdigest()[:16]


def snapshot(result: PlanResult, templates: TemplateSet) -> dict[str, Any]:
    """The data a later `--against` needs, as JSON-ready values (OUT/report.json)."""
    settings = result.settings
    headline = result.cost.report.headline
    return {
        "format": FORMAT,
        "prefix": settings.prefix,
        "posture": settings.posture.value,
        "regions": list(settings.all_regions),
        "verdict": result.verdict,
        "stacks": {
            stack.name: {
                logical: {
                    "type": res.get("Type", ""),
                    "hash": _hash(res.get("Properties", {})),
                    "properties": {
                        key: _hash(value) for key, value in res.get("Properties", {}).items()
                    },
                }
                for logical, res in stack.template.get("Resources", {}).items()
            }
            for stack in templates.stacks
        },
        "rto_p99_seconds": {s.name: float(s.rto.p99) for s in result.rto.scenarios},
        "rpo_seconds": {r.store: r.rpo_seconds for r in result.rto.rpo},
        "cost": {
            "total_monthly_usd": headline.total_monthly_usd,
            "complete": headline.complete,
            "headline": headline.text,
        },
        "findings": sorted(
            {
                tuple(str(d.get(k, "")) for k in ("source", "rule", "stack", "resource"))
                for d in (f.to_dict() for f in result.checks.findings)
            }
        ),
    }


def load_snapshot(path: Path) -> dict[str, Any]:
    """A previous OUT/report.json; a clear error for anything else."""
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except OSError as exc:
        raise TradedrError(f"--against {path}: cannot read it ({exc.strerror})") from None
    except ValueError as exc:
        raise TradedrError(f"--against {path}: not JSON ({exc})") from None
    if not isinstance(data, dict) or data.get("format") != FORMAT:
        raise TradedrError(
            f"--against {path}: not a tradedr review report.json (format {FORMAT!r}); "
            "pass the report.json a previous `tradedr review` wrote"
        )
    return data


@dataclass(frozen=True)
class ResourceChange:
    logical_id: str
    type: str
    properties: tuple[str, ...] = ()  # the changed top-level properties
    replacing: tuple[str, ...] = ()  # those of them that replace the resource

    def to_dict(self) -> dict[str, Any]:
        return {
            "logical_id": self.logical_id,
            "type": self.type,
            "properties": list(self.properties),
            "replacing": list(self.replacing),
        }


@dataclass
class StackDiff:
    added: list[ResourceChange] = field(default_factory=list)
    removed: list[ResourceChange] = field(default_factory=list)
    changed: list[ResourceChange] = field(default_factory=list)  # updated in place
    replaced: list[ResourceChange] = field(default_factory=list)

    @property
    def empty(self) -> bool:
        return not (self.added or self.removed or self.changed or self.replaced)

    def to_dict(self) -> dict[str, Any]:
        return {
            kind: [c.to_dict() for c in getattr(self, kind)]
            for kind in ("added", "removed", "changed", "replaced")
        }


Delta = tuple[str, float | None, float | None]  # name, before, after (None: absent/unbounded)


@dataclass
class ReviewDiff:
    against: str
    stacks: dict[str, StackDiff] = field(default_factory=dict)  # only stacks with a change
    stacks_added: list[str] = field(default_factory=list)
    stacks_removed: list[str] = field(default_factory=list)
    rto: list[Delta] = field(default_factory=list)  # p99 seconds, changed scenarios only
    rpo: list[Delta] = field(default_factory=list)  # seconds, changed stores only
    cost_before: dict[str, Any] = field(default_factory=dict)
    cost_after: dict[str, Any] = field(default_factory=dict)
    findings_new: list[tuple[str, ...]] = field(default_factory=list)
    findings_resolved: list[tuple[str, ...]] = field(default_factory=list)

    @property
    def cost_delta(self) -> float:
        before = float(self.cost_before.get("total_monthly_usd", 0.0))
        return round(float(self.cost_after.get("total_monthly_usd", 0.0)) - before, 2)

    @property
    def cost_changed(self) -> bool:
        keys = ("total_monthly_usd", "complete")
        return any(self.cost_before.get(k) != self.cost_after.get(k) for k in keys)

    @property
    def empty(self) -> bool:
        return not (
            self.stacks
            or self.stacks_added
            or self.stacks_removed
            or self.rto
            or self.rpo
            or self.cost_changed
            or self.findings_new
            or self.findings_resolved
        )

    def cost_text(self) -> str:
        """`$1,000.00 -> ≥ $1,200.00/month (+$200.00)`; `≥` marks an incomplete figure."""

        def amount(cost: dict[str, Any]) -> str:
            mark = "" if cost.get("complete", True) else "≥ "
            return f"{mark}${float(cost.get('total_monthly_usd', 0.0)):,.2f}"

        delta = self.cost_delta
        return (
            f"{amount(self.cost_before)} -> {amount(self.cost_after)}/month "
            f"({'+' if delta >= 0 else '-'}${abs(delta):,.2f})"
        )

    def resource_rows(self) -> list[tuple[str, str, str, str, str]]:
        """(stack, change, logical id, type, detail) for every changed resource."""
        rows: list[tuple[str, str, str, str, str]] = []
        for name in self.stacks_added:
            rows.append((name, "stack added", "", "", ""))
        for name in self.stacks_removed:
            rows.append((name, "stack removed", "", "", ""))
        for name, stack in self.stacks.items():
            for kind in ("replaced", "changed", "added", "removed"):
                for c in getattr(stack, kind):
                    detail = ", ".join(c.properties)
                    if c.replacing:
                        detail += f" (replaces on {', '.join(c.replacing)})"
                    rows.append((name, kind, c.logical_id, c.type, detail))
        return rows

    def to_dict(self) -> dict[str, Any]:
        return {
            "against": self.against,
            "no_change": self.empty,
            "stacks": {name: s.to_dict() for name, s in self.stacks.items()},
            "stacks_added": self.stacks_added,
            "stacks_removed": self.stacks_removed,
            "rto_p99_seconds": [{"scenario": n, "before": b, "after": a} for n, b, a in self.rto],
            "rpo_seconds": [{"store": n, "before": b, "after": a} for n, b, a in self.rpo],
            "cost": {
                "before": self.cost_before,
                "after": self.cost_after,
                "delta_monthly_usd": self.cost_delta,
            },
            "findings_new": [list(f) for f in self.findings_new],
            "findings_resolved": [list(f) for f in self.findings_resolved],
            "replacement_is_approximate": True,
        }


def _stack_diff(before: dict[str, Any], after: dict[str, Any]) -> StackDiff:
    out = StackDiff()
    for logical in sorted(set(before) | set(after)):
        old, new = before.get(logical), after.get(logical)
        if old is None:
            out.added.append(ResourceChange(logical, after[logical]["type"]))
        elif new is None:
            out.removed.append(ResourceChange(logical, old["type"]))
        elif old["type"] != new["type"]:
            out.replaced.append(ResourceChange(logical, new["type"], ("Type",), ("Type",)))
        elif old["hash"] != new["hash"]:
            a, b = old.get("properties", {}), new.get("properties", {})
            props = tuple(sorted(k for k in set(a) | set(b) if a.get(k) != b.get(k)))
            replacing = tuple(p for p in props if p in REPLACING.get(new["type"], ()))
            change = ResourceChange(logical, new["type"], props, replacing)
            (out.replaced if replacing else out.changed).append(change)
    return out


def _deltas(before: dict[str, Any], after: dict[str, Any]) -> list[Delta]:
    return [
        (name, before.get(name), after.get(name))
        for name in sorted(set(before) | set(after), key=lambda n: (n not in after, n))
        if before.get(name) != after.get(name)
    ]


def diff(previous: dict[str, Any], current: dict[str, Any], against: str) -> ReviewDiff:
    old_stacks: dict[str, Any] = previous.get("stacks", {})
    new_stacks: dict[str, Any] = current.get("stacks", {})
    result = ReviewDiff(
        against=against,
        stacks_added=[n for n in new_stacks if n not in old_stacks],
        stacks_removed=[n for n in old_stacks if n not in new_stacks],
        rto=_deltas(previous.get("rto_p99_seconds", {}), current.get("rto_p99_seconds", {})),
        rpo=_deltas(previous.get("rpo_seconds", {}), current.get("rpo_seconds", {})),
        cost_before=dict(previous.get("cost", {})),
        cost_after=dict(current.get("cost", {})),
    )
    for name in (n for n in new_stacks if n in old_stacks):
        stack = _stack_diff(old_stacks[name], new_stacks[name])
        if not stack.empty:
            result.stacks[name] = stack
    old_findings = {tuple(f) for f in previous.get("findings", [])}
    new_findings = {tuple(f) for f in current.get("findings", [])}
    result.findings_new = sorted(new_findings - old_findings)
    result.findings_resolved = sorted(old_findings - new_findings)
    return result


def seconds(value: float | None) -> str:
    return "unbounded / absent" if value is None else f"{value:,.0f} s"


def delta_text(before: float | None, after: float | None) -> str:
    if before is None or after is None:
        return ""
    change = after - before
    return f"{'+' if change >= 0 else '-'}{abs(change):,.0f} s"
