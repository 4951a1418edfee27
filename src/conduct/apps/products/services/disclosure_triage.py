"""Triage of vulnerability reports by product security: received -> acknowledged -> triaged
(valid, invalid or duplicate; product, release, CVE, CVSS) -> fixed / advisory_published -> closed, notes
(internal, or status updates the reporter sees), and the escalation of each slipped deadline, once."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from conduct.apps.accounts.actors import Actor
from conduct.apps.accounts.models import User
from conduct.apps.accounts.scoping import authorize
from conduct.apps.audit.services import actor_label, ledger_append
from conduct.apps.errors import Invalid, raise_if
from conduct.apps.notifications.messages import message
from conduct.apps.notifications.services import Notice, notify_many
from conduct.apps.products.models import (
    Product,
    Release,
    VulnerabilityReport,
    VulnReportNote,
    VulnReportState,
    VulnReportVerdict,
)
from conduct.apps.products.services._disclosure import (
    NOT_AN_ISSUE,
    OPEN,
    TRANSITIONS,
    UNRESOLVED,
    DisclosureAction,
    mail_reporter,
    next_update_by,
    recipients,
    report_link,
    triage_team,
    unit_liaisons,
)
from conduct.core.products import CVE_ID

S = VulnReportState
MAX_NOTE = 10_000


@dataclass(frozen=True)
class Triage:
    """The findings recorded when a report is triaged (and may be corrected on later transitions)."""

    verdict: str = ""
    duplicate_of: str = ""  # the other report's reference
    product: str = ""  # the register's model
    version: str = ""
    cve: str = ""
    cvss: float | None = None


def _check_triage(report: VulnerabilityReport, triage: Triage, to: str) -> dict[str, str]:
    errors: dict[str, str] = {}
    if to == S.TRIAGED and triage.verdict not in VulnReportVerdict.values:
        errors["verdict"] = _("One of %(values)s.") % {"values": ", ".join(VulnReportVerdict.values)}
    if triage.verdict == VulnReportVerdict.DUPLICATE:
        other = VulnerabilityReport.objects.filter(reference=triage.duplicate_of.strip().upper()).first()
        if other is None or other.pk == report.pk:
            errors["duplicate_of"] = _("The reference of another report.")
    if triage.cve.strip() and not CVE_ID.match(triage.cve.strip().upper()):
        errors["cve"] = _("CVE-YYYY-NNNN")
    if triage.cvss is not None and not 0.0 <= triage.cvss <= 10.0:
        errors["cvss"] = _("A CVSS base score from 0.0 to 10.0.")
    if triage.product.strip() and not Product.objects.filter(model=triage.product.strip()).exists():
        errors["product"] = _("No product with that model.")
    return errors


def _apply_triage(actor: Actor, report: VulnerabilityReport, triage: Triage) -> None:
    if triage.verdict:
        report.verdict = triage.verdict
    if triage.verdict == VulnReportVerdict.DUPLICATE:
        report.duplicate_of = VulnerabilityReport.objects.get(reference=triage.duplicate_of.strip().upper())
    if triage.product.strip():
        report.product = Product.objects.select_related("business_unit").get(model=triage.product.strip())
        authorize(actor, "vulnreports.triage", unit=report.product.business_unit)
        report.release = None
    if triage.version.strip():
        release = Release.objects.filter(product=report.product, version=triage.version.strip()).first()
        if release is None:
            raise Invalid(
                _("The report is not valid."), fields={"version": _("No such release of the product.")}
            )
        report.release = release
    if triage.cve.strip():
        report.cve = triage.cve.strip().upper()
    if triage.cvss is not None:
        report.cvss = triage.cvss


def _check_move(report: VulnerabilityReport, to: str, note: str) -> None:
    if to not in S.values:
        raise Invalid(_("Unknown state."), fields={"to": ", ".join(S.values)})
    if to not in TRANSITIONS[report.state]:
        allowed = ", ".join(sorted(TRANSITIONS[report.state])) or _("none")
        raise Invalid(
            _("A report %(state)s cannot become %(to)s.") % {"state": report.state, "to": to},
            fields={"to": _("Allowed from here: %(allowed)s.") % {"allowed": allowed}},
        )
    if to in (S.FIXED, S.ADVISORY_PUBLISHED) and report.verdict in NOT_AN_ISSUE:
        raise Invalid(
            _("A report triaged %(verdict)s can only be closed.") % {"verdict": report.verdict},
            fields={"to": _("closed")},
        )
    if to == S.CLOSED and not note.strip():
        raise Invalid(_("Say why the report is closed."), fields={"note": _("Required to close.")})
    if len(note) > MAX_NOTE:
        raise Invalid(
            _("The note is too long."), fields={"note": _("At most %(n)d characters.") % {"n": MAX_NOTE}}
        )


def _stamp(report: VulnerabilityReport, to: str, now: datetime) -> None:
    report.state = to
    if to == "acknowledged":
        report.acknowledged_at = now
    if to in (S.FIXED, S.ADVISORY_PUBLISHED) and report.resolved_at is None:
        report.resolved_at = now
    if to == S.CLOSED:
        report.closed_at = now
    report.updated_at, report.update_by = now, next_update_by(now)


@transaction.atomic
def vulnreport_transition(
    *,
    actor: Actor,
    report: VulnerabilityReport,
    to: str,
    note: str = "",
    to_reporter: bool = True,
    triage: Triage | None = None,
) -> VulnerabilityReport:
    """Move `report` to `to` with an optional note (the reporter sees it unless `to_reporter` is off); an
    illegal move is refused (Invalid naming `to`) and changes nothing."""
    authorize(actor, "vulnreports.triage")
    report = VulnerabilityReport.objects.select_for_update().get(pk=report.pk)
    triage = triage or Triage()
    _check_move(report, to, note)
    raise_if(_check_triage(report, triage, to), _("The triage is not valid."))
    _apply_triage(actor, report, triage)
    before, now = report.state, timezone.now()
    _stamp(report, to, now)
    report.save()
    VulnReportNote.objects.create(
        report=report,
        author=actor if isinstance(actor, User) else None,
        author_label=actor_label(actor),
        body=note.strip(),
        from_state=before,
        to_state=to,
        to_reporter=to_reporter,
        at=now,
    )
    ledger_append(
        actor=actor,
        action=DisclosureAction.REPORT_TRANSITION,
        object_type="vulnerability_report",
        object_id=report.pk,
        summary={
            "reference": report.reference,
            "from": before,
            "to": to,
            "verdict": report.verdict,
            "product": report.product.model if report.product else "",
            "version": report.release.version if report.release else "",
            "cve": report.cve,
            "cvss": report.cvss,
        },
    )
    mail_reporter(report, note.strip() if to_reporter and note.strip() else _("Your report has moved on."))
    return report


@transaction.atomic
def vulnreport_note(
    *, actor: Actor, report: VulnerabilityReport, body: str, to_reporter: bool = False
) -> VulnReportNote:
    """A triage note; one `to_reporter` is a status update (it resets the status-update deadline)."""
    authorize(actor, "vulnreports.triage")
    if not body.strip() or len(body) > MAX_NOTE:
        raise Invalid(
            _("The note is not valid."), fields={"body": _("1-%(n)d characters.") % {"n": MAX_NOTE}}
        )
    now = timezone.now()
    note = VulnReportNote.objects.create(
        report=report,
        author=actor if isinstance(actor, User) else None,
        author_label=actor_label(actor),
        body=body.strip(),
        to_reporter=to_reporter,
        at=now,
    )
    if to_reporter:
        report.updated_at, report.update_by = now, next_update_by(now)
        report.save(update_fields=["updated_at", "update_by"])
        mail_reporter(report, note.body)
    ledger_append(
        actor=actor,
        action=DisclosureAction.REPORT_NOTE,
        object_type="vulnerability_report",
        object_id=report.pk,
        summary={"reference": report.reference, "to_reporter": to_reporter, "characters": len(note.body)},
    )
    return note


_MESSAGES = {
    "acknowledge": gettext_lazy("%(ref)s was not acknowledged by its deadline (%(due)s)."),
    "update": gettext_lazy("%(ref)s is owed a status update to its reporter since %(due)s."),
    "resolve": gettext_lazy("%(ref)s is neither fixed nor advised by its deadline (%(due)s)."),
}


def _slipped(now: datetime) -> list[tuple[VulnerabilityReport, str, datetime]]:
    rows = VulnerabilityReport.objects.select_for_update(of=("self",)).select_related(
        "product__business_unit"
    )
    found: list[tuple[VulnerabilityReport, str, datetime]] = []
    for r in rows.filter(state=S.RECEIVED, acknowledge_by__lt=now, ack_escalated_at__isnull=True):
        found.append((r, "acknowledge", r.acknowledge_by))
    for r in rows.filter(state__in=OPEN, update_by__lt=now):
        if r.update_escalated_for != r.update_by:
            found.append((r, "update", r.update_by))
    for r in rows.filter(state__in=UNRESOLVED, resolve_by__lt=now, resolve_escalated_at__isnull=True).exclude(
        verdict__in=NOT_AN_ISSUE
    ):
        found.append((r, "resolve", r.resolve_by))
    return found


@transaction.atomic
def vulnreports_escalate_overdue(*, actor: Actor, now: datetime | None = None) -> list[tuple[str, str]]:
    """Tell the triage team (product security, the compliance officers) and the product's business-unit
    liaisons of every deadline that slipped, once per deadline; returns (reference, deadline) pairs."""
    authorize(actor, "vulnreports.triage")
    now = now or timezone.now()
    made: list[tuple[str, str]] = []
    notices: list[Notice] = []
    team = triage_team()
    for report, which, due in _slipped(now):
        stamp = {"acknowledge": "ack_escalated_at", "resolve": "resolve_escalated_at"}.get(which)
        if stamp:
            VulnerabilityReport.objects.filter(pk=report.pk).update(**{stamp: now})
        else:
            VulnerabilityReport.objects.filter(pk=report.pk).update(update_escalated_for=due)
        made.append((report.reference, which))
        liaisons = unit_liaisons(report.product.business_unit if report.product else None)
        text = message(_MESSAGES[which], ref=report.reference, due=due.date())
        notices.append(Notice(recipients(team, liaisons), "overdue", text, report_link(report)))
        ledger_append(
            actor=actor,
            action=DisclosureAction.REPORT_OVERDUE,
            object_type="vulnerability_report",
            object_id=report.pk,
            summary={"reference": report.reference, "deadline": which, "due": due},
        )
    notify_many(notices=notices)
    return made
