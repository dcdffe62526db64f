"""The region-switch stack: the failover plan as an `AWS::ARCRegionSwitch::Plan`, with the
role Region switch runs it as (opt-in `failover.orchestrator = "arc-region-switch"`).

Why a stack of its own, deployed last in the primary region: its steps name resources of
every earlier stack (each region's ASG and database, the traffic stack's routing controls
or endpoint groups, the global stack's hosted zone, which deploys after the traffic stack),
and with `dns-failover` there is no traffic stack at all. The ARNs come in as parameters
filled from those stacks' outputs (`sourced_parameter`), so no cross-region reference is
needed. Plans are global (their ARN has no region); the primary region deploys it.
"""

from __future__ import annotations

import aws_cdk as cdk
from aws_cdk import aws_iam as iam
from constructs import Construct

from tradedr.config import Settings
from tradedr.infra.components.compliance import acknowledge
from tradedr.infra.components.region_switch import region_switch_plan_resource
from tradedr.infra.region_switch_plan import PlanInputs, PlanSource
from tradedr.infra.stacks.base import _output, _RegionalStack, sourced_parameter
from tradedr.names import region_code

SERVICE_PRINCIPAL = "arc-region-switch.amazonaws.com"


class RegionSwitchStack(_RegionalStack):
    """The plan, its execution role and the role allowed to approve its manual step."""

    def __init__(
        self,
        scope: Construct,
        *,
        settings: Settings,
        app_regions: list[str],
        plan_source: PlanSource,
    ) -> None:
        region = settings.primary_region
        super().__init__(
            scope,
            f"{settings.prefix}-regionswitch",
            settings=settings,
            region=region,
            kind="regionswitch",
        )
        names = self.names
        self._app_regions = list(app_regions)
        lambda_arn = str(settings.failover.custom_action_lambda)

        def param(name: str, stack: str, output: str, description: str) -> str:
            return sourced_parameter(
                self, name, source_stack=stack, output=output, description=description
            ).value_as_string

        asgs = {
            r: param(f"AsgArn{region_code(r).upper()}", names.app_stack(r), "AsgArn", f"ASG in {r}")
            for r in app_regions
        }
        account = cdk.Aws.ACCOUNT_ID
        partition = cdk.Aws.PARTITION
        db = settings.database
        instances = (
            {}
            if db.is_aurora_global or db.is_mrsc
            else {
                r: f"arn:{partition}:rds:{r}:{account}:db:{names.db_identifier(r)}"
                for r in settings.all_regions
            }
        )
        clusters = (
            {
                r: f"arn:{partition}:rds:{r}:{account}:cluster:{names.db_cluster(r)}"
                for r in settings.all_regions
            }
            if db.is_aurora_global
            else {}
        )
        traffic = settings.routing.traffic
        zone = (
            param("HostedZoneId", names.global_stack, "HostedZoneId", "Public hosted zone")
            if traffic == "dns-failover"
            else None
        )
        controls = (
            {
                r: param(
                    f"RoutingControlArn{region_code(r).upper()}",
                    names.traffic_stack,
                    f"RoutingControlArn{region_code(r).upper()}",
                    f"Routing control of {r}",
                )
                for r in app_regions
            }
            if traffic == "arc"
            else {}
        )
        groups = (
            {
                r: param(
                    f"EndpointGroupArn{region_code(r).upper()}",
                    names.traffic_stack,
                    f"EndpointGroupArn{region_code(r).upper()}",
                    f"Endpoint group of {r}",
                )
                for r in app_regions
            }
            if traffic == "global-accelerator"
            else {}
        )

        execution = iam.Role(
            self,
            "ExecutionRole",
            assumed_by=iam.ServicePrincipal(SERVICE_PRINCIPAL),
            description="Region switch runs the tradedr failover plan as this role",
        )
        approver = iam.Role(
            self,
            "ApprovalRole",
            assumed_by=iam.AccountRootPrincipal(),
            description="Who may approve the plan's manual approval step",
        )
        # IAM names the ASGs and routing controls by pattern, not by the parameters: a
        # policy must not depend on another stack's output being resolvable (the UUID and
        # the control ids are generated), and the plan itself carries the exact ARNs.
        asg_patterns = [
            f"arn:{partition}:autoscaling:{r}:{account}:autoScalingGroup:*:"
            f"autoScalingGroupName/{names.asg(r)}"
            for r in app_regions
        ]
        self._grant(
            execution, approver, lambda_arn, asg_patterns, instances, clusters, zone, bool(controls)
        )
        inputs = PlanInputs(
            execution_role=execution.role_arn,
            approval_role=approver.role_arn,
            custom_action_lambda=lambda_arn,
            asg_arns=asgs,
            db_instance_arns=instances,
            db_cluster_arns=clusters,
            hosted_zone_id=zone,
            routing_controls=controls,
            endpoint_groups=groups,
        )
        request = plan_source(settings, inputs)
        # The plan carries the tags every tradedr resource carries (DR007), with its own.
        request["tags"] = {
            **settings.required_tags(region),
            "Name": f"{settings.prefix}-failover-plan",
            **request.get("tags", {}),
        }
        self.plan = region_switch_plan_resource(self, "Plan", request=request)
        _output(self, "PlanArn", self.plan.get_att("Arn").to_string(), "Region switch plan")

    def _grant(
        self,
        execution: iam.Role,
        approver: iam.Role,
        lambda_arn: str,
        asg_patterns: list[str],
        instances: dict[str, str],
        clusters: dict[str, str],
        zone: str | None,
        controls: bool,
    ) -> None:
        """Scoped to the resources the steps name; the Describe/Get calls Region switch makes
        to evaluate a plan take no resource ARN, so they are on `*` (acknowledged)."""
        plan_arn = f"arn:{cdk.Aws.PARTITION}:arc-region-switch::{cdk.Aws.ACCOUNT_ID}:plan/*"
        statements = [
            iam.PolicyStatement(actions=["lambda:InvokeFunction"], resources=[lambda_arn])
        ]
        statements.append(
            iam.PolicyStatement(
                actions=["autoscaling:UpdateAutoScalingGroup"], resources=asg_patterns
            )
        )
        if instances:
            statements.append(
                iam.PolicyStatement(
                    actions=["rds:PromoteReadReplica"], resources=list(instances.values())
                )
            )
        if clusters:
            statements.append(
                iam.PolicyStatement(
                    actions=["rds:FailoverGlobalCluster", "rds:SwitchoverGlobalCluster"],
                    resources=[
                        *clusters.values(),
                        f"arn:{cdk.Aws.PARTITION}:rds::{cdk.Aws.ACCOUNT_ID}:global-cluster:"
                        f"{self.names.global_cluster}",
                    ],
                )
            )
        if controls:
            statements.append(
                iam.PolicyStatement(
                    actions=[
                        "route53-recovery-cluster:UpdateRoutingControlState",
                        "route53-recovery-cluster:UpdateRoutingControlStates",
                        "route53-recovery-cluster:GetRoutingControlState",
                    ],
                    resources=[
                        f"arn:{cdk.Aws.PARTITION}:route53-recovery-control::"
                        f"{cdk.Aws.ACCOUNT_ID}:controlpanel/*/routingcontrol/*"
                    ],
                )
            )
        if zone is not None:
            statements.append(
                iam.PolicyStatement(
                    actions=["route53:ChangeResourceRecordSets", "route53:ListResourceRecordSets"],
                    resources=[f"arn:{cdk.Aws.PARTITION}:route53:::hostedzone/{zone}"],
                )
            )
        statements.append(
            iam.PolicyStatement(
                actions=[
                    "autoscaling:DescribeAutoScalingGroups",
                    "cloudwatch:GetMetricStatistics",
                    "rds:DescribeDBInstances",
                    "rds:DescribeDBClusters",
                    "rds:DescribeGlobalClusters",
                    "route53:GetHealthCheck",
                    "route53-recovery-control-config:DescribeRoutingControl",
                    "globalaccelerator:DescribeEndpointGroup",
                    "arc-region-switch:GetPlan",
                    "arc-region-switch:GetPlanExecution",
                ],
                resources=["*"],
            )
        )
        policy = iam.ManagedPolicy(
            self,
            "ExecutionPolicy",
            description="What the Region switch plan's steps call, on the plan's resources",
            roles=[execution],
            statements=statements,
        )
        approval = iam.ManagedPolicy(
            self,
            "ApprovalPolicy",
            description="Approve the Region switch plan's manual approval step",
            roles=[approver],
            statements=[
                iam.PolicyStatement(
                    actions=["arc-region-switch:ApprovePlanExecutionStep"], resources=[plan_arn]
                )
            ],
        )
        patterned = [
            "AwsSolutions-IAM5[Resource::*]",
            *(
                f"AwsSolutions-IAM5[Resource::arn:<AWS::Partition>:autoscaling:{r}:"
                f"<AWS::AccountId>:autoScalingGroup:*:autoScalingGroupName/{self.names.asg(r)}]"
                for r in self._app_regions
            ),
        ]
        if controls:
            patterned.append(
                "AwsSolutions-IAM5[Resource::arn:<AWS::Partition>:route53-recovery-control::"
                "<AWS::AccountId>:controlpanel/*/routingcontrol/*]"
            )
        acknowledge(
            policy,
            rules=patterned,
            reason="Describe/Get calls Region switch makes take no resource ARN; the ASGs "
            "(a generated UUID in the ARN) are named by their names, the routing controls "
            "(generated ids) by the account's control panels; the plan holds exact ARNs",
        )
        acknowledge(
            approval,
            rules=[
                "AwsSolutions-IAM5[Resource::arn:<AWS::Partition>:arc-region-switch::"
                "<AWS::AccountId>:plan/*]"
            ],
            reason="the plan's ARN ends in a suffix AWS assigns at creation; approval is "
            "limited to this account's Region switch plans",
        )
