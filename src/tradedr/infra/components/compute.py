"""The app tier of one region: ALB, launch template (IMDSv2, encrypted gp3) and an ASG."""

from __future__ import annotations

import aws_cdk as cdk
from aws_cdk import aws_autoscaling as autoscaling
from aws_cdk import aws_ec2 as ec2
from aws_cdk import aws_elasticloadbalancingv2 as elbv2
from aws_cdk import aws_iam as iam
from aws_cdk import aws_ssm as ssm
from constructs import Construct

HEALTH_SERVER = r"""#!/usr/bin/env python3
# Deep health check: 200 only when the orders DB accepts TCP and the sessions table answers.
import json, socket, subprocess, time
from http.server import BaseHTTPRequestHandler, HTTPServer

REGION = "{region}"
TABLE = "{table}"
PARAM = "{param}"

def db_endpoint():
    out = subprocess.run(["aws", "ssm", "get-parameter", "--region", REGION, "--name", PARAM,
                          "--query", "Parameter.Value", "--output", "text"],
                         capture_output=True, text=True, timeout=3)
    return out.stdout.strip()

def checks():
    result = {{}}
    try:
        host = db_endpoint()
        socket.create_connection((host, 3306), timeout=2).close()
        result["database"] = "ok"
    except Exception as exc:
        result["database"] = "fail: %s" % exc
    ddb = subprocess.run(["aws", "dynamodb", "describe-table", "--region", REGION,
                          "--table-name", TABLE, "--query", "Table.TableStatus",
                          "--output", "text"], capture_output=True, text=True, timeout=3)
    result["sessions"] = "ok" if ddb.stdout.strip() == "ACTIVE" else "fail"
    return result

class Handler(BaseHTTPRequestHandler):
    def do_GET(self):
        if self.path != "{path}":
            self.send_response(404); self.end_headers(); return
        result = checks()
        healthy = all(v == "ok" for v in result.values())
        body = json.dumps({{"healthy": healthy, "checks": result, "time": time.time()}}).encode()
        self.send_response(200 if healthy else 503)
        self.send_header("Content-Type", "application/json")
        self.end_headers()
        self.wfile.write(body)

HTTPServer(("0.0.0.0", 80), Handler).serve_forever()
"""


class AppTier(Construct):
    """Public ALB in front of a private ASG whose instances serve a deep `/health`."""

    def __init__(
        self,
        scope: Construct,
        construct_id: str,
        *,
        vpc: ec2.IVpc,
        instance_type: str,
        capacity: tuple[int, int, int],
        asg_name: str,
        alb_name: str,
        target_group_name: str,
        health_check_path: str,
        table_name: str,
        table_arn: str,
        db_endpoint: str,
        db_endpoint_parameter: str,
        secret_arn_pattern: str,
        allowed_regions: list[str],
    ) -> None:
        super().__init__(scope, construct_id)
        region = cdk.Stack.of(self).region
        self.db_endpoint_parameter = ssm.StringParameter(
            self,
            "DbEndpoint",
            parameter_name=db_endpoint_parameter,
            string_value=db_endpoint,
            description="Orders DB endpoint the app connects to; failover rewrites it",
        )
        self.alb_security_group = ec2.SecurityGroup(
            self, "AlbSecurityGroup", vpc=vpc, description="ALB: HTTP/HTTPS from the internet"
        )
        self.alb_security_group.add_ingress_rule(ec2.Peer.any_ipv4(), ec2.Port.tcp(80), "HTTP")
        self.alb_security_group.add_ingress_rule(ec2.Peer.any_ipv4(), ec2.Port.tcp(443), "HTTPS")
        self.instance_security_group = ec2.SecurityGroup(
            self, "InstanceSecurityGroup", vpc=vpc, description="App instances: from the ALB only"
        )
        self.instance_security_group.add_ingress_rule(
            self.alb_security_group, ec2.Port.tcp(80), "HTTP from the ALB"
        )

        self.role = iam.Role(
            self,
            "InstanceRole",
            assumed_by=iam.ServicePrincipal("ec2.amazonaws.com"),
            description="App instances: read their DB endpoint, secret and sessions table",
        )
        region_condition = {"StringEquals": {"aws:RequestedRegion": allowed_regions}}
        self.role.add_to_policy(
            iam.PolicyStatement(
                actions=["ssm:GetParameter"],
                resources=[self.db_endpoint_parameter.parameter_arn],
                conditions=region_condition,
            )
        )
        self.role.add_to_policy(
            iam.PolicyStatement(
                actions=[
                    "dynamodb:DescribeTable",
                    "dynamodb:GetItem",
                    "dynamodb:PutItem",
                    "dynamodb:UpdateItem",
                    "dynamodb:DeleteItem",
                    "dynamodb:Query",
                ],
                resources=[cdk.Fn.sub(table_arn)],
                conditions=region_condition,
            )
        )
        self.role.add_to_policy(
            iam.PolicyStatement(
                actions=["secretsmanager:GetSecretValue", "secretsmanager:DescribeSecret"],
                resources=[cdk.Fn.sub(secret_arn_pattern)],
                conditions=region_condition,
            )
        )

        user_data = ec2.UserData.for_linux()
        script = HEALTH_SERVER.format(
            region=region, table=table_name, param=db_endpoint_parameter, path=health_check_path
        )
        user_data.add_commands(
            "set -euo pipefail",
            "cat > /usr/local/bin/tradedr-health <<'PYEOF'",
            script,
            "PYEOF",
            "chmod 0755 /usr/local/bin/tradedr-health",
            "nohup /usr/local/bin/tradedr-health >/var/log/tradedr-health.log 2>&1 &",
        )
        self.launch_template = ec2.LaunchTemplate(
            self,
            "LaunchTemplate",
            instance_type=ec2.InstanceType(instance_type),
            machine_image=ec2.MachineImage.latest_amazon_linux2023(),
            security_group=self.instance_security_group,
            role=self.role,
            user_data=user_data,
            require_imdsv2=True,
            http_put_response_hop_limit=1,
            detailed_monitoring=True,
            block_devices=[
                ec2.BlockDevice(
                    device_name="/dev/xvda",
                    volume=ec2.BlockDeviceVolume.ebs(
                        30,
                        volume_type=ec2.EbsDeviceVolumeType.GP3,
                        encrypted=True,
                        delete_on_termination=True,
                    ),
                )
            ],
        )
        minimum, desired, maximum = capacity
        self.asg = autoscaling.AutoScalingGroup(
            self,
            "Asg",
            auto_scaling_group_name=asg_name,
            vpc=vpc,
            vpc_subnets=ec2.SubnetSelection(subnet_type=ec2.SubnetType.PRIVATE_WITH_EGRESS),
            launch_template=self.launch_template,
            min_capacity=minimum,
            desired_capacity=desired,
            max_capacity=maximum,
            health_checks=autoscaling.HealthChecks.with_additional_checks(
                additional_types=[autoscaling.AdditionalHealthCheckType.ELB],
                grace_period=cdk.Duration.seconds(120),
            ),
            update_policy=autoscaling.UpdatePolicy.rolling_update(),
            group_metrics=[autoscaling.GroupMetrics.all()],
        )
        self.asg.scale_on_cpu_utilization("CpuTarget", target_utilization_percent=60)

        self.alb = elbv2.ApplicationLoadBalancer(
            self,
            "Alb",
            load_balancer_name=alb_name,
            vpc=vpc,
            internet_facing=True,
            security_group=self.alb_security_group,
            vpc_subnets=ec2.SubnetSelection(subnet_type=ec2.SubnetType.PUBLIC),
            drop_invalid_header_fields=True,
            deletion_protection=False,
        )
        self.target_group = elbv2.ApplicationTargetGroup(
            self,
            "Targets",
            target_group_name=target_group_name,
            vpc=vpc,
            port=80,
            protocol=elbv2.ApplicationProtocol.HTTP,
            targets=[self.asg],
            deregistration_delay=cdk.Duration.seconds(30),
            health_check=elbv2.HealthCheck(
                path=health_check_path,
                interval=cdk.Duration.seconds(10),
                timeout=cdk.Duration.seconds(5),
                healthy_threshold_count=2,
                unhealthy_threshold_count=2,
            ),
        )
        self.listener = self.alb.add_listener(
            "Http", port=80, open=False, default_target_groups=[self.target_group]
        )
