"""No CloudTrail trail: after a region loss nobody can tell who changed what, or when."""

from __future__ import annotations

from tradedr.assess.gaps.base import AssessContext, GapKind, evidence_of
from tradedr.assess.model import Evidence, Fix


class NoTrail(GapKind):
    id = "no-trail"
    title = "No CloudTrail trail"
    impact = "medium"
    why = (
        "A failover is a series of API calls (promote, scale, re-route); without a "
        "multi-region trail there is no record of who ran them, or of what changed before "
        "the incident. The first copy of management events is free."
    )
    source = "https://docs.aws.amazon.com/awscloudtrail/latest/userguide/cloudtrail-create-and-update-a-trail.html"
    fix = Fix(
        "one multi-region trail with log file validation, into an encrypted bucket",
        """Trail:
  Type: AWS::CloudTrail::Trail
  Properties:
    IsLogging: true
    IsMultiRegionTrail: true
    EnableLogFileValidation: true
    S3BucketName: !Ref AuditBucket
    KMSKeyId: !Ref DataKey
""",
    )

    def evidence(self, ctx: AssessContext) -> list[Evidence]:
        if ctx.of_type("AWS::CloudTrail::Trail"):
            return []
        stores = ctx.of_type("AWS::RDS::DBInstance", "AWS::RDS::DBCluster", "AWS::S3::Bucket")
        anchor = stores[:1] or ctx.of_type("AWS::EC2::VPC")[:1]
        if not anchor:
            return []
        return [evidence_of(anchor[0], "no AWS::CloudTrail::Trail in any template")]

    def closing_cost(
        self, ctx: AssessContext, evidence: list[Evidence]
    ) -> tuple[float | None, str]:
        return 0.0, "the first trail's management events are free (S3 storage aside)"
