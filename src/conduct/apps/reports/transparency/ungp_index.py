"""Where the report answers each question of the UNGP Reporting Framework (data/frameworks/
ungp_reporting_framework.yaml). Questions the report's data does not speak to are listed as such: the index is
honest about gaps rather than claiming every question is answered."""

from __future__ import annotations

# question id -> report sections (ids of <section> elements in index.html) that carry the answer's facts
UNGP_RF_SECTIONS: dict[str, tuple[str, ...]] = {
    "A2": ("governance",),
    "A2.1": ("governance",),
    "A2.2": ("governance",),
    "A2.4": ("supply-chain", "gates"),
    "B1": ("salient-issues",),
    "B2": ("salient-issues",),
    "B4": ("salient-issues", "governance"),
    "C3": ("salient-issues", "gates"),
    "C3.1": ("gates", "supply-chain"),
    "C3.2": ("governance", "supply-chain"),
    "C4": ("salient-issues", "gates", "supply-chain"),
    "C4.1": ("governance", "salient-issues"),
    "C4.2": ("governance",),
    "C4.3": ("salient-issues", "supply-chain", "device-access"),
    "C5": ("supply-chain", "gates", "device-access"),
    "C6.5": ("supply-chain",),
}
# Questions answered by the grievance mechanism's figures, once the grievances module is in use.
GRIEVANCE_QUESTIONS = frozenset({"C6", "C6.1", "C6.2", "C6.3", "C6.4"})

SECTION_TITLES = {
    "governance": "Governance",
    "salient-issues": "Salient human-rights issues",
    "gates": "Compliance gates",
    "supply-chain": "Supply chain",
    "grievances": "Grievances",
    "device-access": "Device access",
    "own-operations": "Own operations",
    "commitments": "Public commitments",
}
