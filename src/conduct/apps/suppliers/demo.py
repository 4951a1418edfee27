"""The demo supply chain (data/demo/organisation.yaml, `supply_chain:`), loaded by `conduct demo load`.

Idempotent: a supplier, site, contact, relation, certificate, audit or questionnaire already there is left
alone. Dates written "+30d" / "-60d" count from today, so the demo always has certificates about to expire.
"""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from django.db import transaction
from django.utils import timezone

from conduct.apps.accounts.actors import DEMO, SYSTEM
from conduct.apps.accounts.models import OrgUnit, PortalOrganisation
from conduct.apps.audit.services import ledger_append
from conduct.apps.suppliers import services
from conduct.apps.suppliers.ledger import SupplierAction
from conduct.apps.suppliers.models import Certificate, Supplier, SupplierRelation


def _day(value: Any) -> date | None:
    if value is None:
        return None
    if isinstance(value, date):
        return value
    text = str(value).strip()
    if text[:1] in "+-" and text.endswith("d"):
        return timezone.localdate() + timedelta(days=int(text[:-1]))
    return date.fromisoformat(text)


@transaction.atomic
def _suppliers(spec: dict[str, Any], by_ext: dict[str, Supplier]) -> int:
    """The suppliers, with their sites and contacts, and the status they were found in."""
    created = 0
    for item in spec.get("suppliers", []):
        supplier = Supplier.objects.filter(external_id=item["external_id"]).first()
        if supplier is None:
            portal = (
                PortalOrganisation.objects.filter(kind="supplier", name=item["portal_org"]).first()
                if item.get("portal_org")
                else None
            )
            supplier = services.supplier_create(
                actor=SYSTEM,
                name=item["name"],
                country=item["country"],
                region=item.get("region", ""),
                org_unit=OrgUnit.objects.get(code=item["unit"]),
                categories=item.get("categories", []),
                external_id=item["external_id"],
                aliases=item.get("aliases", []),
                registration_id=item.get("registration_id", ""),
                portal_org=portal,
            )
            created += 1
            for site in item.get("sites", []):
                services.site_add(actor=SYSTEM, supplier=supplier, **site)
            for contact in item.get("contacts", []):
                services.contact_add(actor=SYSTEM, supplier=supplier, **contact)
            if item.get("status") and item["status"] != supplier.status:
                # Suppliers that were already approved before Conduct came in: recorded as found.
                Supplier.objects.filter(pk=supplier.pk).update(status=item["status"])
                ledger_append(
                    actor=DEMO,
                    action=SupplierAction.SUPPLIER_STATUS_AS_FOUND,
                    object_type="supplier",
                    object_id=supplier.pk,
                    summary={"status": item["status"]},
                )
                supplier.status = item["status"]
        by_ext[item["external_id"]] = supplier
    return created


def _certificates(spec: dict[str, Any], by_ext: dict[str, Supplier]) -> int:
    """Certificates not recorded yet."""
    created = 0
    for cert in spec.get("certificates", []):
        supplier = by_ext[cert["supplier"]]
        if Certificate.objects.filter(
            supplier=supplier, standard=cert["standard"], number=cert["number"]
        ).exists():
            continue
        services.certificate_create(
            actor=SYSTEM,
            supplier=supplier,
            standard=cert["standard"],
            number=cert["number"],
            issuer=cert.get("issuer", ""),
            accreditation_body=cert.get("accreditation_body", ""),
            valid_from=_day(cert.get("valid_from")),
            valid_until=_day(cert["valid_until"]),
        )
        created += 1
    return created


def _audits(spec: dict[str, Any], by_ext: dict[str, Supplier]) -> int:
    """Audits (of suppliers with none yet), their findings and corrective actions."""
    created = 0
    for audit_spec in spec.get("audits", []):
        supplier = by_ext[audit_spec["supplier"]]
        if supplier.audits.exists():
            continue
        audit = services.audit_create(
            actor=SYSTEM,
            supplier=supplier,
            kind=audit_spec["kind"],
            date=_day(audit_spec["date"]),
            auditor=audit_spec["auditor"],
            scope=audit_spec.get("scope", ""),
        )
        created += 1
        for finding_spec in audit_spec.get("findings", []):
            finding = services.finding_add(
                actor=SYSTEM,
                audit=audit,
                severity=finding_spec["severity"],
                requirement=finding_spec["requirement"],
                description=finding_spec["description"],
            )
            plan_spec = finding_spec.get("action")
            if plan_spec:
                plan = services.action_create(
                    actor=SYSTEM,
                    finding=finding,
                    action=plan_spec["action"],
                    owner=plan_spec["owner"],
                    due_date=_day(plan_spec["due_date"]),
                    root_cause=plan_spec.get("root_cause", ""),
                )
                if plan_spec.get("status"):
                    services.action_update(actor=SYSTEM, plan=plan, status=plan_spec["status"])
    return created


def load_demo_suppliers(spec: dict[str, Any] | None) -> int:
    if not spec:
        return 0
    by_ext: dict[str, Supplier] = {}
    created = _suppliers(spec, by_ext)
    for buyer, sub in spec.get("relations", []):
        if not SupplierRelation.objects.filter(buyer=by_ext[buyer], supplier=by_ext[sub]).exists():
            services.relation_add(actor=SYSTEM, buyer=by_ext[buyer], supplier=by_ext[sub])
            created += 1
    created += _certificates(spec, by_ext)
    created += _audits(spec, by_ext)
    for q in spec.get("questionnaires", []):
        supplier = by_ext[q["supplier"]]
        if not supplier.questionnaires.filter(template_key=q["template"]).exists():
            services.questionnaire_send(
                actor=SYSTEM, supplier=supplier, template_key=q["template"], due_date=_day(q.get("due_date"))
            )
            created += 1
    for item in spec.get("suppliers", []):
        supplier = by_ext[item["external_id"]]
        if item.get("onboard") and supplier.onboarding_decision_id is None:
            services.supplier_onboard(actor=SYSTEM, supplier=supplier)
    if created:
        services.risk_recompute_all(actor=DEMO)
    return created
