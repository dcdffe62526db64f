"""Architecture diagram drawn from the templates: one column per region, one box per stack,
arrows for what replicates where. Nothing here is hand-drawn: change a template, the picture
changes."""

from __future__ import annotations

from collections import Counter
from typing import TYPE_CHECKING

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt
from matplotlib.figure import Figure
from matplotlib.lines import Line2D
from matplotlib.patches import FancyArrowPatch, FancyBboxPatch, Patch

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


ARROW = {"replica": "#c0392b", "data": "#2980b9", "routing": "#8e44ad"}


def _data_arrow_label(templates: TemplateSet) -> str | None:
    """What flows from the primary's data stack to each standby's, if anything."""
    primary = templates.settings.primary_region
    bucket = next(
        (b for b in templates.resources("AWS::S3::Bucket", region=primary) if not b.holds_logs),
        None,
    )
    if bucket is not None and bucket.prop("ReplicationConfiguration.Rules"):
        return "S3 CRR + DynamoDB + backups"
    if templates.first("AWS::Backup::BackupPlan", region=primary):
        return "backup copies"
    return None


def architecture_svg(templates: TemplateSet) -> str:
    return to_svg(architecture_figure(templates), "architecture")


def architecture_figure(templates: TemplateSet) -> Figure:
    """Rows, top to bottom: the global stack, then per region (one column each) the app
    stack (its ALB is where Route 53 sends traffic), the data stack, a band of lanes for what
    replicates from the primary, and the replica stack. Arrows run in the gaps between boxes
    (lanes, not diagonals), so none crosses a box or a label; a legend names them."""
    regions = templates.regions
    settings = templates.settings
    primary = settings.primary_region
    kinds = ["app", "data", "replica"]
    col_w, box_w, line_h = 4.2, 3.7, 0.26
    heights = {(s.region, s.kind): 0.5 + line_h * len(stack_lines(s)) for s in templates.stacks}
    row_h = {k: max([h for (r, kk), h in heights.items() if kk == k] + [0.0]) for k in kinds}
    global_stack = templates.stack("global")
    global_h = heights.get((global_stack.region, "global"), 0.0) if global_stack else 0.0
    standbys = [r for r in settings.standby_regions if r in regions]
    data_label = _data_arrow_label(templates)
    replicas = [r for r in standbys if templates.stack("replica", r)]
    lanes = [kind for kind, on in (("data", data_label and standbys), ("replica", replicas)) if on]
    band = 0.35 + 0.35 * len(lanes)
    total_h = global_h + sum(row_h.values()) + 1.9 + band
    fig, ax = plt.subplots(figsize=(col_w * len(regions) * 0.95 + 0.5, total_h * 0.85 + 0.6))
    ax.set_xlim(0, col_w * len(regions))
    ax.set_ylim(0, total_h)
    ax.axis("off")
    anchors: dict[tuple[str, str], tuple[float, float, float]] = {}  # x centre, top, bottom
    centre = {region: i * col_w + col_w / 2 for i, region in enumerate(regions)}

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

    def line(points: list[tuple[float, float]], color: str, head: bool, ls: str = "-") -> None:
        xs, ys = zip(*points, strict=True)
        ax.plot(xs[:-1] if head else xs, ys[:-1] if head else ys, color=color, lw=1.2, ls=ls)
        if head:
            ax.add_patch(
                FancyArrowPatch(
                    points[-2],
                    points[-1],
                    arrowstyle="-|>",
                    mutation_scale=11,
                    color=color,
                    lw=1.2,
                    ls=ls,
                    shrinkA=0,
                    shrinkB=0,
                )
            )

    top = total_h - 0.2
    if global_stack is not None:
        box((col_w * len(regions) - box_w) / 2, top, global_h, global_stack)
        top -= global_h + 0.7
    alb_x = {region: centre[region] + box_w / 2 - 0.35 for region in regions}
    for region in regions:
        x = centre[region] - box_w / 2
        role = settings.role_of(region)
        ax.text(x, top, f"{region} ({role})", ha="left", fontsize=9, weight="bold")
    y = top - 0.3
    lane_y: dict[str, float] = {}
    for kind in kinds:
        for region in regions:
            stack = templates.stack(kind, region)
            if stack is not None:
                box(centre[region] - box_w / 2, y, heights[(region, kind)], stack)
        if kind == "app":
            for region in regions:  # the ALB badge the routing arrows end at
                if (region, "app") in anchors:
                    ax.text(
                        alb_x[region],
                        y,
                        "ALB",
                        ha="center",
                        va="center",
                        fontsize=6.5,
                        color="white",
                        weight="bold",
                        bbox={"boxstyle": "round,pad=0.25", "fc": ARROW["routing"], "ec": "none"},
                        zorder=5,
                    )
        y -= row_h[kind] + 0.25 if row_h[kind] else 0
        if kind == "data":
            for index, lane in enumerate(lanes):
                lane_y[lane] = y - 0.1 - 0.35 * index
            y -= band - 0.25 if lanes else 0

    # Replication: down from the primary's data stack to a lane, along it, into each target.
    if (primary, "data") in anchors:
        _px, _pt, pbottom = anchors[(primary, "data")]
        farthest = max(standbys, key=lambda r: abs(centre[r] - centre[primary]), default=primary)
        rightwards = centre[farthest] >= centre[primary]
        for lane in lanes:
            ly, offset = lane_y[lane], (-0.3 if lane == "data" else 0.3)
            color = ARROW[lane]
            start = centre[primary] + offset
            targets = standbys if lane == "data" else replicas
            for region in targets:
                end_x = centre[region] + offset
                if lane == "data":
                    _x, _t, bottom = anchors[(region, "data")]
                    line([(start, pbottom), (start, ly), (end_x, ly), (end_x, bottom)], color, True)
                else:
                    _x, rtop, _b = anchors[(region, "replica")]
                    line([(start, pbottom), (start, ly), (end_x, ly), (end_x, rtop)], color, True)
            label = (data_label or "") if lane == "data" else "RDS read replica"
            ax.text(
                centre[primary] + (0.5 if rightwards else -0.5),
                ly,
                label,
                ha="left" if rightwards else "right",
                va="center",
                fontsize=7,
                color=color,
                bbox={"boxstyle": "square,pad=0.1", "fc": "white", "ec": "none"},
                zorder=4,
            )

    if global_stack is not None:
        gx, _gt, gb = anchors[(global_stack.region, "global")]
        for region in regions:
            if (region, "app") in anchors:
                _x, app_top, _b = anchors[(region, "app")]
                # Down to a lane above the region headers, along it, down to the ALB badge.
                route_y = gb - 0.2
                points = [(gx, gb), (gx, route_y), (alb_x[region], route_y)]
                line([*points, (alb_x[region], app_top + 0.12)], ARROW["routing"], True, "--")
    handles = [
        Patch(fc=KIND_COLOR[k], ec="#34495e", label=f"{k} stack") for k in ("global", *kinds)
    ] + [
        Line2D([], [], color=ARROW["routing"], ls="--", label="Route 53 -> ALB (health-checked)"),
        Line2D([], [], color=ARROW["data"], label=data_label or "data replication"),
        Line2D([], [], color=ARROW["replica"], label="RDS read replica"),
    ]
    fig.legend(
        handles=handles,
        loc="lower center",
        ncol=4 if len(regions) < 3 else 7,
        fontsize=7.5,
        frameon=False,
        bbox_to_anchor=(0.5, 0.0),
    )
    ax.set_title(
        f"{settings.prefix}: {settings.posture.value}, drawn from "
        f"{len(templates.stacks)} synthesized templates",
        fontsize=10,
    )
    fig.subplots_adjust(bottom=0.6 / (total_h * 0.85 + 0.6) + 0.02)
    return fig
