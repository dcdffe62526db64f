"""AWS Backup: a vault per region, and in the primary a plan that copies to every standby."""

from __future__ import annotations

import aws_cdk as cdk
from aws_cdk import aws_backup as backup
from aws_cdk import aws_events as events
from aws_cdk import aws_kms as kms
from constructs import Construct

from tradedr.infra.components.compliance import acknowledge


class BackupVault(Construct):
    """Encrypted vault kept on stack delete: it holds the recovery points of last resort."""

    def __init__(
        self, scope: Construct, construct_id: str, *, vault_name: str, key: kms.IKey
    ) -> None:
        super().__init__(scope, construct_id)
        self.vault = backup.BackupVault(
            self,
            "Vault",
            backup_vault_name=vault_name,
            encryption_key=key,
            removal_policy=cdk.RemovalPolicy.RETAIN,
        )


class BackupPlan(Construct):
    """Scheduled backups of the primary's data stores with a cross-region copy per standby."""

    def __init__(
        self,
        scope: Construct,
        construct_id: str,
        *,
        plan_name: str,
        vault: backup.IBackupVault,
        copy_vault_arns: list[str],
        resource_arns: list[str],
        retention_days: int,
        hourly: bool,
    ) -> None:
        super().__init__(scope, construct_id)
        schedule = (
            events.Schedule.cron(minute="0")
            if hourly
            else events.Schedule.cron(hour="5", minute="0")
        )
        copy_actions = [
            backup.BackupPlanCopyActionProps(
                destination_backup_vault=backup.BackupVault.from_backup_vault_arn(
                    self, f"CopyVault{index}", cdk.Fn.sub(arn)
                ),
                delete_after=cdk.Duration.days(retention_days),
            )
            for index, arn in enumerate(copy_vault_arns)
        ]
        self.plan = backup.BackupPlan(self, "Plan", backup_plan_name=plan_name, backup_vault=vault)
        self.plan.add_rule(
            backup.BackupPlanRule(
                rule_name="hourly" if hourly else "daily",
                schedule_expression=schedule,
                delete_after=cdk.Duration.days(retention_days),
                start_window=cdk.Duration.hours(1),
                completion_window=cdk.Duration.hours(3),
                copy_actions=copy_actions,
            )
        )
        selection = self.plan.add_selection(
            "Selection",
            resources=[
                backup.BackupResource.from_arn(
                    arn if cdk.Token.is_unresolved(arn) or "${" not in arn else cdk.Fn.sub(arn)
                )
                for arn in resource_arns
            ],
        )
        acknowledge(
            selection,
            rules=[
                "AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/"
                "AWSBackupServiceRolePolicyForBackup]"
            ],
            reason=(
                "AWS Backup's service-role policy is maintained by AWS as Backup adds "
                "resource types; a hand-written copy would silently break backups when the "
                "service changes which calls it makes."
            ),
        )
