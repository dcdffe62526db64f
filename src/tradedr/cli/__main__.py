"""`python -m tradedr.cli`, the same as the `tradedr` console script."""

from tradedr.cli.app import main

main()
