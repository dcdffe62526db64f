"""Evidence a regulator accepts: tamper-evident journals and what is built from them.

- `chain`: the hash chain every journal entry carries, its head file and its HMAC;
- `provenance`: who ran a plan, against which config and templates (STS or local user);
- `verify`: re-walks a journal's chain and names the first broken entry;
- `runs`: finds drill reports and run journals under a directory;
- `pack`: the evidence pack (HTML, JSON, journals, a SHA-256 manifest);
- `html`: the pack's print-ready HTML;
- `incident`: a DORA-style major-incident notification draft from a failover's journal;
- `status`: the drill cadence per scenario and region pair;
- `requirements`: the requirement map, each row with its public source;
- `service`: what the `tradedr evidence` commands call.
"""
