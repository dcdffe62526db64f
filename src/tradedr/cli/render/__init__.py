"""Renderers, one module per kind of result: each prints a typed result as rich tables on
stdout (progress and notes on stderr), or as JSON on stdout with --json. They decide nothing:
exit codes stay with the commands."""
