"""The markers tradedr writes into templates and reads back, spelled once.

The stacks (`tradedr.infra`) write them; the DR rules, the RTO and cost models, the runbook
facts and the deployer read them. A marker retyped as a literal in two places drifts the day
one side is renamed, so every side imports it from here (the base layer: nothing below it).
"""

from __future__ import annotations

# Tag on buckets that hold logs rather than application objects: the analyses (RPO, cost,
# diagram) and the DR rules leave log sinks out of the objects store.
PURPOSE_TAG = "Purpose"
ACCESS_LOGS = "access-logs"
AUDIT_LOGS = "audit-logs"
LOG_PURPOSES = (ACCESS_LOGS, AUDIT_LOGS)

# Environment variable and value that mark the region-loss detector function.
ROLE_VARIABLE = "TRADEDR_ROLE"
DETECTOR_ROLE = "auto-failover-detector"

# Template Metadata key under which a stack names each deploy-time parameter's source
# (another stack's output); the deployer fills the parameter from it.
PARAMETER_SOURCES = "tradedr:parameter-sources"

# Resource Metadata key holding the reasons for cfn-lint rules a resource turns off.
LINT_ACK_METADATA_KEY = "tradedr:lint-acknowledgments"

# Construct metadata type under which `acknowledge(...)` records an acknowledgment in the
# cloud assembly; `tradedr check` reads it back to match cdk-nag findings.
ACK_METADATA_TYPE = "tradedr:acknowledgment"

# Tag whose value is "<posture>:<role>" (role: primary, standby or global).
DR_TAG = "DisasterRecovery"
