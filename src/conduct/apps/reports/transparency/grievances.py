"""The grievance section of the transparency report (issue 17): counts by channel, language, relation and
dimension, timeliness, remedies and satisfaction, each with the UNGP 31 criteria it evidences. Counts only:
no report's text reaches the report, and cells under 5 are suppressed. Pure: plain inputs in, tables out."""

from __future__ import annotations

from conduct.apps.reports.transparency.inputs import ReportInputs, Table

# UNGP Principle 31's effectiveness criteria, and which each grievance figure evidences.
UNGP31 = {
    "a": "31a legitimate",
    "b": "31b accessible",
    "c": "31c predictable",
    "d": "31d equitable",
    "e": "31e transparent",
    "f": "31f rights-compatible",
    "g": "31g continuous learning",
    "h": "31h engagement and dialogue",
}
GRIEVANCE_BREAKDOWNS = (
    ("by_channel", "Channel", "bh"),
    ("by_language", "Language", "bd"),
    ("by_relation", "Reporter's relation", "bd"),
    ("by_dimension", "Dimension", "g"),
    ("by_status", "Where the reports stand", "ce"),
)
GRIEVANCE_MEASURES = (
    ("received", "Reports received", "b"),
    ("median_days_to_acknowledge", "Median days to acknowledge", "c"),
    ("median_days_to_close", "Median days to close", "c"),
    ("share_acknowledged_in_time", "Acknowledged in time (%)", "ce"),
    ("share_answered_in_time", "Feedback given in time (%)", "ce"),
    ("satisfaction_answers", "Reporters who answered the satisfaction question", "ah"),
    ("satisfaction_mean", "Mean satisfaction (1-5)", "ah"),
)
GRIEVANCE_NOTE = (
    "Counts only: no figure identifies a reporter. A count under 5 is shown as <5; medians, shares and the "
    'mean are left out ("fewer than 5") over fewer than 5 reports.'
)


def _criteria(letters: str) -> str:
    return "; ".join(UNGP31[c] for c in letters)


def grievance_tables(i: ReportInputs) -> list[Table]:
    if i.grievances is None:
        return [
            Table(
                "grievances",
                "grievances",
                "Grievances",
                ("Measure", "Value"),
                (("Grievance mechanism in Conduct", "not yet in use"),),
            )
        ]
    g = i.grievances
    measures = tuple(
        (label, "fewer than 5" if g.get(key) is None else g[key], _criteria(letters))
        for key, label, letters in GRIEVANCE_MEASURES
    )
    breakdown = tuple(
        (label, value, count, _criteria(letters))
        for key, label, letters in GRIEVANCE_BREAKDOWNS
        for value, count in (g.get(key) or {}).items()
    )
    remedies = tuple((kind, n, _criteria("f")) for kind, n in (g.get("remedies") or {}).items()) + tuple(
        (f"Remedy {answer} by the reporter", n, _criteria("fh"))
        for answer, n in (g.get("remedies_accepted") or {}).items()
    )
    return [
        Table(
            "grievances",
            "grievances",
            f"Grievances received in {i.year}",
            ("Measure", "Value", "UNGP 31 criteria evidenced"),
            measures,
            GRIEVANCE_NOTE,
        ),
        Table(
            "grievance_breakdown",
            "grievances",
            f"Grievances received in {i.year}, by channel, language, relation, dimension and status",
            ("Breakdown", "Value", "Reports", "UNGP 31 criteria evidenced"),
            breakdown,
            GRIEVANCE_NOTE,
        ),
        Table(
            "grievance_remedies",
            "grievances",
            f"Remedies for the grievances received in {i.year}",
            ("Remedy", "Reports", "UNGP 31 criteria evidenced"),
            remedies,
            GRIEVANCE_NOTE,
        ),
    ]
