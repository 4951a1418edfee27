"""Scoped reads of suppliers' records: certificates, audits and findings, corrective actions, questionnaire
responses, and the dashboard's and the portal's summaries."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from datetime import date
from typing import Any

from django.db.models import Count, Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from conduct.apps.accounts.models import User
from conduct.apps.accounts.scoping import can, scoped
from conduct.apps.errors import NotFound
from conduct.apps.suppliers.models import (
    OPEN_ACTION_STATUSES,
    Certificate,
    CorrectiveAction,
    Finding,
    QuestionnaireResponse,
    Supplier,
    SupplierAudit,
)
from conduct.apps.suppliers.selectors.suppliers import certificate_status_q, supplier_list
from conduct.apps.suppliers.selectors.suppliers import scope as _scope
from conduct.apps.suppliers.selectors.suppliers import today_window as _today_window


@dataclass(frozen=True)
class CertificateFilters:
    supplier: int | None = None
    standard: str | None = None
    status: str | None = None
    org_unit: int | None = None
    expires_before: date | None = None


def certificate_list(*, actor: User, filters: CertificateFilters | None = None) -> QuerySet[Certificate]:
    qs = _scope(Certificate.objects.filter(supplier__isnull=False).all(), actor, "supplier__")
    f = filters or CertificateFilters()
    if f.supplier:
        qs = qs.filter(supplier_id=f.supplier)
    if f.standard:
        qs = qs.filter(standard=f.standard)
    if f.status:
        qs = qs.filter(certificate_status_q(f.status))
    if f.org_unit:
        qs = qs.filter(supplier__org_unit_id=f.org_unit)
    if f.expires_before:
        qs = qs.filter(valid_until__lt=f.expires_before)
    return qs.select_related("supplier").order_by("valid_until", "id")


def certificate_get(*, actor: User, certificate_id: int) -> Certificate:
    cert = (
        _scope(
            Certificate.objects.filter(supplier__isnull=False).select_related("supplier__org_unit"),
            actor,
            "supplier__",
        )
        .filter(pk=certificate_id)
        .first()
    )
    if cert is None:
        raise NotFound(
            _("No certificate %(certificate_id)s that you can see.") % {"certificate_id": certificate_id}
        )
    return cert


# --- audits, findings, corrective actions ---------------------------------------------------------


def audit_list(
    *, actor: User, supplier: int | None = None, kind: str | None = None
) -> QuerySet[SupplierAudit]:
    qs = _scope(SupplierAudit.objects.filter(supplier__isnull=False).all(), actor, "supplier__")
    if supplier:
        qs = qs.filter(supplier_id=supplier)
    if kind:
        qs = qs.filter(kind=kind)
    return qs.select_related("supplier", "site").annotate(
        finding_count=Count("findings"), open_findings=Count("findings", filter=Q(findings__is_open=True))
    )


def audit_get(*, actor: User, audit_id: int) -> SupplierAudit:
    audit = (
        _scope(
            SupplierAudit.objects.filter(supplier__isnull=False).select_related("supplier__org_unit", "site"),
            actor,
            "supplier__",
        )
        .filter(pk=audit_id)
        .first()
    )
    if audit is None:
        raise NotFound(_("No audit %(audit_id)s that you can see.") % {"audit_id": audit_id})
    return audit


def finding_get(*, actor: User, finding_id: int) -> Finding:
    finding = (
        _scope(
            Finding.objects.filter(supplier__isnull=False).select_related("supplier__org_unit", "audit"),
            actor,
            "supplier__",
        )
        .filter(pk=finding_id)
        .first()
    )
    if finding is None:
        raise NotFound(_("No finding %(finding_id)s that you can see.") % {"finding_id": finding_id})
    return finding


@dataclass(frozen=True)
class ActionFilters:
    supplier: int | None = None
    org_unit: int | None = None
    status: str | None = None
    overdue: bool = False
    severity: str | None = None


def action_list(*, actor: User, filters: ActionFilters | None = None) -> QuerySet[CorrectiveAction]:
    qs = _scope(CorrectiveAction.objects.filter(supplier__isnull=False).all(), actor, "supplier__")
    f = filters or ActionFilters()
    if f.supplier:
        qs = qs.filter(supplier_id=f.supplier)
    if f.org_unit:
        qs = qs.filter(supplier__org_unit_id=f.org_unit)
    if f.status:
        qs = qs.filter(status=f.status)
    if f.severity:
        qs = qs.filter(finding__severity=f.severity)
    if f.overdue:
        qs = qs.filter(status__in=OPEN_ACTION_STATUSES, due_date__lt=timezone.localdate())
    return qs.select_related("supplier", "supplier__org_unit", "finding").order_by("due_date", "id")


def action_get(*, actor: User, action_id: int) -> CorrectiveAction:
    plan = (
        _scope(
            CorrectiveAction.objects.filter(supplier__isnull=False).select_related(
                "supplier__org_unit", "finding__audit"
            ),
            actor,
            "supplier__",
        )
        .filter(pk=action_id)
        .first()
    )
    if plan is None:
        raise NotFound(_("No corrective action %(action_id)s that you can see.") % {"action_id": action_id})
    return plan


def overdue_by_unit(*, actor: User) -> list[dict[str, Any]]:
    """Overdue corrective actions per owning org unit (the units the actor sees)."""
    rows = (
        action_list(actor=actor, filters=ActionFilters(overdue=True))
        .values("supplier__org_unit_id", "supplier__org_unit__name", "supplier__org_unit__code")
        .annotate(n=Count("id"))
        .order_by("-n", "supplier__org_unit__name")
    )
    return [
        {
            "unit_id": r["supplier__org_unit_id"],
            "unit": r["supplier__org_unit__name"],
            "code": r["supplier__org_unit__code"],
            "overdue": r["n"],
        }
        for r in rows
    ]


# --- questionnaires -------------------------------------------------------------------------------


def response_list(
    *, actor: User, supplier: int | None = None, status: str | None = None
) -> QuerySet[QuestionnaireResponse]:
    qs = _scope(QuestionnaireResponse.objects.all(), actor, "supplier__")
    if supplier:
        qs = qs.filter(supplier_id=supplier)
    if status:
        qs = qs.filter(status=status)
    return qs.select_related("supplier").defer("template")


def response_get(*, actor: User, response_id: int) -> QuestionnaireResponse:
    response = (
        _scope(QuestionnaireResponse.objects.select_related("supplier__org_unit"), actor, "supplier__")
        .filter(pk=response_id)
        .first()
    )
    if response is None:
        raise NotFound(_("No questionnaire %(response_id)s that you can see.") % {"response_id": response_id})
    return response


# --- summaries ------------------------------------------------------------------------------------


def dashboard_summary(*, actor: User) -> dict[str, Any] | None:
    """Counts for the dashboard card, or None when the actor may not see suppliers."""
    if not can(actor, "suppliers.view"):
        return None
    suppliers = supplier_list(actor=actor)
    bands = Counter(dict(suppliers.order_by().values_list("risk_band").annotate(n=Count("id"))))
    today, edge = _today_window()
    return {
        "suppliers": sum(bands.values()),
        "bands": {band: bands.get(band, 0) for band in ("critical", "high", "medium", "low")},
        "overdue_actions": action_list(actor=actor, filters=ActionFilters(overdue=True)).count(),
        "overdue_by_unit": overdue_by_unit(actor=actor)[:5],
        "expiring_certificates": certificate_list(
            actor=actor, filters=CertificateFilters(status="expiring")
        ).count(),
        "to_review": response_list(actor=actor, status="submitted").count(),
    }


def portal_summary(*, actor: User) -> dict[str, Any] | None:
    """A supplier portal user's own records: its supplier, questionnaires, certificates and corrective
    actions."""
    if not can(actor, "suppliers.portal"):
        return None
    supplier = _scope(Supplier.objects.all(), actor).first()
    if supplier is None:
        return {"supplier": None}
    return {
        "supplier": supplier,
        "questionnaires": list(response_list(actor=actor, supplier=supplier.pk)),
        "certificates": list(certificate_list(actor=actor, filters=CertificateFilters(supplier=supplier.pk))),
        "actions": list(action_list(actor=actor, filters=ActionFilters(supplier=supplier.pk))),
    }


# --- the records of the company's own sites (the other kind of audited party) ----------------------


@dataclass(frozen=True)
class OwnSiteRecords:
    certificates: list[Certificate]
    audits: list[SupplierAudit]
    actions: list[CorrectiveAction]


def own_site_records(*, actor: User, site_id: int) -> OwnSiteRecords:
    """An own site's certificates, audits (findings prefetched) and corrective actions, scoped by the site's
    org unit (portal users see none)."""

    def mine(qs: QuerySet[Any]) -> QuerySet[Any]:
        return scoped(
            qs.filter(own_site_id=site_id),
            actor,
            permission="suppliers.view",
            unit_field="own_site__org_unit",
        )

    return OwnSiteRecords(
        certificates=list(mine(Certificate.objects.all()).order_by("standard", "-valid_until")),
        audits=list(mine(SupplierAudit.objects.prefetch_related("findings")).order_by("-date", "-id")),
        actions=list(mine(CorrectiveAction.objects.select_related("finding")).order_by("due_date", "id")),
    )


def own_site_action_get(*, actor: User, action_id: int) -> CorrectiveAction:
    """An own site's corrective action, scoped by the site's org unit (NotFound outside it)."""
    plan = (
        scoped(
            CorrectiveAction.objects.filter(own_site__isnull=False).select_related(
                "own_site__org_unit", "finding"
            ),
            actor,
            permission="suppliers.view",
            unit_field="own_site__org_unit",
        )
        .filter(pk=action_id)
        .first()
    )
    if plan is None:
        raise NotFound(
            _("No corrective action %(action_id)s of an own site that you can see.")
            % {"action_id": action_id}
        )
    return plan
