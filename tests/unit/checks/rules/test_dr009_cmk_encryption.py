"""DR009: a customer-managed KMS key on every data store; log sinks are exempt."""

from __future__ import annotations

import pytest

from tests.unit.checks.rules.fragments import Case, doc, findings_of, params, res

RULE = "DR009"
KMS_SSE = {"SSESpecification": {"SSEEnabled": True, "SSEType": "KMS", "KMSMasterKeyId": "k"}}
CMK_BUCKET = {
    "BucketEncryption": {
        "ServerSideEncryptionConfiguration": [
            {"ServerSideEncryptionByDefault": {"SSEAlgorithm": "aws:kms", "KMSMasterKeyID": "k"}}
        ]
    }
}
LOG_DELIVERY = {
    "Bucket": {"Ref": "L"},
    "PolicyDocument": {
        "Statement": [
            {
                "Effect": "Allow",
                "Principal": {"Service": "logging.s3.amazonaws.com"},
                "Action": "s3:PutObject",
                "Resource": "*",
            }
        ]
    },
}

CASES = [
    Case(
        "cmk everywhere",
        [
            doc(
                {
                    "D": res("AWS::RDS::DBInstance", {"StorageEncrypted": True, "KmsKeyId": "k"}),
                    "T": res("AWS::DynamoDB::Table", KMS_SSE),
                    "B": res("AWS::S3::Bucket", CMK_BUCKET),
                    "V": res("AWS::Backup::BackupVault", {"EncryptionKeyArn": "k"}),
                    "S": res("AWS::SecretsManager::Secret", {"KmsKeyId": "k"}),
                }
            )
        ],
        [],
    ),
    Case(
        "unencrypted db, aws-owned table",
        [doc({"D": res("AWS::RDS::DBInstance"), "T": res("AWS::DynamoDB::Table")})],
        [
            (RULE, "D", "storage is not encrypted"),
            (RULE, "T", "table is not encrypted with a customer-managed key"),
        ],
    ),
    Case(
        "aws-managed keys",
        [
            doc(
                {
                    "D": res("AWS::RDS::DBInstance", {"StorageEncrypted": True}),
                    "R": res("AWS::RDS::DBInstance", {"SourceDBInstanceIdentifier": "arn"}),
                    "B": res("AWS::S3::Bucket"),
                    "V": res("AWS::Backup::BackupVault"),
                    "S": res("AWS::SecretsManager::Secret"),
                }
            )
        ],
        [
            (RULE, "D", "encrypted with the AWS-managed key"),
            (RULE, "R", "replica names no KMS key"),
            (RULE, "B", "bucket is not encrypted with a customer-managed key"),
            (RULE, "V", "vault uses the AWS key"),
            (RULE, "S", "secret uses the AWS-managed key"),
        ],
    ),
    Case(
        "global table replica without a key",
        [
            doc(
                {
                    "G": res(
                        "AWS::DynamoDB::GlobalTable",
                        {
                            "SSESpecification": {"SSEEnabled": True, "SSEType": "KMS"},
                            "Replicas": [
                                {
                                    "Region": "us-east-1",
                                    "SSESpecification": {"KMSMasterKeyId": "k"},
                                },
                                {"Region": "us-west-2"},
                            ],
                        },
                    ),
                    "U": res("AWS::DynamoDB::GlobalTable"),
                }
            )
        ],
        [
            (RULE, "G", "replica in us-west-2 names no KMS key"),
            (RULE, "U", "global table is not encrypted with KMS"),
        ],
    ),
    Case(
        "aurora member exempt",
        [doc({"I": res("AWS::RDS::DBInstance", {"DBClusterIdentifier": "c"})})],
        [],
    ),
    Case(
        "log sink exempt",
        [doc({"L": res("AWS::S3::Bucket"), "P": res("AWS::S3::BucketPolicy", LOG_DELIVERY)})],
        [],
    ),
    Case(
        "log sink named with !Sub in the policy",
        [
            doc(
                {
                    "L": res("AWS::S3::Bucket"),
                    "P": res(
                        "AWS::S3::BucketPolicy", {**LOG_DELIVERY, "Bucket": {"Fn::Sub": "${L}"}}
                    ),
                }
            )
        ],
        [],
    ),
    Case(
        "log sink whose name both sides build with !Sub and !Join",
        [
            doc(
                {
                    "L": res("AWS::S3::Bucket", {"BucketName": {"Fn::Sub": "${Env}-logs"}}),
                    "P": res(
                        "AWS::S3::BucketPolicy",
                        {**LOG_DELIVERY, "Bucket": {"Fn::Join": ["-", [{"Ref": "Env"}, "logs"]]}},
                    ),
                }
            )
        ],
        [],
    ),
    Case(
        "a policy on another bucket exempts nothing",
        [
            doc(
                {
                    "L": res("AWS::S3::Bucket", {"BucketName": {"Fn::Sub": "${Env}-data"}}),
                    "P": res(
                        "AWS::S3::BucketPolicy",
                        {**LOG_DELIVERY, "Bucket": {"Fn::Sub": "${Env}-logs"}},
                    ),
                }
            )
        ],
        [(RULE, "L", "bucket is not encrypted with a customer-managed key")],
    ),
]


@pytest.mark.parametrize("case", params(CASES))
def test_findings(case: Case) -> None:
    assert findings_of(RULE, case) == case.findings
