"""EC2: Auto Scaling groups (instances, their EBS volumes and detailed monitoring), and the
standalone instances and volumes other teams' templates declare."""

from __future__ import annotations

from tradedr.analysis.cost import keys
from tradedr.analysis.cost.context import PricingContext
from tradedr.analysis.cost.registry import prices
from tradedr.analysis.templates import Resource, StackDoc


@prices("AWS::AutoScaling::AutoScalingGroup")
def auto_scaling_group(ctx: PricingContext, stack: StackDoc, asg: Resource) -> None:
    region = stack.region
    desired = int(asg.prop("DesiredCapacity", 0) or 0)
    lt_ref = asg.prop("LaunchTemplate.LaunchTemplateId.Ref")
    lt = next(
        (r for r in stack.resources("AWS::EC2::LaunchTemplate") if r.logical_id == lt_ref), None
    )
    data = lt.prop("LaunchTemplateData", {}) if lt else {}
    instance_type = data.get("InstanceType", "unknown")
    ctx.add(
        region=region,
        component="ec2",
        resource=asg,
        charge=f"EC2 {instance_type} x {desired} (DesiredCapacity)",
        quantity=desired * ctx.hours,
        key=keys.EC2_INSTANCE(instance_type=instance_type),
    )
    for mapping in data.get("BlockDeviceMappings", []):
        ebs = mapping.get("Ebs", {})
        volume_type = ebs.get("VolumeType", "gp3")
        size = float(ebs.get("VolumeSize", 8))
        ctx.add(
            region=region,
            component="ebs",
            resource=asg,
            charge=f"EBS {volume_type} {size:g} GB x {desired}",
            quantity=size * desired,
            key=keys.EBS_STORAGE(volume_type=volume_type),
        )
    if data.get("Monitoring", {}).get("Enabled"):
        ctx.add(
            region=region,
            component="cloudwatch",
            resource=asg,
            charge=f"EC2 detailed monitoring (7 metrics x {desired})",
            quantity=7 * desired,
            key=keys.CLOUDWATCH_METRIC,
        )


@prices("AWS::EC2::Instance")
def instance(ctx: PricingContext, stack: StackDoc, server: Resource) -> None:
    """One instance all month, and its block devices."""
    instance_type = str(server.prop("InstanceType") or "m1.small")  # EC2's default type
    ctx.add(
        region=stack.region,
        component="ec2",
        resource=server,
        charge=f"EC2 {instance_type} (instance)",
        quantity=ctx.hours,
        key=keys.EC2_INSTANCE(instance_type=instance_type),
    )
    for mapping in server.prop("BlockDeviceMappings", []) or []:
        ebs = mapping.get("Ebs", {}) if isinstance(mapping, dict) else {}
        if not ebs:
            continue
        volume_type = str(ebs.get("VolumeType", "gp2"))
        size = float(ebs.get("VolumeSize", 8))
        ctx.add(
            region=stack.region,
            component="ebs",
            resource=server,
            charge=f"EBS {volume_type} {size:g} GB",
            quantity=size,
            key=keys.EBS_STORAGE(volume_type=volume_type),
        )


@prices("AWS::EC2::Volume")
def volume(ctx: PricingContext, stack: StackDoc, disk: Resource) -> None:
    volume_type = str(disk.prop("VolumeType") or "gp2")  # CloudFormation's default
    size = float(disk.prop("Size") or 0)
    ctx.add(
        region=stack.region,
        component="ebs",
        resource=disk,
        charge=f"EBS {volume_type} {size:g} GB (volume)",
        quantity=size,
        key=keys.EBS_STORAGE(volume_type=volume_type),
    )
