"""`tradedr assess`: a DR gap analysis of CloudFormation templates a team already has.

`service.run_assess` reads a directory through the one template model
(`tradedr.templates`), places each template with a topology (assess.toml, or inferred),
runs the DR rules and the template-level gap checks (`gaps/`, one kind per file), and
computes the region-loss RTO, the RPO per data store and the monthly cost with the
analysis models, offline; `tradedr.report.assess` renders Markdown and HTML.
"""
