"""`tradedr readiness`: read-only checks that the standby could take over right now.

One check per file under `checks/` (registered in `checks.CHECKS`), a shared model of
verdicts (`model.py`), the runner that turns API failures into `error` verdicts
(`runner.py`) and the facade the CLI calls (`service.py`). See docs/readiness.md.
"""
