"""One module per AWS service; each registers the CloudFormation types it prices.

To price a new type: add `pricers/<service>.py` with a function decorated
`@prices("AWS::Service::Type")` that calls `ctx.add(...)` with a key from `keys.py`, then
list the module in `MODULES` below (`tests/unit/analysis/cost/test_registry.py` fails for a
module that is not listed or registers nothing). Deployment-wide pricers (`@after_walk`)
run in the order of `MODULES`.
"""

from __future__ import annotations

from types import ModuleType

from tradedr.analysis.cost.pricers import (
    arc,
    aurora,
    awslambda,
    backup,
    cloudtrail,
    cloudwatch,
    dynamodb,
    ec2,
    elb,
    globalaccelerator,
    kms,
    logs,
    rds,
    route53,
    s3,
    secretsmanager,
    vpc,
    waf,
)

MODULES: tuple[ModuleType, ...] = (
    arc,
    aurora,
    awslambda,
    backup,
    cloudtrail,
    cloudwatch,
    dynamodb,
    ec2,
    elb,
    globalaccelerator,
    kms,
    logs,
    rds,
    route53,
    s3,
    secretsmanager,
    vpc,
    waf,
)
