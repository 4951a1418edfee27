"""What the disclosure services share: the ledger's action names, the states, the deadlines the published
policy states (VULN_REPORT_ACK_DAYS, VULN_REPORT_UPDATE_DAYS, VULN_REPORT_FIX_DAYS), who is told, and mail
to a reporter who left an address."""

from __future__ import annotations

import logging
from collections.abc import Iterable
from datetime import datetime, timedelta
from enum import StrEnum

from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction
from django.db.models import Q
from django.utils.translation import gettext as _

from conduct.apps.accounts.models import Liaison, OrgUnit, User
from conduct.apps.accounts.roles import Role
from conduct.apps.errors import ServiceError
from conduct.apps.products.models import VulnerabilityReport, VulnReportState, VulnReportVerdict

log = logging.getLogger("conduct.products.disclosure")
REPORTER = "security-reporter"  # how the ledger names whoever sent a report from outside


class DisclosureAction(StrEnum):
    """Ledger action names of coordinated vulnerability disclosure and the background re-match."""

    REPORT_RECEIVE = "vulnreport.receive"
    REPORT_TRANSITION = "vulnreport.transition"
    REPORT_NOTE = "vulnreport.note"
    REPORT_OVERDUE = "vulnreport.overdue"
    RELEASE_REMATCH = "release.rematch"


class Throttled(ServiceError):
    status = 429
    code = "throttled"


S = VulnReportState
# Where a report may go next; a report triaged invalid or duplicate may only be closed.
TRANSITIONS: dict[str, frozenset[str]] = {
    "received": frozenset({"acknowledged"}),
    "acknowledged": frozenset({"triaged"}),
    "triaged": frozenset({"fixed", "advisory_published", "closed"}),
    "fixed": frozenset({"advisory_published", "closed"}),
    "advisory_published": frozenset({"closed"}),
    "closed": frozenset(),
}
OPEN = (S.RECEIVED, S.ACKNOWLEDGED, S.TRIAGED)  # the reporter is owed status updates
UNRESOLVED = OPEN  # neither fixed nor advised yet
NOT_AN_ISSUE = (VulnReportVerdict.INVALID, VulnReportVerdict.DUPLICATE)


def deadlines(received_at: datetime) -> tuple[datetime, datetime, datetime]:
    """Acknowledge by, first status update by, fixed or advisory published by."""
    return (
        received_at + timedelta(days=settings.VULN_REPORT_ACK_DAYS),
        received_at + timedelta(days=settings.VULN_REPORT_UPDATE_DAYS),
        received_at + timedelta(days=settings.VULN_REPORT_FIX_DAYS),
    )


def next_update_by(moment: datetime) -> datetime:
    return moment + timedelta(days=settings.VULN_REPORT_UPDATE_DAYS)


def overdue_q(now: datetime) -> Q:
    """Reports with a deadline that has passed."""
    return (
        Q(state=S.RECEIVED, acknowledge_by__lt=now)
        | Q(state__in=OPEN, update_by__lt=now)
        | (Q(state__in=UNRESOLVED, resolve_by__lt=now) & ~Q(verdict__in=NOT_AN_ISSUE))
    )


def overdue_deadlines(report: VulnerabilityReport, now: datetime) -> list[str]:
    """The deadlines `report` has missed: "acknowledge", "update", "resolve"."""
    missed = []
    if report.state == S.RECEIVED and report.acknowledge_by < now:
        missed.append("acknowledge")
    if report.state in OPEN and report.update_by < now:
        missed.append("update")
    if report.state in UNRESOLVED and report.verdict not in NOT_AN_ISSUE and report.resolve_by < now:
        missed.append("resolve")
    return missed


def unit_liaisons(unit: OrgUnit | None) -> list[User]:
    """The liaisons of `unit`, else of its nearest ancestor that has any."""
    if unit is None:
        return []
    chain = list(reversed(unit.ancestor_ids)) or [unit.pk]
    by_unit: dict[int, list[User]] = {}
    for liaison in Liaison.objects.filter(org_unit_id__in=chain, user__is_active=True).select_related("user"):
        by_unit.setdefault(liaison.org_unit_id, []).append(liaison.user)
    return next((by_unit[u] for u in chain if by_unit.get(u)), [])


def users_with_roles(*roles: object) -> list[User]:
    return list(User.objects.filter(role__in=[str(r) for r in roles], is_active=True).order_by("pk"))


def triage_team() -> list[User]:
    """Who hears of new reports and slipped deadlines: product security and the compliance officers."""
    return users_with_roles(Role.PRODUCT_SECURITY, Role.COMPLIANCE_OFFICER)


def recipients(*groups: Iterable[User]) -> list[User]:
    seen: dict[int, User] = {}
    for group in groups:
        for user in group:
            seen.setdefault(user.pk, user)
    return list(seen.values())


def report_link(report: VulnerabilityReport) -> str:
    return f"/products/vulnerability-reports/{report.pk}/"


def mail_reporter(report: VulnerabilityReport, body: str) -> None:
    """Tell a reporter who left an address, after the commit, that their report moved on (a failing mail
    server is logged without the address)."""
    address = report.reporter_email
    if not address:
        return
    subject = _("Your vulnerability report %(ref)s") % {"ref": report.reference}
    text = "\n\n".join(
        [
            body,
            _("State: %(state)s") % {"state": report.get_state_display()},
            _("Check its status with your reference at %(url)s")
            % {"url": f"{settings.SITE_URL}/security/report/status"},
        ]
    )

    def send() -> None:
        try:
            send_mail(subject, text, settings.DEFAULT_FROM_EMAIL, [address])
        except Exception:  # noqa: BLE001 - the change stands; the reporter can check the status page
            log.warning("could not mail a reporter", extra={"report": report.pk})

    transaction.on_commit(send)
