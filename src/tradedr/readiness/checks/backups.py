"""The newest backup copies in the standby's vault are within `backup_rpo_seconds`.

A completed recovery point in the standby vault for each protected resource (the orders DB
and the sessions table) whose age is within the backup RPO: that is what a backup-restore
recovery, or a rebuild after losing both the primary and its replica, would start from.
https://docs.aws.amazon.com/aws-backup/latest/devguide/recov-point-create-a-copy.html
moto has no recovery points, so the check is not emulated.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from tradedr.readiness.model import ReadinessCheck, ReadinessContext, Status, Verdict


def _age(ctx: ReadinessContext, point: dict[str, Any]) -> float:
    created: dt.datetime = point["CreationDate"]
    return (ctx.now() - created).total_seconds()


class BackupCopiesCheck(ReadinessCheck):
    name = "backup-copies"
    summary = "the backup copies in the standby are recent enough for backup_rpo_seconds"
    emulated = False
    not_emulated_reason = "moto runs no backup jobs and lists no recovery points"

    def protected(self, ctx: ReadinessContext) -> dict[str, str]:
        """What must have a copy: label -> a string its source ARN ends with."""
        facts = ctx.facts
        db = (
            f":cluster:{facts.db_clusters[ctx.primary]}"
            if facts.aurora
            else f":db:{facts.db_identifiers[ctx.primary]}"
        )
        return {"orders DB": db, "sessions table": f":table/{facts.sessions_table}"}

    def run(self, ctx: ReadinessContext) -> Verdict:
        vault = ctx.facts.backup_vault
        backup = ctx.client("backup", ctx.standby)
        points: list[dict[str, Any]] = []
        for page in backup.get_paginator("list_recovery_points_by_backup_vault").paginate(
            BackupVaultName=vault
        ):
            points += [p for p in page.get("RecoveryPoints", []) if p.get("Status") == "COMPLETED"]
        rpo = ctx.facts.backup_rpo_seconds
        problems, shown = [], []
        for label, suffix in self.protected(ctx).items():
            mine = [p for p in points if str(p.get("ResourceArn", "")).endswith(suffix)]
            if not mine:
                problems.append(f"no completed copy of the {label} in {vault}")
                continue
            age = min(_age(ctx, p) for p in mine)
            shown.append(f"{label} {age / 3600:.1f} h old")
            if age > rpo:
                problems.append(f"{label} copy is {age / 3600:.1f} h old (RPO {rpo / 3600:g} h)")
        if problems:
            return self.verdict(ctx, Status.FAIL, "; ".join(problems), problems=problems)
        return self.verdict(
            ctx, Status.PASS, f"{', '.join(shown)} (RPO {rpo / 3600:g} h) in {vault}"
        )
