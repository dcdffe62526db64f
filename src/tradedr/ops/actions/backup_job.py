"""AWS Backup: an on-demand backup of a resource, then a copy to another region's vault.

Failback uses it to keep the stale writer's data before that instance is replaced.
"""

from __future__ import annotations

from tradedr.ops.actions.base import Action, ExecutionContext, Outcome, params_of
from tradedr.ops.backend import Capability
from tradedr.ops.plans import ActionKind, ApiCall, Step, StepParams


class BackupJobParams(StepParams):
    vault_name: str
    resource_arn: str
    role_arn: str
    copy_to_vault_arn: str | None = None


class BackupJob(Action):
    kind = ActionKind.BACKUP_JOB
    requires = Capability.BACKUP_JOBS
    Params = BackupJobParams

    def calls(self, step: Step) -> list[ApiCall]:
        calls = [
            ApiCall("backup", step.region, "StartBackupJob"),
            ApiCall("backup", step.region, "DescribeBackupJob"),
        ]
        if params_of(step, BackupJobParams).copy_to_vault_arn:
            calls.append(ApiCall("backup", step.region, "StartCopyJob"))
        return calls

    def run(self, ctx: ExecutionContext, step: Step) -> Outcome:
        region = step.region
        params = params_of(step, BackupJobParams)
        started = ctx.call(
            "backup",
            region,
            "StartBackupJob",
            BackupVaultName=params.vault_name,
            ResourceArn=params.resource_arn,
            IamRoleArn=params.role_arn,
            IdempotencyToken=f"{ctx.run_id}-{step.id}"[:64] or step.id,
        )
        job_id = started["BackupJobId"]
        recovery_point: dict[str, str] = {}

        def completed() -> bool:
            job = ctx.call("backup", region, "DescribeBackupJob", BackupJobId=job_id)
            if job.get("State") in ("FAILED", "ABORTED", "EXPIRED"):
                from tradedr.errors import AwsOperationError

                raise AwsOperationError(
                    f"{step.id}: backup job {job_id} {job['State']}: {job.get('StatusMessage')}"
                )
            recovery_point["arn"] = job.get("RecoveryPointArn", "")
            return job.get("State") == "COMPLETED"

        ctx.wait_for(f"backup job {job_id}", completed)
        detail = f"backup job {job_id} -> {recovery_point['arn']}"
        copy_to = params.copy_to_vault_arn
        if copy_to:
            copy = ctx.call(
                "backup",
                region,
                "StartCopyJob",
                RecoveryPointArn=recovery_point["arn"],
                SourceBackupVaultName=params.vault_name,
                DestinationBackupVaultArn=copy_to,
                IamRoleArn=params.role_arn,
                IdempotencyToken=f"{ctx.run_id}-{step.id}-copy"[:64],
            )
            detail += f"; copy job {copy['CopyJobId']} to {copy_to}"
        return Outcome("executed", detail, {"backup_job_id": job_id})
