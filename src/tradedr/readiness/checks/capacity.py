"""The standby's instance type is offered in each of its AZs, and its AMI is available.

Reads what a scale-out would launch: the standby ASG's launch template version (its
instance type and AMI), then the type's offerings in the ASG's zones and the image's state.
An AMI deregistered, or a type not offered in one zone, fails the scale-out on the day.
https://docs.aws.amazon.com/AWSEC2/latest/APIReference/API_DescribeInstanceTypeOfferings.html
"""

from __future__ import annotations

from tradedr.readiness.model import ReadinessCheck, ReadinessContext, Status, Verdict


class InstanceCapacityCheck(ReadinessCheck):
    name = "instance-type-and-ami"
    summary = "the instance type and AMI are available in the standby's AZs"

    def run(self, ctx: ReadinessContext) -> Verdict:
        if not ctx.facts.runs_standby_app:
            return self.verdict(
                ctx, Status.NOT_APPLICABLE, "backup-restore has no standby app tier yet"
            )
        asg_name = ctx.facts.asg
        groups = (
            ctx.client("autoscaling", ctx.standby)
            .describe_auto_scaling_groups(AutoScalingGroupNames=[asg_name])
            .get("AutoScalingGroups", [])
        )
        if not groups:
            return self.verdict(ctx, Status.FAIL, f"no ASG {asg_name}")
        group = groups[0]
        template = group.get("LaunchTemplate") or {}
        zones = sorted(group.get("AvailabilityZones", []))
        ec2 = ctx.client("ec2", ctx.standby)
        versions = ec2.describe_launch_template_versions(
            LaunchTemplateId=template.get("LaunchTemplateId", ""),
            Versions=[str(template.get("Version", "$Default"))],
        )["LaunchTemplateVersions"]
        data = versions[0].get("LaunchTemplateData", {})
        instance_type = data.get("InstanceType", ctx.facts.instance_type)
        image = data.get("ImageId", "")
        problems = []
        offered = {
            o["Location"]
            for o in ec2.describe_instance_type_offerings(
                LocationType="availability-zone",
                Filters=[
                    {"Name": "instance-type", "Values": [instance_type]},
                    {"Name": "location", "Values": zones},
                ],
            ).get("InstanceTypeOfferings", [])
        }
        missing = [z for z in zones if z not in offered]
        if missing:
            problems.append(f"{instance_type} not offered in {', '.join(missing)}")
        images = ec2.describe_images(ImageIds=[image]).get("Images", []) if image else []
        state = images[0].get("State", "?") if images else "missing"
        if state != "available":
            problems.append(f"AMI {image or '(none)'} is {state}")
        if problems:
            return self.verdict(ctx, Status.FAIL, "; ".join(problems), problems=problems)
        return self.verdict(
            ctx,
            Status.PASS,
            f"{instance_type} offered in {', '.join(zones)}; AMI {image} available",
            instance_type=instance_type,
            image=image,
            zones=zones,
        )
