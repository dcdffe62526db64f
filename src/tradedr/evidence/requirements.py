"""The requirement map: which artefact of the pack serves which rule, and how sure we are
of the rule's words.

Each row quotes or paraphrases the provision, names the public page it was checked against
and says how: `verified` (the wording was read on that page), `secondary` (read only in a
reproduction or summary by a third party, not in the official text), or `not verified`
(the official wording could not be read; the row says what is assumed). The pack shows
this column: a regulator reads the rule itself, not our summary of it. Checked on
2026-12-07.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import Any, Literal

Checked = Literal["verified", "secondary", "not verified"]


@dataclass(frozen=True)
class Requirement:
    regime: str
    provision: str
    wording: str
    checked: Checked
    source: str
    artefact: str
    note: str = ""

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


REQUIREMENTS: tuple[Requirement, ...] = (
    Requirement(
        "EU DORA (Regulation (EU) 2022/2554)",
        "Article 11 (response and recovery)",
        "Financial entities shall put in place a comprehensive ICT business continuity policy "
        "... including response and recovery plans; the plans are to be tested at least yearly "
        "and after substantive changes to the ICT systems supporting critical or important "
        "functions.",
        "secondary",
        "https://dora.detrixa.com/control/DORA-Art11-P1/index.html",
        "the drill report and the failover journal: a response and recovery plan (the failover "
        "plan) that was run end to end, when, and against which config and templates",
        "Art. 11(1) read in a third-party reproduction; the yearly test (Art. 11(6)) only in "
        "summaries (e.g. https://atlas.valendir.com/articles/art-11), not in the Official "
        "Journal text",
    ),
    Requirement(
        "EU DORA (Regulation (EU) 2022/2554)",
        "Article 12 (backup, restoration and recovery)",
        "For the purpose of ensuring the restoration of ICT systems and data with minimum "
        "downtime, limited disruption and loss ... financial entities shall develop and "
        "document backup policies and procedures and restoration and recovery procedures and "
        "methods; testing of them shall be undertaken periodically (Art. 12(1)-(2)).",
        "secondary",
        "https://www.mica.wtf/dora/digital-operational-resilience-act/chapter-ii-ict-risk-management/article-12-backup-policies-and-procedures",
        "the measured RPO (data-plane lost window, or replica lag at the check) and the "
        "restore/read-back steps of the drill in a second region",
        "paragraphs 1-3 read in a reproduction of the regulation; the secondary processing "
        "site at a distance (later paragraphs) was not read",
    ),
    Requirement(
        "EU DORA (Regulation (EU) 2022/2554)",
        "Article 24 (general requirements for testing)",
        "Financial entities, other than microenterprises, shall ... establish, maintain and "
        "review a sound and comprehensive digital operational resilience testing programme as "
        "an integral part of the ICT risk-management framework (Art. 24(1)).",
        "secondary",
        "https://www.mica.wtf/dora/digital-operational-resilience-act/chapter-iv-digital-operational-resilience-testing/article-24-general-requirements-for-testing",
        "the cadence (`tradedr evidence status`): each scenario and region pair, its last "
        "passing drill and whether it is overdue",
    ),
    Requirement(
        "EU DORA (Regulation (EU) 2022/2554)",
        "Article 25 (testing of ICT tools and systems)",
        "The testing programme includes scenario-based tests, performance testing and "
        "end-to-end testing, among others.",
        "secondary",
        "https://rupturelabs.io/learn/dora-resilience-testing",
        "the drill: an end-to-end, scenario-based test (loss of the primary region)",
        "list of test types read in a summary only",
    ),
    Requirement(
        "EU DORA (Regulation (EU) 2022/2554)",
        "Article 26 (advanced testing: TLPT)",
        "Entities identified by their competent authority carry out threat-led penetration "
        "testing at least every three years.",
        "secondary",
        "https://rupturelabs.io/learn/dora-resilience-testing",
        "none: a DR drill is not a threat-led penetration test; listed so that nobody reads "
        "the pack as one",
    ),
    Requirement(
        "EU DORA (Regulation (EU) 2022/2554)",
        "Article 19 and its technical standards (major-incident reports)",
        "Major ICT-related incidents are reported with an initial notification, an "
        "intermediate report and a final report.",
        "secondary",
        "https://dora.detrixa.com/control/DORA-Art19-P1/index.html",
        "the incident draft (`tradedr evidence incident RUN`): timestamps, regions, duration, "
        "data lost, actions taken",
        "the deadlines (4 h, 72 h, one month) are in the delegated/implementing acts, not read "
        "here; summaries disagree on them, so the draft names no deadline as law",
    ),
    Requirement(
        "US SEC Regulation SCI (17 CFR 242)",
        "Rule 1001(a)(2)(v)",
        "SCI entities must have business continuity and disaster recovery plans with backup "
        "and recovery capabilities (resumption of critical SCI systems within two hours "
        "following a wide-scale disruption).",
        "not verified",
        "https://www.sifma.org/resources/submissions/request-for-no-action-relief-from-rule-1004-of-regulation-sci/",
        "the measured recovery against the RTO target and the impact tolerance",
        "the source confirms only that Rule 1001(a)(2)(v) requires BC/DR plans; the two-hour "
        "wording comes from the issue and was not read in the rule's text "
        "(https://www.ecfr.gov/current/title-17/chapter-II/part-242)",
    ),
    Requirement(
        "US SEC Regulation SCI (17 CFR 242)",
        "Rule 1004",
        "Each SCI entity shall ... require participation by designated members or "
        "participants in scheduled functional and performance testing of the operation of such "
        "plans ... provided that such frequency shall not be less than once every 12 months.",
        "secondary",
        "https://self-law.org/code/us/cfr/t17/s%C2%A7%20242.1004",
        "the cadence: the drill interval (12 months by default) and the date of the last "
        "passing drill",
        "read in a research copy of 17 CFR 242.1004; the controlling text is the eCFR",
    ),
    Requirement(
        "FINRA",
        "Rule 4370(b)",
        "Each member must update its plan in the event of any material change to the "
        "member's operations, structure, business or location. Each member must also conduct "
        "an annual review of its business continuity plan.",
        "secondary",
        "https://www.accelerant.biz/finra-business-continuity-compliance/",
        "the cadence: overdue after 12 months and after any change of the config hash (a "
        "material change to the deployment)",
        "the rule text as reproduced by a third party; FINRA's page "
        "(http://www.finra.org/Industry/Issues/BusinessContinuity/) confirms the rule's scope",
    ),
    Requirement(
        "UK PRA SS1/21",
        "Chapter 4, 4.1",
        "The Operational Resilience Parts require firms to ensure they are able to deliver "
        "their important business services within impact tolerances in severe but plausible "
        "scenarios.",
        "verified",
        "https://prarulebook.co.uk/guidance/supervisory-statements/ss01-21---operational-resilience-impact-tolerances-for-important-business-services/4-actions-to-remain-within-impact-tolerance/31-03-2022",
        "the measured recovery against `[resilience] impact_tolerance_seconds` for the "
        "important business service, and the scenario's severity rationale",
    ),
    Requirement(
        "UK FCA PS21/3 (SYSC 15A)",
        "Scenario testing",
        "Firms identify important business services, set an impact tolerance for each and "
        "carry out scenario testing of whether they can remain within it in severe but "
        "plausible scenarios.",
        "secondary",
        "https://memaconsultants.com/resources/explainers/operational-resilience",
        "the same as SS1/21: the measured recovery against the impact tolerance, for a "
        "severe but plausible scenario",
        "summary of PS21/3; SYSC 15A itself was not read",
    ),
)
