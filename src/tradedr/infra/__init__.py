"""CDK side of tradedr: what gets deployed."""
