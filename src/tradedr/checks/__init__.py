"""Static gates over CloudFormation templates: cdk-nag packs, cfn-lint and DR rules."""

# cdk-nag starts jsii: its Node banner is silenced first (see `tradedr.infra`).
import tradedr.infra  # noqa: F401
