"""The VPC of one region: public, private and isolated subnets over explicit AZs."""

from __future__ import annotations

import aws_cdk as cdk
from aws_cdk import aws_ec2 as ec2
from aws_cdk import aws_iam as iam
from aws_cdk import aws_kms as kms
from aws_cdk import aws_logs as logs
from constructs import Construct

from tradedr.infra.components.compliance import acknowledge
from tradedr.infra.components.security import scoped_role


class Network(Construct):
    """VPC with flow logs; AZs are passed in so synth never asks AWS for them."""

    def __init__(
        self,
        scope: Construct,
        construct_id: str,
        *,
        cidr: str,
        availability_zones: list[str],
        nat_gateways: int,
        key: kms.IKey,
    ) -> None:
        super().__init__(scope, construct_id)
        self.vpc = ec2.Vpc(
            self,
            "Vpc",
            ip_addresses=ec2.IpAddresses.cidr(cidr),
            availability_zones=availability_zones,
            nat_gateways=nat_gateways,
            restrict_default_security_group=False,
            subnet_configuration=[
                ec2.SubnetConfiguration(
                    name="public",
                    subnet_type=ec2.SubnetType.PUBLIC,
                    cidr_mask=24,
                    # Only the ALB and NAT gateways (Elastic IPs) live here.
                    map_public_ip_on_launch=False,
                ),
                ec2.SubnetConfiguration(
                    name="private",
                    # Without a NAT gateway the private tier can only be isolated.
                    subnet_type=ec2.SubnetType.PRIVATE_WITH_EGRESS
                    if nat_gateways
                    else ec2.SubnetType.PRIVATE_ISOLATED,
                    cidr_mask=22,
                ),
                ec2.SubnetConfiguration(
                    name="isolated", subnet_type=ec2.SubnetType.PRIVATE_ISOLATED, cidr_mask=24
                ),
            ],
        )
        self.flow_log_group = logs.LogGroup(
            self,
            "FlowLogs",
            retention=logs.RetentionDays.ONE_YEAR,
            encryption_key=key,
            removal_policy=cdk.RemovalPolicy.RETAIN,
        )
        self.flow_log_role = scoped_role(
            self,
            "FlowLogRole",
            assumed_by=iam.ServicePrincipal("vpc-flow-logs.amazonaws.com"),
            description="VPC Flow Logs delivery to its encrypted log group",
            statements=[
                iam.PolicyStatement(
                    actions=[
                        "logs:CreateLogStream",
                        "logs:PutLogEvents",
                        "logs:DescribeLogStreams",
                    ],
                    resources=[self.flow_log_group.log_group_arn],
                )
            ],
        )
        self.vpc.add_flow_log(
            "FlowLog",
            destination=ec2.FlowLogDestination.to_cloud_watch_logs(
                self.flow_log_group, self.flow_log_role.without_policy_updates()
            ),
            traffic_type=ec2.FlowLogTrafficType.ALL,
        )
        acknowledge(
            self.vpc,
            rules=[
                "PCI.DSS.321-VPCNoUnrestrictedRouteToIGW",
                "NIST.800.53.R5-VPCNoUnrestrictedRouteToIGW",
            ],
            reason=(
                "Public subnets hold only the internet-facing ALB and the NAT gateways, which "
                "need a default route to the internet gateway; instances and databases sit "
                "in private and isolated subnets without one."
            ),
        )
