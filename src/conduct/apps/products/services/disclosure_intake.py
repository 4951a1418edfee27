"""The public side of coordinated vulnerability disclosure: anyone may send a report (no account; name and
address optional) and gets an unguessable tracking reference, with which the report's state, deadlines and the
status updates meant for the reporter can be read back, and nothing else."""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from conduct.apps.accounts.throttle import client_key, first_limit_reached
from conduct.apps.audit.services import ledger_append
from conduct.apps.errors import NotFound, raise_if
from conduct.apps.notifications.messages import message
from conduct.apps.notifications.services import notify
from conduct.apps.products.models import (
    Product,
    Release,
    VulnerabilityReport,
    VulnReportAttachment,
    VulnReportNote,
)
from conduct.apps.products.services._disclosure import (
    REPORTER,
    DisclosureAction,
    Throttled,
    deadlines,
    recipients,
    report_link,
    triage_team,
    unit_liaisons,
)

LIMITS = {"reporter_name": 200, "reporter_email": 254, "product": 200, "version": 100, "summary": 300}
MAX_DETAILS = 20_000
# Crockford's base32 without look-alikes: 12 characters are 60 bits, beyond any guessing at the intake's rate.
ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"
REFERENCE_CHARS = 12
THROTTLE_PURPOSE = "vulnerability-report"


@dataclass(frozen=True)
class Disclosure:
    """What a reporter sends; `attachments` are (file name, bytes) pairs."""

    product: str
    summary: str
    details: str
    version: str = ""
    reporter_name: str = ""
    reporter_email: str = ""
    attachments: list[tuple[str, bytes]] = field(default_factory=list)


def _check_attachments(files: list[tuple[str, bytes]]) -> dict[str, str]:
    limit, most = settings.VULN_REPORT_MAX_ATTACHMENT_BYTES, settings.VULN_REPORT_MAX_ATTACHMENTS
    if len(files) > most:
        return {"attachments": _("At most %(n)d files.") % {"n": most}}
    errors = {}
    for index, (_name, content) in enumerate(files):
        if len(content) > limit:
            errors[f"attachments[{index}]"] = _("Larger than %(limit)d bytes.") % {"limit": limit}
        elif not content:
            errors[f"attachments[{index}]"] = _("The file is empty.")
    return errors


def check(report: Disclosure) -> dict[str, str]:
    """The problems of a report, by field."""
    errors: dict[str, str] = {}
    for name, label in (("product", _("the product")), ("summary", _("a summary"))):
        if not getattr(report, name).strip():
            errors[name] = _("Say %(what)s.") % {"what": label}
    if not report.details.strip():
        errors["details"] = _("Describe the vulnerability and how to reproduce it.")
    elif len(report.details) > MAX_DETAILS:
        errors["details"] = _("At most %(n)d characters.") % {"n": MAX_DETAILS}
    for name, most in LIMITS.items():
        if len(getattr(report, name)) > most:
            errors[name] = _("At most %(n)d characters.") % {"n": most}
    email = report.reporter_email.strip()
    if email and "reporter_email" not in errors:
        try:
            validate_email(email)
        except ValidationError:
            errors["reporter_email"] = _("Not an email address (leave it empty to stay anonymous).")
    errors.update(_check_attachments(report.attachments))
    return errors


def new_reference(year: int) -> str:
    while True:
        code = "".join(secrets.choice(ALPHABET) for _ in range(REFERENCE_CHARS))
        reference = f"VR-{year}-{code}"
        if not VulnerabilityReport.objects.filter(reference=reference).exists():
            return reference


def _throttle(key: str) -> None:
    """The intake's limits per hour: per sender address (hashed) and across everyone."""
    recent = VulnerabilityReport.objects.filter(received_at__gte=timezone.now() - timedelta(hours=1))
    reason = first_limit_reached(
        recent,
        [
            ("address", {"client_key": key} if key else None, settings.VULN_REPORT_ADDRESS_LIMIT_PER_HOUR),
            ("global", {}, settings.VULN_REPORT_GLOBAL_LIMIT_PER_HOUR),
        ],
    )
    if reason is not None:
        raise Throttled(_("Too many reports just now; please try again in an hour or write to us by email."))


def _link(text: str, version: str) -> tuple[Product | None, Release | None]:
    """The register's product (and release) when the reporter named a model exactly."""
    product = Product.objects.filter(model__iexact=text.strip()).first()
    if product is None or not version.strip():
        return product, None
    return product, Release.objects.filter(product=product, version=version.strip()).first()


def _clean_name(name: str) -> str:
    return "".join(ch for ch in name if ch.isprintable() and ch not in "/\\")[:200] or "file"


@transaction.atomic
def vulnreport_submit(*, report: Disclosure, client_address: str | None = None) -> VulnerabilityReport:
    """Receive a report from outside: checked by field (Invalid), within the intake limits (Throttled, 429),
    stored with its deadlines, ledgered, and the triage team told."""
    raise_if(check(report), _("The report is not complete."))
    key = client_key(client_address, THROTTLE_PURPOSE)
    _throttle(key)
    now = timezone.now()
    ack_by, update_by, resolve_by = deadlines(now)
    product, release = _link(report.product, report.version)
    row = VulnerabilityReport.objects.create(
        reference=new_reference(now.year),
        reporter_name=report.reporter_name.strip(),
        reporter_email=report.reporter_email.strip(),
        product_text=report.product.strip(),
        version_text=report.version.strip(),
        summary=report.summary.strip(),
        details=report.details.strip(),
        product=product,
        release=release,
        received_at=now,
        updated_at=now,
        acknowledge_by=ack_by,
        update_by=update_by,
        resolve_by=resolve_by,
        client_key=key,
    )
    for name, content in report.attachments:
        VulnReportAttachment.objects.create(
            report=row,
            name=_clean_name(name),
            size=len(content),
            sha256=hashlib.sha256(content).hexdigest(),
            content=content,
        )
    ledger_append(
        actor=REPORTER,
        action=DisclosureAction.REPORT_RECEIVE,
        object_type="vulnerability_report",
        object_id=row.pk,
        summary={
            "reference": row.reference,
            "product": product.model if product else "",
            "attachments": len(report.attachments),
            "anonymous": not (row.reporter_name or row.reporter_email),
        },
    )
    text = gettext_lazy("New vulnerability report %(ref)s: %(summary)s (acknowledge by %(due)s).")
    notify(
        users=recipients(triage_team(), unit_liaisons(product.business_unit if product else None)),
        kind="assignment",
        text=message(text, ref=row.reference, summary=row.summary[:200], due=ack_by.date()),
        link=report_link(row),
    )
    return row


def vulnreport_status(*, reference: str) -> dict[str, Any]:
    """What the reporter may read back with the reference: the state, the dates and deadlines, and the status
    updates meant for them (never the triage notes, the product link or anything about other reports)."""
    found = VulnerabilityReport.objects.filter(reference=reference.strip().upper()[:40]).first()
    if found is None:
        raise NotFound(_("No report with that reference."))
    updates = VulnReportNote.objects.filter(report=found, to_reporter=True).order_by("at", "id")
    return {
        "reference": found.reference,
        "state": found.state,
        "received_at": found.received_at,
        "acknowledged_at": found.acknowledged_at,
        "acknowledge_by": found.acknowledge_by,
        "next_update_by": found.update_by
        if found.state not in ("fixed", "advisory_published", "closed")
        else None,
        "resolve_by": found.resolve_by,
        "resolved_at": found.resolved_at,
        "closed_at": found.closed_at,
        "cve": found.cve if found.state in ("fixed", "advisory_published", "closed") else "",
        "updates": [{"at": n.at, "state": n.to_state, "text": n.body} for n in updates],
    }
