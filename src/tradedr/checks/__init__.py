"""Static gates over CloudFormation templates: cdk-nag packs, cfn-lint and DR rules."""
