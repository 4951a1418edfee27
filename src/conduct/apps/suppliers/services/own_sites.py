"""Certificates, audits, findings and corrective actions of the company's own sites: the same records as a
supplier's (the audited party is a supplier or an own site; models._one_party), written here and reached by
the workforce app through conduct.events.suppliers' providers.

An own site scopes by its org unit; portal users never see one. Findings and corrective actions of an own
site's audit go through the same finding_add and action_* services as a supplier's."""

from __future__ import annotations

from datetime import date as date_type
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from conduct.apps.accounts.actors import Actor, SystemActor
from conduct.apps.accounts.models import User
from conduct.apps.accounts.scoping import authorize
from conduct.apps.audit.services import ledger_append
from conduct.apps.errors import Conflict, Invalid, NotFound
from conduct.apps.suppliers.ledger import SupplierAction
from conduct.apps.suppliers.models import AuditKind, Certificate, CorrectiveAction, Finding, SupplierAudit
from conduct.apps.suppliers.services.audits import _a_date, action_create, finding_add
from conduct.apps.suppliers.services.certificates import _clean


def _authorize_site(actor: Actor, permission: str, site: Any) -> None:
    """`site` is a workforce.OwnSite (read through its org unit only: apps do not import each other)."""
    if isinstance(actor, SystemActor):
        return
    if actor.is_portal:
        authorize(actor, permission)
        raise NotFound(_("No such site."))
    authorize(actor, permission, unit=site.org_unit)


@transaction.atomic
def own_site_certificate_create(*, actor: Actor, site: Any, **fields: Any) -> Certificate:
    """standard, number, valid_until (required); issuer, accreditation_body, scope, valid_from."""
    _authorize_site(actor, "certificates.upload", site)
    errors: dict[str, str] = {}
    values = _clean(fields, errors, creating=True)
    if (
        values.get("valid_from")
        and values.get("valid_until")
        and values["valid_until"] < values["valid_from"]
    ):
        errors["valid_until"] = _("Ends before it starts (valid_until is earlier than valid_from).")
    if errors:
        raise Invalid(_("The certificate is not valid."), fields=errors)
    if Certificate.objects.filter(
        own_site=site, standard=values["standard"], number=values["number"]
    ).exists():
        raise Conflict(
            _("%(site)s already has %(standard)s certificate %(number)s.")
            % {"site": site.name, "standard": values["standard"], "number": values["number"]},
            fields={"number": _("Already recorded for this site and standard.")},
        )
    certificate = Certificate.objects.create(own_site=site, **values)
    ledger_append(
        actor=actor,
        action=SupplierAction.CERTIFICATE_CREATE,
        object_type="certificate",
        object_id=certificate.pk,
        summary={"own_site": site.pk, **{k: v for k, v in values.items() if k != "scope"}},
    )
    return certificate


@transaction.atomic
def own_site_audit_create(
    *, actor: Actor, site: Any, kind: str, date: Any, auditor: str, scope: str = ""
) -> SupplierAudit:
    _authorize_site(actor, "audits.record", site)
    errors: dict[str, str] = {}
    if kind not in AuditKind.values:
        errors["kind"] = _("Expected one of %(kinds)s.") % {"kinds": ", ".join(AuditKind.values)}
    when = _a_date(date, "date", errors)
    if when is not None and when > timezone.localdate():
        errors["date"] = _("An audit is recorded once it has taken place; the date is in the future.")
    auditor = (auditor or "").strip()
    if not auditor or len(auditor) > 200:
        errors["auditor"] = _("Required: the audit firm or person (at most 200 characters).")
    if errors:
        raise Invalid(_("The audit is not valid."), fields=errors)
    audit = SupplierAudit.objects.create(
        own_site=site,
        kind=kind,
        date=when,
        auditor=auditor,
        scope=(scope or "").strip(),
        created_by=actor if isinstance(actor, User) else None,
    )
    ledger_append(
        actor=actor,
        action=SupplierAction.AUDIT_CREATE,
        object_type="supplier_audit",
        object_id=audit.pk,
        summary={"own_site": site.pk, "kind": kind, "date": when, "auditor": auditor},
    )
    return audit


@transaction.atomic
def own_site_finding_raise(
    *,
    actor: Actor,
    site: Any,
    auditor: str,
    severity: str,
    requirement: str,
    description: str,
    action: str,
    owner: str,
    due_date: date_type,
    scope: str = "",
) -> CorrectiveAction:
    """An internal review of an own site that found something (e.g. a working-time import over the
    threshold): the audit, its finding and the finding's corrective action, in one transaction."""
    audit = own_site_audit_create(
        actor=actor, site=site, kind=AuditKind.SOCIAL, date=timezone.localdate(), auditor=auditor, scope=scope
    )
    finding: Finding = finding_add(
        actor=actor, audit=audit, severity=severity, requirement=requirement, description=description
    )
    return action_create(actor=actor, finding=finding, action=action, owner=owner, due_date=due_date)
