"""EC2 Auto Scaling groups: instances, their EBS volumes and detailed monitoring."""

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
