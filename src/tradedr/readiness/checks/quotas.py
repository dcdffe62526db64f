"""Service quotas in the standby cover its full capacity (vCPUs, ENIs, EIPs, ALBs).

Full capacity is the standby ASG at `asg_max`: the vCPUs and network interfaces the extra
instances need come on top of what the region already uses. The quotas (applied values,
else AWS defaults):
- EC2 L-1216C47A, running On-Demand Standard (A, C, D, H, I, M, R, T, Z) instance vCPUs;
- VPC L-DF5E4CA3, network interfaces per Region;
- EC2 L-0263D0A3, EC2-VPC Elastic IPs;
- Elastic Load Balancing L-53DA6B97, Application Load Balancers per Region.
https://docs.aws.amazon.com/ec2/latest/instancetypes/ec2-instance-quotas.html
https://docs.aws.amazon.com/vpc/latest/userguide/amazon-vpc-limits.html
https://docs.aws.amazon.com/elasticloadbalancing/latest/application/load-balancer-limits.html
moto knows only some VPC quotas, so the check is not emulated.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from botocore.exceptions import ClientError

from tradedr.readiness.model import ReadinessCheck, ReadinessContext, Status, Verdict


@dataclass(frozen=True)
class Need:
    what: str
    service: str
    code: str
    used: int
    extra: int

    def fits(self, quota: float) -> bool:
        return self.used + self.extra <= quota


def quota_value(ctx: ReadinessContext, service: str, code: str) -> float:
    quotas = ctx.client("service-quotas", ctx.standby)
    try:
        return float(
            quotas.get_service_quota(ServiceCode=service, QuotaCode=code)["Quota"]["Value"]
        )
    except ClientError as exc:
        if exc.response.get("Error", {}).get("Code") != "NoSuchResourceException":
            raise
    default = quotas.get_aws_default_service_quota(ServiceCode=service, QuotaCode=code)
    return float(default["Quota"]["Value"])


def _pages(client: Any, operation: str, key: str, **kwargs: Any) -> list[Any]:
    items: list[Any] = []
    for page in client.get_paginator(operation).paginate(**kwargs):
        items.extend(page.get(key, []))
    return items


class QuotasCheck(ReadinessCheck):
    name = "service-quotas"
    summary = "service quotas cover full standby capacity (EC2 vCPUs, ENIs, EIPs, ALBs)"
    emulated = False
    not_emulated_reason = "moto knows only some VPC quotas, none of EC2's or ELB's"

    def needs(self, ctx: ReadinessContext) -> list[Need]:
        region, facts = ctx.standby, ctx.facts
        ec2 = ctx.client("ec2", region)
        running = [
            instance
            for reservation in _pages(
                ec2,
                "describe_instances",
                "Reservations",
                Filters=[{"Name": "instance-state-name", "Values": ["pending", "running"]}],
            )
            for instance in reservation.get("Instances", [])
        ]
        used_vcpus = sum(
            i.get("CpuOptions", {}).get("CoreCount", 1)
            * i.get("CpuOptions", {}).get("ThreadsPerCore", 1)
            for i in running
        )
        per_instance = ec2.describe_instance_types(InstanceTypes=[facts.instance_type])[
            "InstanceTypes"
        ][0]["VCpuInfo"]["DefaultVCpus"]
        extra_instances = max(0, facts.asg_max - facts.desired.get(region, 0))
        enis = len(_pages(ec2, "describe_network_interfaces", "NetworkInterfaces"))
        eips = len(ec2.describe_addresses().get("Addresses", []))
        albs = [
            lb
            for lb in _pages(
                ctx.client("elbv2", region), "describe_load_balancers", "LoadBalancers"
            )
            if lb.get("Type") == "application"
        ]
        # Backup-restore creates the standby's ALB at failover; the others have it already.
        extra_albs = 0 if facts.runs_standby_app else 1
        return [
            Need("EC2 vCPUs", "ec2", "L-1216C47A", used_vcpus, extra_instances * per_instance),
            Need("ENIs", "vpc", "L-DF5E4CA3", enis, extra_instances),
            Need("EIPs", "ec2", "L-0263D0A3", eips, 0),
            Need("ALBs", "elasticloadbalancing", "L-53DA6B97", len(albs), extra_albs),
        ]

    def run(self, ctx: ReadinessContext) -> Verdict:
        short = []
        shown = []
        for need in self.needs(ctx):
            quota = quota_value(ctx, need.service, need.code)
            text = f"{need.what} {need.used}+{need.extra}/{quota:g}"
            shown.append(text)
            if not need.fits(quota):
                short.append(text)
        if short:
            return self.verdict(
                ctx, Status.FAIL, f"quota short at full capacity: {', '.join(short)}"
            )
        return self.verdict(ctx, Status.PASS, f"used+needed/quota: {', '.join(shown)}")
