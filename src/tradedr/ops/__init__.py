"""boto3 side of tradedr: deploy, validate, plans and their execution, backups, drill."""
