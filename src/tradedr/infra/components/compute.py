"""The app tier of one region: ALB, launch template (IMDSv2, encrypted gp3) and an ASG."""

from __future__ import annotations

import base64
import gzip
from importlib import resources

import aws_cdk as cdk
from aws_cdk import aws_autoscaling as autoscaling
from aws_cdk import aws_ec2 as ec2
from aws_cdk import aws_elasticloadbalancingv2 as elbv2
from aws_cdk import aws_iam as iam
from aws_cdk import aws_kms as kms
from aws_cdk import aws_logs as logs
from aws_cdk import aws_s3 as s3
from aws_cdk import aws_sns as sns
from aws_cdk import aws_ssm as ssm
from aws_cdk import aws_wafv2 as wafv2
from constructs import Construct

from tradedr.infra.components.compliance import acknowledge
from tradedr.infra.components.database import MYSQL_PORT
from tradedr.infra.components.security import scoped_role

WAF_MANAGED_RULE_GROUPS = (
    "AWSManagedRulesCommonRuleSet",
    "AWSManagedRulesKnownBadInputsRuleSet",
    "AWSManagedRulesSQLiRuleSet",
)
# Requests per 5 minutes from one IP before the rate-based rule blocks it.
WAF_RATE_LIMIT = 2000

# What user data installs beside the reference app (the versions the package pins).
APP_PACKAGES = ("pymysql==1.2.4", "boto3==1.44.5")
APP_PATH = "/opt/tradedr/orders_app.py"
# The app verifies TLS to RDS against the RDS CA bundle:
# https://docs.aws.amazon.com/AmazonRDS/latest/UserGuide/UsingWithRDS.SSL.html
RDS_CA_URL = "https://truststore.pki.rds.amazonaws.com/global/global-bundle.pem"
RDS_CA_PATH = "/opt/tradedr/rds-ca.pem"

# With the orders in a DynamoDB table (dynamodb-mrsc) the instances still run this
# health-only server: the reference app has a MySQL store only so far.
HEALTH_SERVER = r"""#!/usr/bin/env python3
# Deep health check: 200 only when the orders store answers (the DB accepts TCP, or, with
# an orders table, its replica in this region is ACTIVE) and the sessions table answers.
import json, socket, subprocess, time
from http.server import BaseHTTPRequestHandler, HTTPServer

REGION = "{region}"
TABLE = "{table}"
PARAM = "{param}"
DB_PORT = {db_port}
ORDERS_TABLE = "{orders_table}"

def table_status(name):
    out = subprocess.run(["aws", "dynamodb", "describe-table", "--region", REGION,
                          "--table-name", name, "--query", "Table.TableStatus",
                          "--output", "text"], capture_output=True, text=True, timeout=3)
    return out.stdout.strip()

def db_endpoint():
    out = subprocess.run(["aws", "ssm", "get-parameter", "--region", REGION, "--name", PARAM,
                          "--query", "Parameter.Value", "--output", "text"],
                         capture_output=True, text=True, timeout=3)
    return out.stdout.strip()

def checks():
    result = {{}}
    if ORDERS_TABLE:
        result["database"] = "ok" if table_status(ORDERS_TABLE) == "ACTIVE" else "fail"
    else:
        try:
            host = db_endpoint()
            socket.create_connection((host, DB_PORT), timeout=2).close()
            result["database"] = "ok"
        except Exception as exc:
            result["database"] = "fail: %s" % exc
    result["sessions"] = "ok" if table_status(TABLE) == "ACTIVE" else "fail"
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


def reference_app_source() -> bytes:
    """The reference app, read at synth time: the very file the local lab runs."""
    return (resources.files("tradedr.refapp") / "orders_app.py").read_bytes()


def app_user_data_commands(
    *,
    region: str,
    endpoint_parameter: str,
    secret_name: str | None,
    table_name: str,
    health_path: str,
    db_port: int,
    orders_table: str | None = None,
) -> list[str]:
    """Install the reference app (gzip + base64: EC2 user data is capped at 16 KB) as a
    systemd service on port 80, configured by the same names the lab uses. With
    `orders_table` (dynamodb-mrsc) it stores orders there instead of in MySQL."""
    packed = base64.b64encode(gzip.compress(reference_app_source(), mtime=0)).decode()
    database = (
        {"TRADEDR_STORE": "dynamodb-mrsc", "TRADEDR_ORDERS_TABLE": orders_table}
        if orders_table
        else {
            "TRADEDR_DB_SECRET_ID": str(secret_name),
            "TRADEDR_DB_PORT": str(db_port),
            "TRADEDR_DB_CA_FILE": RDS_CA_PATH,
        }
    )
    environment = {
        "TRADEDR_REGION": region,
        "TRADEDR_DB_PARAMETER": endpoint_parameter,
        **database,
        "TRADEDR_SESSIONS_TABLE": table_name,
        "TRADEDR_HEALTH_PATH": health_path,
        "TRADEDR_LISTEN": "0.0.0.0:80",
        "AWS_DEFAULT_REGION": region,
    }
    unit = [
        "[Unit]",
        "Description=tradedr reference orders app",
        "After=network-online.target",
        "[Service]",
        *(f"Environment={key}={value}" for key, value in environment.items()),
        f"ExecStart=/usr/bin/python3 {APP_PATH}",
        "Restart=always",
        "RestartSec=2",
        "[Install]",
        "WantedBy=multi-user.target",
    ]
    return [
        "set -euo pipefail",
        "dnf install -y python3-pip",
        f"pip3 install {' '.join(APP_PACKAGES)}",
        f"mkdir -p {APP_PATH.rsplit('/', 1)[0]}",
        f"echo '{packed}' | base64 -d | gunzip > {APP_PATH}",
        *([] if orders_table else [f"curl -fsSL -o {RDS_CA_PATH} {RDS_CA_URL}"]),
        f"chmod 0755 {APP_PATH}",
        "cat > /etc/systemd/system/tradedr-orders.service <<'UNITEOF'",
        *unit,
        "UNITEOF",
        "systemctl daemon-reload",
        "systemctl enable --now tradedr-orders.service",
    ]


class AppTier(Construct):
    """Public ALB in front of a private ASG whose instances serve a deep `/health`.

    With `certificate_arn` the ALB terminates TLS on 443 and port 80 only redirects there;
    without it the ALB serves plain HTTP on 80. Either way the target group speaks HTTP to
    the instances inside the VPC.
    """

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
        secret_arn: str | None,
        secret_name: str | None = None,
        allowed_regions: list[str],
        key: kms.IKey,
        log_bucket: s3.IBucket,
        alarm_topic: sns.ITopic,
        waf_name: str,
        certificate_arn: str | None = None,
        orders_table_arn: str | None = None,
        orders_table_name: str | None = None,
    ) -> None:
        """`orders_table_*`: the orders MRSC table replacing the DB (no secret then)."""
        super().__init__(scope, construct_id)
        region = cdk.Stack.of(self).region
        self.db_endpoint_parameter = ssm.StringParameter(
            self,
            "DbEndpoint",
            parameter_name=db_endpoint_parameter,
            string_value=db_endpoint,
            description="Orders DB endpoint the app connects to; failover rewrites it",
        )
        # Open only the ports with a listener: 80 always (it serves, or redirects to HTTPS),
        # 443 only when a certificate gives it an HTTPS listener.
        # (The description stays as it was: changing it would replace the group.)
        self.alb_security_group = ec2.SecurityGroup(
            self, "AlbSecurityGroup", vpc=vpc, description="ALB: HTTP/HTTPS from the internet"
        )
        self.alb_security_group.add_ingress_rule(ec2.Peer.any_ipv4(), ec2.Port.tcp(80), "HTTP")
        if certificate_arn is not None:
            self.alb_security_group.add_ingress_rule(
                ec2.Peer.any_ipv4(), ec2.Port.tcp(443), "HTTPS"
            )
        self.instance_security_group = ec2.SecurityGroup(
            self, "InstanceSecurityGroup", vpc=vpc, description="App instances: from the ALB only"
        )
        self.instance_security_group.add_ingress_rule(
            self.alb_security_group, ec2.Port.tcp(80), "HTTP from the ALB"
        )

        region_condition = {"StringEquals": {"aws:RequestedRegion": allowed_regions}}
        statements = [
            iam.PolicyStatement(
                actions=["ssm:GetParameter"],
                resources=[self.db_endpoint_parameter.parameter_arn],
                conditions=region_condition,
            ),
            iam.PolicyStatement(
                actions=[
                    "dynamodb:DescribeTable",
                    "dynamodb:GetItem",
                    "dynamodb:PutItem",
                    "dynamodb:UpdateItem",
                    "dynamodb:DeleteItem",
                    "dynamodb:Query",
                ],
                resources=[
                    cdk.Fn.sub(arn) for arn in (table_arn, orders_table_arn) if arn is not None
                ],
                conditions=region_condition,
            ),
            iam.PolicyStatement(
                actions=["kms:Decrypt", "kms:DescribeKey"],
                resources=[key.key_arn],
                conditions=region_condition,
            ),
        ]
        if secret_arn is not None:
            statements.append(
                iam.PolicyStatement(
                    actions=["secretsmanager:GetSecretValue", "secretsmanager:DescribeSecret"],
                    resources=[secret_arn],
                    conditions=region_condition,
                )
            )
        self.role = scoped_role(
            self,
            "InstanceRole",
            assumed_by=iam.ServicePrincipal("ec2.amazonaws.com"),
            description="App instances: read their DB endpoint, secret and sessions table"
            if secret_arn is not None
            else "App instances: read their endpoint parameter, orders and sessions tables",
            statements=statements,
        )

        user_data = ec2.UserData.for_linux()
        if orders_table_name is None and secret_name is None:
            script = HEALTH_SERVER.format(
                region=region,
                table=table_name,
                param=db_endpoint_parameter,
                path=health_check_path,
                db_port=MYSQL_PORT,
                orders_table=orders_table_name or "",
            )
            user_data.add_commands(
                "set -euo pipefail",
                "cat > /usr/local/bin/tradedr-health <<'PYEOF'",
                script,
                "PYEOF",
                "chmod 0755 /usr/local/bin/tradedr-health",
                "nohup /usr/local/bin/tradedr-health >/var/log/tradedr-health.log 2>&1 &",
            )
        else:
            user_data.add_commands(
                *app_user_data_commands(
                    region=region,
                    endpoint_parameter=db_endpoint_parameter,
                    secret_name=secret_name,
                    table_name=table_name,
                    health_path=health_check_path,
                    db_port=MYSQL_PORT,
                    orders_table=orders_table_name,
                )
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
            notifications=[autoscaling.NotificationConfiguration(topic=alarm_topic)],
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
            deletion_protection=True,
        )
        self.alb.log_access_logs(log_bucket, prefix=f"alb/{alb_name}")
        acknowledge(
            self.alb_security_group,
            rules=["AwsSolutions-EC23"],
            reason=(
                "An internet-facing ALB must accept its listener ports (80, and 443 with a "
                "certificate) from any address; WAF (managed rule groups and a rate limit) "
                "filters requests, and instances accept traffic from this group only."
            ),
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
        self.redirect_listener: elbv2.ApplicationListener | None = None
        if certificate_arn is None:
            self.listener = self._plain_http_listener()
        else:
            self.listener = self._https_listener(certificate_arn)
        self.web_acl = self._web_acl(waf_name, key)

    def _plain_http_listener(self) -> elbv2.ApplicationListener:
        listener = self.alb.add_listener(
            "Http", port=80, open=False, default_target_groups=[self.target_group]
        )
        acknowledge(
            listener,
            rules=[
                "PCI.DSS.321-ALBHttpToHttpsRedirection",
                "NIST.800.53.R5-ALBHttpToHttpsRedirection",
                "PCI.DSS.321-ELBv2ACMCertificateRequired",
                "NIST.800.53.R5-ELBv2ACMCertificateRequired",
            ],
            reason=(
                "Plain HTTP until a certificate exists for the public name: ACM DNS "
                "validation needs the delegated zone, which the global stack creates after "
                "the ALBs, and Route 53 health checks probe this port; TLS ends at the ALB "
                "once a certificate is attached."
            ),
        )
        return listener

    def _https_listener(self, certificate_arn: str) -> elbv2.ApplicationListener:
        """HTTPS on 443 (TLS 1.2+) serves; HTTP on 80 answers only with a permanent redirect."""
        listener = self.alb.add_listener(
            "Https",
            port=443,
            protocol=elbv2.ApplicationProtocol.HTTPS,
            certificates=[elbv2.ListenerCertificate.from_arn(certificate_arn)],
            # TLS 1.3 and 1.2 only (ELBSecurityPolicy-TLS13-1-2-2021-06).
            ssl_policy=elbv2.SslPolicy.RECOMMENDED_TLS,
            open=False,
            default_target_groups=[self.target_group],
        )
        self.redirect_listener = self.alb.add_listener(
            "Http",
            port=80,
            protocol=elbv2.ApplicationProtocol.HTTP,
            open=False,
            default_action=elbv2.ListenerAction.redirect(
                protocol="HTTPS", port="443", permanent=True
            ),
        )
        acknowledge(
            self.redirect_listener,
            rules=[
                "PCI.DSS.321-ELBv2ACMCertificateRequired",
                "NIST.800.53.R5-ELBv2ACMCertificateRequired",
            ],
            reason=(
                "This listener carries no certificate because it serves nothing: every "
                "request on port 80 gets a permanent redirect to the HTTPS listener, which "
                "uses the ACM certificate."
            ),
        )
        return listener

    def _web_acl(self, name: str, key: kms.IKey) -> wafv2.CfnWebACL:
        """AWS managed rule groups plus a per-IP rate limit, logged to an encrypted group."""
        rules = [
            wafv2.CfnWebACL.RuleProperty(
                name=group,
                priority=index,
                override_action=wafv2.CfnWebACL.OverrideActionProperty(none={}),
                statement=wafv2.CfnWebACL.StatementProperty(
                    managed_rule_group_statement=wafv2.CfnWebACL.ManagedRuleGroupStatementProperty(
                        vendor_name="AWS", name=group
                    )
                ),
                visibility_config=_visibility(group),
            )
            for index, group in enumerate(WAF_MANAGED_RULE_GROUPS)
        ]
        rules.append(
            wafv2.CfnWebACL.RuleProperty(
                name="RateLimitPerIp",
                priority=len(rules),
                action=wafv2.CfnWebACL.RuleActionProperty(block={}),
                statement=wafv2.CfnWebACL.StatementProperty(
                    rate_based_statement=wafv2.CfnWebACL.RateBasedStatementProperty(
                        limit=WAF_RATE_LIMIT, aggregate_key_type="IP"
                    )
                ),
                visibility_config=_visibility("RateLimitPerIp"),
            )
        )
        acl = wafv2.CfnWebACL(
            self,
            "WebAcl",
            name=name,
            scope="REGIONAL",
            default_action=wafv2.CfnWebACL.DefaultActionProperty(allow={}),
            rules=rules,
            visibility_config=_visibility(name),
        )
        wafv2.CfnWebACLAssociation(
            self,
            "WebAclAssociation",
            resource_arn=self.alb.load_balancer_arn,
            web_acl_arn=acl.attr_arn,
        )
        log_group = logs.LogGroup(
            self,
            "WafLogs",
            # WAF only logs to groups whose name starts with aws-waf-logs-.
            log_group_name=f"aws-waf-logs-{name}",
            retention=logs.RetentionDays.ONE_YEAR,
            encryption_key=key,
            removal_policy=cdk.RemovalPolicy.RETAIN,
        )
        wafv2.CfnLoggingConfiguration(
            self,
            "WafLogging",
            resource_arn=acl.attr_arn,
            log_destination_configs=[
                cdk.Stack.of(self).format_arn(
                    service="logs",
                    resource="log-group",
                    resource_name=log_group.log_group_name,
                    arn_format=cdk.ArnFormat.COLON_RESOURCE_NAME,
                )
            ],
        )
        return acl


def _visibility(metric: str) -> wafv2.CfnWebACL.VisibilityConfigProperty:
    return wafv2.CfnWebACL.VisibilityConfigProperty(
        cloud_watch_metrics_enabled=True,
        metric_name=metric.replace("-", ""),
        sampled_requests_enabled=True,
    )
