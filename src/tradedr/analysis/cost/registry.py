"""Which pricer prices which CloudFormation type.

A pricer module in `pricers/` registers each type it prices with `@prices("AWS::...")`; a
function that prices the deployment as a whole (log storage per region, DNS queries) runs
after the walk with `@after_walk`. A type that costs nothing by itself goes in `FREE_TYPES`;
any other type shows up in the report as "not priced by tradedr".
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from types import MappingProxyType
from typing import TYPE_CHECKING

from tradedr.analysis.templates import Resource, StackDoc

if TYPE_CHECKING:
    from tradedr.analysis.cost.context import PricingContext

ResourcePricer = Callable[["PricingContext", StackDoc, Resource], None]
DeploymentPricer = Callable[["PricingContext"], None]

# Resource types that cost nothing by themselves (their cost shows up elsewhere).
FREE_TYPES = frozenset(
    {
        "AWS::EC2::VPC",
        "AWS::EC2::Subnet",
        "AWS::EC2::RouteTable",
        "AWS::EC2::Route",
        "AWS::EC2::SubnetRouteTableAssociation",
        "AWS::EC2::InternetGateway",
        "AWS::EC2::VPCGatewayAttachment",
        "AWS::EC2::SecurityGroup",
        "AWS::EC2::SecurityGroupIngress",
        "AWS::EC2::SecurityGroupEgress",
        "AWS::IAM::Role",
        "AWS::IAM::Policy",
        "AWS::IAM::ManagedPolicy",
        "AWS::IAM::InstanceProfile",
        "AWS::KMS::Alias",
        "AWS::EC2::LaunchTemplate",
        "AWS::AutoScaling::ScalingPolicy",
        "AWS::ElasticLoadBalancingV2::Listener",
        "AWS::ElasticLoadBalancingV2::TargetGroup",
        "AWS::ElasticLoadBalancingV2::ListenerRule",
        "AWS::SNS::Topic",
        "AWS::SNS::TopicPolicy",
        "AWS::SNS::Subscription",
        "AWS::S3::BucketPolicy",
        "AWS::GlobalAccelerator::Listener",
        "AWS::GlobalAccelerator::EndpointGroup",
        "AWS::Route53RecoveryControl::ControlPanel",
        "AWS::Route53RecoveryControl::RoutingControl",
        "AWS::Route53RecoveryControl::SafetyRule",
        "AWS::RDS::DBSubnetGroup",
        "AWS::RDS::GlobalCluster",  # billed through its clusters' replicated write I/O
        "AWS::RDS::DBParameterGroup",
        "AWS::SecretsManager::SecretTargetAttachment",
        "AWS::SecretsManager::RotationSchedule",
        "AWS::Backup::BackupVault",
        "AWS::Backup::BackupSelection",
        "AWS::SSM::Parameter",
        "AWS::Route53::RecordSet",
        "AWS::WAFv2::WebACLAssociation",
        "AWS::Lambda::Permission",
        "AWS::CDK::Metadata",
        "AWS::CloudFormation::WaitConditionHandle",
        "AWS::EC2::NetworkAcl",
        "AWS::EC2::NetworkAclEntry",
        "AWS::EC2::SubnetNetworkAclAssociation",
        "AWS::Logs::LogGroup",  # priced by ingestion/storage usage per region, not per group
        "AWS::Events::Rule",
        "AWS::IAM::ServiceLinkedRole",
    }
)

_BY_TYPE: dict[str, ResourcePricer] = {}
_AFTER_WALK: list[DeploymentPricer] = []


def prices(*types: str) -> Callable[[ResourcePricer], ResourcePricer]:
    """Register the decorated function as the pricer of each CloudFormation type."""

    def register(pricer: ResourcePricer) -> ResourcePricer:
        for type_ in types:
            if type_ in FREE_TYPES:
                raise ValueError(f"{type_} is in FREE_TYPES and cannot also have a pricer")
            if type_ in _BY_TYPE and _BY_TYPE[type_] is not pricer:
                owner = _BY_TYPE[type_]
                raise ValueError(
                    f"{type_} already priced by {owner.__module__}.{owner.__qualname__}"
                )
            _BY_TYPE[type_] = pricer
        return pricer

    return register


def after_walk(pricer: DeploymentPricer) -> DeploymentPricer:
    """Register a pricer of the whole deployment, run once after every resource is priced."""
    if pricer not in _AFTER_WALK:
        _AFTER_WALK.append(pricer)
    return pricer


def resource_pricers() -> Mapping[str, ResourcePricer]:
    return MappingProxyType(_BY_TYPE)


def deployment_pricers() -> tuple[DeploymentPricer, ...]:
    return tuple(_AFTER_WALK)
