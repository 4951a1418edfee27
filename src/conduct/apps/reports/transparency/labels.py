"""The transparency report's fixed text in the language the report is built in. The figures (figures.py and
its section modules) stay plain English data: data.json and the CSV files are the same whatever the language.
The HTML, the PDF and the charts show each table's title, columns, note and fixed row labels through gettext;
the year and the as-of date inside a title are placeholders. Names from the records (committees, sites,
courses, suppliers) and from reference data (frameworks, UNGP questions) keep their source language."""

from __future__ import annotations

import re
from dataclasses import replace
from typing import Any

from django.utils.translation import gettext
from django.utils.translation import gettext_noop as _

from conduct.apps.reports.transparency.inputs import Table

# Every fixed text of the figures, listed so makemessages finds it (the figures modules do not import Django).
LABELS = (
    _("Issue"),
    _("Severity (1-5)"),
    _("Likelihood (1-5)"),
    _("Salience (0-100)"),
    _("Band"),
    _("Residual likelihood"),
    _("Residual salience"),
    _("Residual band"),
    _("Linked cases"),
    _("Linked gate decisions"),
    _("Linked audit findings"),
    _("Allow"),
    _("Review"),
    _("Deny"),
    _("SA8000"),
    _("ISO 45001"),
    _("ISO 14001"),
    _("Product misuse"),
    _("Labour in own operations"),
    _("Supply chain"),
    _("Open"),
    _("In progress"),
    _("Verified"),
    _("Closed"),
    _("Index to the UNGP Reporting Framework"),
    _("Compliance officers (cases not referred to a committee)"),
    _("Committees and the cases they decided in %(year)s"),
    _("Cases opened in %(year)s by dimension"),
    _("Compliance liaison coverage of the organisation"),
    _("Committee recommendations issued in %(year)s"),
    _("none yet"),
    _("Salient human-rights issues, most salient first"),
    _("Salience of each issue, before and after mitigation, and the records linked to it"),
    _("Heat map: number of salient issues by severity and likelihood"),
    _("Salient issues by salience band, before and after mitigation"),
    _("All gates"),
    _("Gate decisions in %(year)s by gate and outcome"),
    _("Reviews of %(year)s resolved by a recorded case decision"),
    _("All three"),
    _("None of the three"),
    _("Active suppliers holding a valid certificate on %(as_of)s"),
    _("Supplier audits carried out in %(year)s"),
    _("Findings of the %(year)s audits by severity"),
    _("Corrective actions for the %(year)s findings"),
    _("Question"),
    _("Topic"),
    _("Status"),
    _("Where in this report"),
    _("Body"),
    _("Mandate"),
    _("Members"),
    _("Voting members"),
    _("Independent external experts"),
    _("Cases decided"),
    _("Approved (incl. with conditions)"),
    _("Rejected"),
    _("Dimension"),
    _("Cases opened"),
    _("Org units"),
    _("With a compliance liaison"),
    _("Share (%)"),
    _("Issued"),
    _("Done"),
    _("Overdue"),
    _("Severity %(n)s"),
    _("Rights affected"),
    _("People affected"),
    _("Mitigating controls"),
    _(
        "Salience per the UN Guiding Principles: severity from scale, scope and irremediability, "
        "then likelihood. Residual: the same severity at the likelihood that remains with the "
        "controls."
    ),
    _("Severity"),
    _("Likelihood 1"),
    _("Likelihood 2"),
    _("Likelihood 3"),
    _("Likelihood 4"),
    _("Likelihood 5"),
    _("Inherent"),
    _("Residual"),
    _("Gate"),
    _("Total"),
    _("Resolved"),
    _("Then allowed"),
    _("Then denied"),
    _("Standard"),
    _("Suppliers"),
    _("Active suppliers"),
    _("Kind"),
    _("Audits"),
    _("Findings"),
    _("Still open"),
    _("Actions"),
    _("not yet in use"),
    _("not covered by this report"),
    _("All dimensions"),
    _("All kinds"),
    _("Overdue (open past the due date)"),
    _(
        "Counts only: no figure identifies a reporter. A count under 5 is shown as <5; medians, "
        'shares and the mean are left out ("fewer than 5") over fewer than 5 reports.'
    ),
    _("31a legitimate"),
    _("31b accessible"),
    _("31c predictable"),
    _("31d equitable"),
    _("31e transparent"),
    _("31f rights-compatible"),
    _("31g continuous learning"),
    _("31h engagement and dialogue"),
    _("Channel"),
    _("Language"),
    _("Reporter's relation"),
    _("Where the reports stand"),
    _("Reports received"),
    _("Median days to acknowledge"),
    _("Median days to close"),
    _("Acknowledged in time (%)"),
    _("Feedback given in time (%)"),
    _("Reporters who answered the satisfaction question"),
    _("Mean satisfaction (1-5)"),
    _("Grievances received in %(year)s"),
    _("Grievances received in %(year)s, by channel, language, relation, dimension and status"),
    _("Remedies for the grievances received in %(year)s"),
    _("Grievances"),
    _("Measure"),
    _("Value"),
    _("UNGP 31 criteria evidenced"),
    _("Breakdown"),
    _("Reports"),
    _("Remedy"),
    _("fewer than 5"),
    _("Remedy %(n)s by the reporter"),
    _("Grievance mechanism in Conduct"),
    _("The company's own sites and their certificates in force on %(as_of)s"),
    _("Working time in %(year)s: worker-weeks within SA8000 clause 7"),
    _("Injury rates per 1,000,000 hours worked in %(year)s"),
    _("Policy attestation and training completion"),
    _("Site"),
    _("Country"),
    _("Headcount"),
    _("Certificates in force"),
    _("Certificates in force: not withdrawn, valid on the date, recorded against the site itself."),
    _("Worker-weeks"),
    _("Over a limit"),
    _("Compliant share"),
    _("Average overtime (hours)"),
    _(
        "A worker-week is compliant when regular hours are at most 48, overtime at most 12 and the "
        "worker had at least one rest day (SA8000 clause 7; the limits are settings). A week over "
        "several limits counts once. Workers are pseudonymous; only keyed hashes are stored."
    ),
    _("Hours worked"),
    _("Lost-time injuries"),
    _("Recordable incidents"),
    _("LTIFR"),
    _("TRIR"),
    _(
        "LTIFR: injuries with lost time x 1,000,000 / hours worked. TRIR: injuries and illnesses "
        "beyond first aid x 1,000,000 / hours worked (GRI 403-9, 403-10). Near misses are recorded,"
        " not counted."
    ),
    _("Assigned"),
    _("Share"),
    _(
        "Attestation: share of the people a policy version was assigned to (by role and unit) who "
        "acknowledged it. Training: share of the active people of the course's roles holding a "
        "completion that has not expired, on the day the report was built."
    ),
    _("no hours"),
    _("Attestation: %(n)s"),
    _("Training: %(n)s"),
    _("Public commitments"),
    _("Commitment"),
    _("Made in"),
    _("Due"),
    _("In progress"),
    _("Done"),
    _("Dropped"),
    _("Letter"),
    _("Report"),
    _("Meeting"),
    _(
        "Commitments the company made to regulators, partners or the public and chose to publish, as "
        "recorded when the report was built; a dropped commitment is listed with its status."
    ),
    _("Access requests"),
    _("Requests by vendor support to access customers' devices, made in the year."),
    _("Approved"),
    _("Requests a customer's approver approved, possibly for fewer hours or scopes than asked."),
    _("Denied"),
    _("Requests a customer's approver refused."),
    _("Expired unanswered"),
    _("Requests nobody at the customer answered in time; they grant nothing."),
    _("Median hours to answer"),
    _("Median time from a request to the customer's approval or denial, over the requests answered."),
    _("Access sessions"),
    _("Access sessions on customers' devices reported, by the time they began."),
    _("Accesses without a grant"),
    _(
        "Sessions no customer-approved grant covered: each is an incident, opened as a case and "
        "reported to the customer."
    ),
    _("Access to customers' devices in %(year)s"),
    _("Device access figures"),
    _("not gathered"),
    _("Definition"),
    _("no answers"),
    _("Governance"),
    _("Salient human-rights issues"),
    _("Compliance gates"),
    _("Device access"),
    _("Own operations"),
    _("Sales deal"),
    _("App launch"),
    _("Supplier onboarding"),
    _("Product release"),
    _("Critical"),
    _("Major"),
    _("Minor"),
    _("critical"),
    _("high"),
    _("medium"),
    _("low"),
    _("addressed"),
    _("decides"),
)
_PATTERNS = (
    (re.compile(r"^Severity (\d+)$"), "Severity %(n)s"),
    (re.compile(r"^Attestation: (.+)$"), "Attestation: %(n)s"),
    (re.compile(r"^Training: (.+)$"), "Training: %(n)s"),
    (re.compile(r"^Remedy (.+) by the reporter$"), "Remedy %(n)s by the reporter"),
)


class Localiser:
    """Translates the report's fixed text for one build (year and as-of date as placeholders)."""

    def __init__(self, year: int, as_of: str) -> None:
        self.params = {"year": year, "as_of": as_of}
        self.year, self.as_of = str(year), as_of

    def text(self, value: Any) -> Any:
        if not isinstance(value, str) or not value:
            return value
        for pattern, msgid in _PATTERNS:
            match = pattern.match(value)
            if match:
                return gettext(msgid) % {"n": gettext(match.group(1))}
        key = value.replace(self.as_of, "%(as_of)s").replace(self.year, "%(year)s")
        if key != value:
            translated = gettext(key)
            return translated % self.params if translated != key else value
        return gettext(value)

    def table(self, t: Table) -> Table:
        rows = tuple(tuple(self.text(cell) for cell in row) for row in t.rows)
        return replace(
            t,
            title=self.text(t.title),
            columns=tuple(self.text(c) for c in t.columns),
            rows=rows,
            note=self.text(t.note),
        )
