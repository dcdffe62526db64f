"""Architecture diagram drawn from the templates: one column per region, one box per stack,
arrows for what replicates where. Nothing here is hand-drawn: change a template, the picture
changes."""

from __future__ import annotations

from collections import Counter
from typing import TYPE_CHECKING

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt
from matplotlib.patches import FancyArrowPatch, FancyBboxPatch

from tradedr.report.charts import to_svg

if TYPE_CHECKING:
    from tradedr.analysis.templates import StackDoc, TemplateSet

KIND_COLOR = {"data": "#d6eaf8", "replica": "#fdebd0", "app": "#d5f5e3", "global": "#f5eef8"}


def stack_lines(stack: StackDoc) -> list[str]:
    """The few facts a reviewer looks for, per stack, straight from its resources."""
    counts = Counter(r.type for r in stack.resources())
    lines: list[str] = []
    for r in stack.resources("AWS::RDS::DBInstance"):
        role = "replica" if r.prop("SourceDBInstanceIdentifier") else "primary"
        lines.append(
            f"RDS {r.prop('DBInstanceClass')} {role}" + (" Multi-AZ" if r.prop("MultiAZ") else "")
        )
    for r in stack.resources("AWS::DynamoDB::GlobalTable"):
        lines.append(f"DynamoDB global table x{len(r.prop('Replicas', []))} regions")
    for r in stack.resources("AWS::AutoScaling::AutoScalingGroup"):
        lines.append(f"ASG desired {r.prop('DesiredCapacity')} / max {r.prop('MaxSize')}")
    for r in stack.resources("AWS::EC2::LaunchTemplate"):
        lines.append(f"  {r.prop('LaunchTemplateData.InstanceType')}")
    for r in stack.resources("AWS::S3::Bucket"):
        rules = r.prop("ReplicationConfiguration.Rules") or []
        if r.holds_logs:
            lines.append("S3 log bucket")
            continue
        lines.append("S3 bucket" + (f" -> {len(rules)} replica(s), RTC" if rules else ""))
    for r in stack.resources("AWS::Route53::HealthCheck"):
        cfg = r.prop("HealthCheckConfig", {})
        lines.append(f"health check {cfg.get('RequestInterval')}s x{cfg.get('FailureThreshold')}")
    labels = {
        "AWS::EC2::VPC": "VPC",
        "AWS::EC2::NatGateway": "NAT gateway",
        "AWS::ElasticLoadBalancingV2::LoadBalancer": "ALB",
        "AWS::KMS::Key": "KMS key",
        "AWS::Backup::BackupVault": "backup vault",
        "AWS::Backup::BackupPlan": "backup plan",
        "AWS::CloudWatch::Alarm": "alarm",
        "AWS::Route53::HostedZone": "hosted zone",
        "AWS::Route53::RecordSet": "record",
        "AWS::WAFv2::WebACL": "WAF web ACL",
        "AWS::CloudTrail::Trail": "CloudTrail",
        "AWS::SecretsManager::Secret": "secret",
    }
    for type_, label in labels.items():
        if counts.get(type_):
            lines.append(f"{label} x{counts[type_]}" if counts[type_] > 1 else label)
    lines.append(f"({sum(counts.values())} resources)")
    return lines


def architecture_svg(templates: TemplateSet) -> str:
    regions = templates.regions
    settings = templates.settings
    kinds = ["data", "replica", "app"]
    col_w, box_w, line_h = 4.2, 3.7, 0.26
    heights = {(s.region, s.kind): 0.5 + line_h * len(stack_lines(s)) for s in templates.stacks}
    row_h = {k: max([h for (r, kk), h in heights.items() if kk == k] + [0.0]) for k in kinds}
    global_stack = templates.stack("global")
    global_h = heights.get((global_stack.region, "global"), 0.0) if global_stack else 0.0
    total_h = global_h + sum(row_h.values()) + 2.2
    fig, ax = plt.subplots(figsize=(col_w * len(regions) * 0.95 + 0.5, total_h * 0.85))
    ax.set_xlim(0, col_w * len(regions))
    ax.set_ylim(0, total_h)
    ax.axis("off")
    anchors: dict[tuple[str, str], tuple[float, float, float]] = {}
    headers: dict[str, tuple[float, float]] = {}

    def box(x: float, top: float, height: float, stack: StackDoc) -> None:
        ax.add_patch(
            FancyBboxPatch(
                (x, top - height),
                box_w,
                height,
                boxstyle="round,pad=0.02",
                fc=KIND_COLOR.get(stack.kind, "#eee"),
                ec="#34495e",
            )
        )
        ax.text(x + 0.1, top - 0.3, stack.name, fontsize=7.5, weight="bold")
        for index, line in enumerate(stack_lines(stack)):
            ax.text(x + 0.15, top - 0.55 - index * line_h, line, fontsize=7)
        anchors[(stack.region, stack.kind)] = (x + box_w / 2, top, top - height)

    top = total_h - 0.2
    if global_stack is not None:
        x = (col_w * len(regions) - box_w) / 2
        box(x, top, global_h, global_stack)
        top -= global_h + 0.5
    for index, region in enumerate(regions):
        x = index * col_w + (col_w - box_w) / 2
        role = settings.role_of(region)
        ax.text(x + box_w / 2, top, f"{region} ({role})", ha="center", fontsize=9, weight="bold")
        headers[region] = (x + box_w / 2, top + 0.25)
        y = top - 0.3
        for kind in kinds:
            stack = templates.stack(kind, region)
            if stack is not None:
                box(x, y, heights[(region, kind)], stack)
            y -= row_h[kind] + 0.25 if row_h[kind] else 0

    def arrow(a: tuple[str, str], b: tuple[str, str], label: str, color: str, bend: float) -> None:
        if a not in anchors or b not in anchors:
            return
        (xa, ta, ba), (xb, tb, bb) = anchors[a], anchors[b]
        ya, yb = (ta + ba) / 2, (tb + bb) / 2
        start = (xa + box_w / 2 * (1 if xb > xa else -1), ya)
        end = (xb - box_w / 2 * (1 if xb > xa else -1), yb)
        ax.add_patch(
            FancyArrowPatch(
                start,
                end,
                arrowstyle="-|>",
                mutation_scale=12,
                color=color,
                connectionstyle=f"arc3,rad={bend}",
            )
        )
        ax.text(
            (start[0] + end[0]) / 2,
            (start[1] + end[1]) / 2 + 0.15 + bend,
            label,
            fontsize=7,
            color=color,
            ha="center",
        )

    primary = settings.primary_region
    for standby in settings.standby_regions:
        if templates.stack("replica", standby):
            arrow((primary, "data"), (standby, "replica"), "RDS read replica", "#c0392b", -0.1)
        bucket = next(
            (b for b in templates.resources("AWS::S3::Bucket", region=primary) if not b.holds_logs),
            None,
        )
        if bucket is not None and bucket.prop("ReplicationConfiguration.Rules"):
            arrow(
                (primary, "data"), (standby, "data"), "S3 CRR + DynamoDB + backups", "#2980b9", 0.0
            )
        elif templates.first("AWS::Backup::BackupPlan", region=primary):
            arrow((primary, "data"), (standby, "data"), "backup copies", "#2980b9", 0.0)
    if global_stack is not None:
        gx, _gt, gb = anchors[(global_stack.region, "global")]
        for region in regions:
            if (region, "app") in anchors:
                ax.add_patch(
                    FancyArrowPatch(
                        (gx, gb),
                        headers[region],
                        arrowstyle="-|>",
                        mutation_scale=10,
                        color="#8e44ad",
                        ls="--",
                    )
                )
        ax.text(
            gx,
            gb - 0.25,
            "Route 53 records + health checks -> each region's ALB",
            fontsize=7,
            color="#8e44ad",
            ha="center",
        )
    ax.set_title(
        f"{settings.prefix}: {settings.posture.value}, drawn from "
        f"{len(templates.stacks)} synthesized templates",
        fontsize=10,
    )
    return to_svg(fig, "architecture")
