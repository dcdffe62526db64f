"""tradedr: multi-region disaster recovery for a trading platform on AWS, as code."""

__version__ = "0.1.0"
