"""CDK side of tradedr: what gets deployed.

jsii's Node process prints an end-of-life banner for older Node releases, and jsii's Python
side forwards it as raw bytes (`b'!!!...'`). The variables that silence it must be in the
environment before jsii starts its Node process, which is when `aws_cdk` is first imported:
every import of aws_cdk in tradedr goes through this package (or `tradedr.checks`, which
does the same), so they are set here.
"""

from __future__ import annotations

import os

# The end-of-life variable is a comma-separated list of the Node majors it silences (jsii
# compares it with the running major); the other two only need to be set. Known-broken Node
# releases keep their warning.
JSII_SILENCING_VARIABLES = {
    "JSII_SILENCE_WARNING_END_OF_LIFE_NODE_VERSION": ",".join(str(v) for v in range(10, 41)),
    "JSII_SILENCE_WARNING_DEPRECATED_NODE_VERSION": "1",
    "JSII_SILENCE_WARNING_UNTESTED_NODE_VERSION": "1",
}


def silence_jsii_node_banner() -> None:
    """Set the jsii silencing variables unless the user set them (before jsii starts)."""
    for name, value in JSII_SILENCING_VARIABLES.items():
        os.environ.setdefault(name, value)


silence_jsii_node_banner()
