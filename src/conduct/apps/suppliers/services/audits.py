"""Writes to audits, their findings, and the corrective action plan of each finding.

A finding is open until its corrective action is verified or closed. The supplier works its actions (root
cause, action, evidence, starting work); only compliance staff verify and close them.
"""

from __future__ import annotations

import hashlib
from datetime import date
from typing import Any

from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from conduct.apps.accounts.actors import Actor
from conduct.apps.accounts.models import User
from conduct.apps.accounts.scoping import authorize
from conduct.apps.audit.services import ledger_append
from conduct.apps.errors import Conflict, Invalid
from conduct.apps.suppliers.dates import DateProblem, parse_date
from conduct.apps.suppliers.ledger import SupplierAction
from conduct.apps.suppliers.models import (
    ActionStatus,
    AuditKind,
    CorrectiveAction,
    Finding,
    Severity,
    Supplier,
    SupplierAudit,
    SupplierSite,
)
from conduct.apps.suppliers.services._common import authorize_record, authorize_supplier, changed, touch
from conduct.apps.suppliers.services.certificates import check_upload
from conduct.apps.suppliers.services.risk import risk_refresh
from conduct.datafiles import framework_library

# status -> statuses it may move to. verified/closed need `actions.verify`.
_NEXT = {
    ActionStatus.OPEN: {ActionStatus.IN_PROGRESS, ActionStatus.VERIFIED, ActionStatus.CLOSED},
    ActionStatus.IN_PROGRESS: {ActionStatus.OPEN, ActionStatus.VERIFIED, ActionStatus.CLOSED},
    ActionStatus.VERIFIED: {ActionStatus.CLOSED, ActionStatus.IN_PROGRESS},
    ActionStatus.CLOSED: {ActionStatus.IN_PROGRESS},
}
_RESOLVED = (ActionStatus.VERIFIED, ActionStatus.CLOSED)


def _a_date(value: Any, field: str, errors: dict[str, str]) -> date | None:
    try:
        parsed = parse_date(value)
    except DateProblem as exc:
        errors[field] = str(exc)
        return None
    if parsed is None:
        errors[field] = _("Required.")
    return parsed


@transaction.atomic
def audit_create(
    *,
    actor: Actor,
    supplier: Supplier,
    kind: str,
    date: Any,
    auditor: str,
    scope: str = "",
    site: SupplierSite | None = None,
) -> SupplierAudit:
    authorize_supplier(actor, "audits.record", supplier)
    errors: dict[str, str] = {}
    if kind not in AuditKind.values:
        errors["kind"] = _("Expected one of %(values)s.") % {"values": ", ".join(AuditKind.values)}
    when = _a_date(date, "date", errors)
    if when is not None and when > timezone.localdate():
        errors["date"] = _("An audit is recorded once it has taken place; the date is in the future.")
    auditor = (auditor or "").strip()
    if not auditor:
        errors["auditor"] = _("Required: the audit firm or person.")
    elif len(auditor) > 200:
        errors["auditor"] = _("At most 200 characters.")
    if site is not None and site.supplier_id != supplier.pk:
        errors["site"] = _("Not a site of %(name)s.") % {"name": supplier.name}
    if errors:
        raise Invalid(_("The audit is not valid."), fields=errors)
    audit = SupplierAudit.objects.create(
        supplier=supplier,
        kind=kind,
        date=when,
        auditor=auditor,
        scope=(scope or "").strip(),
        site=site,
        created_by=actor if isinstance(actor, User) else None,
    )
    touch(supplier)
    ledger_append(
        actor=actor,
        action=SupplierAction.AUDIT_CREATE,
        object_type="supplier_audit",
        object_id=audit.pk,
        summary={"supplier": supplier.pk, "kind": kind, "date": when, "auditor": auditor},
    )
    return audit


@transaction.atomic
def finding_add(
    *, actor: Actor, audit: SupplierAudit, severity: str, requirement: str, description: str
) -> Finding:
    authorize_record(actor, "audits.record", audit)
    errors: dict[str, str] = {}
    if severity not in Severity.values:
        errors["severity"] = _("Expected one of %(values)s.") % {"values": ", ".join(Severity.values)}
    requirement = " ".join((requirement or "").split())
    if not requirement:
        errors["requirement"] = _(
            "Cite the requirement the finding is against (e.g. urn:conduct:sa8000:SA8000-7.a)."
        )
    elif len(requirement) > 200:
        errors["requirement"] = _("At most 200 characters.")
    elif requirement.startswith("urn:") and framework_library().get(requirement) is None:
        errors["requirement"] = _("%(requirement)s is not a requirement in the framework library.") % {
            "requirement": requirement
        }
    if not (description or "").strip():
        errors["description"] = _("Required.")
    if errors:
        raise Invalid(_("The finding is not valid."), fields=errors)
    finding = Finding.objects.create(
        audit=audit,
        supplier_id=audit.supplier_id,
        own_site_id=audit.own_site_id,
        severity=severity,
        requirement=requirement,
        description=description.strip(),
    )
    touch(audit.supplier)
    ledger_append(
        actor=actor,
        action=SupplierAction.FINDING_CREATE,
        object_type="finding",
        object_id=finding.pk,
        summary={
            "audit": audit.pk,
            "supplier": audit.supplier_id,
            "severity": severity,
            "requirement": requirement,
        },
    )
    risk_refresh([audit.supplier_id])
    return finding


@transaction.atomic
def action_create(
    *, actor: Actor, finding: Finding, action: str, owner: str, due_date: Any, root_cause: str = ""
) -> CorrectiveAction:
    """The corrective action plan for a finding (one per finding)."""
    authorize_record(actor, "audits.record", finding)
    if CorrectiveAction.objects.filter(finding=finding).exists():
        raise Conflict(
            _("Finding %(pk)s already has its corrective action plan.") % {"pk": finding.pk},
            fields={"finding": _("Already has a plan.")},
        )
    errors: dict[str, str] = {}
    if not (action or "").strip():
        errors["action"] = _("Required: what will be done.")
    owner = (owner or "").strip()
    if not owner:
        errors["owner"] = _("Required: who carries it out.")
    elif len(owner) > 200:
        errors["owner"] = _("At most 200 characters.")
    due = _a_date(due_date, "due_date", errors)
    if errors:
        raise Invalid(_("The corrective action is not valid."), fields=errors)
    plan = CorrectiveAction.objects.create(
        finding=finding,
        supplier_id=finding.supplier_id,
        own_site_id=finding.own_site_id,
        action=action.strip(),
        owner=owner,
        due_date=due,
        root_cause=(root_cause or "").strip(),
    )
    ledger_append(
        actor=actor,
        action=SupplierAction.ACTION_CREATE,
        object_type="corrective_action",
        object_id=plan.pk,
        summary={"finding": finding.pk, "supplier": finding.supplier_id, "owner": owner, "due_date": due},
    )
    return plan


def _update_owner_and_due(
    plan: CorrectiveAction,
    fields: dict[str, Any],
    supplier_side: bool,
    errors: dict[str, str],
    changes: dict[str, Any],
) -> None:
    for field in ("owner", "due_date"):
        if field in fields and fields[field] is not None:
            if supplier_side:
                errors[field] = _("Only the compliance team changes the owner or the due date.")
            elif field == "owner":
                owner = str(fields["owner"]).strip()
                if not owner or len(owner) > 200:
                    errors["owner"] = _("1-200 characters.")
                changed(plan, "owner", owner, changes)
            else:
                due = _a_date(fields["due_date"], "due_date", errors)
                if due is not None:
                    changed(plan, "due_date", due, changes)


def _set_status(actor: Actor, plan: CorrectiveAction, status: str, changes: dict[str, Any]) -> None:
    changes["status"] = [plan.status, status]
    plan.status = status
    now = timezone.now()
    if status == ActionStatus.VERIFIED:
        plan.verified_at, plan.verified_by = now, actor if isinstance(actor, User) else None
    if status == ActionStatus.CLOSED:
        plan.closed_at = now
    if status in (ActionStatus.OPEN, ActionStatus.IN_PROGRESS):
        plan.closed_at = None


@transaction.atomic
def action_update(*, actor: Actor, plan: CorrectiveAction, **fields: Any) -> CorrectiveAction:
    """Change root_cause, action, evidence, owner, due_date or status. Staff may change everything; the
    supplier only its root cause, action and evidence, and open <-> in_progress."""
    authorize_record(actor, "actions.work", plan)
    supplier_side = isinstance(actor, User) and actor.is_portal
    errors: dict[str, str] = {}
    changes: dict[str, Any] = {}
    for field in ("root_cause", "action", "evidence"):
        if field in fields and fields[field] is not None:
            changed(plan, field, str(fields[field]).strip(), changes)
    if "action" in changes and not plan.action:
        errors["action"] = _("The action cannot be empty.")
    _update_owner_and_due(plan, fields, supplier_side, errors, changes)
    status = fields.get("status")
    if status is not None and status != plan.status:
        if status not in ActionStatus.values:
            errors["status"] = _("Expected one of %(values)s.") % {"values": ", ".join(ActionStatus.values)}
        elif status not in _NEXT[plan.status]:
            errors["status"] = _("An action that is %(lower)s cannot become %(status)s.") % {
                "lower": plan.get_status_display().lower(),
                "status": status,
            }
        elif status in _RESOLVED or plan.status in _RESOLVED:
            authorize(actor, "actions.verify")
            if status in _RESOLVED and not (plan.evidence or plan.evidence_file):
                errors["status"] = _("Record the evidence before the action is verified or closed.")
    if errors:
        raise Invalid(_("The corrective action is not valid."), fields=errors)
    if status is not None and status != plan.status:
        _set_status(actor, plan, status, changes)
    if not changes:
        return plan
    plan.updated_at = timezone.now()
    plan.save()
    ledger_append(
        actor=actor,
        action=SupplierAction.ACTION_UPDATE,
        object_type="corrective_action",
        object_id=plan.pk,
        summary={"supplier": plan.supplier_id, **changes},
    )
    if "status" in changes:
        is_open = plan.status not in _RESOLVED
        if Finding.objects.filter(pk=plan.finding_id).exclude(is_open=is_open).update(is_open=is_open):
            risk_refresh([plan.supplier_id])
    touch(plan.supplier)
    return plan


@transaction.atomic
def action_attach_evidence(
    *, actor: Actor, plan: CorrectiveAction, content: bytes, filename: str
) -> CorrectiveAction:
    authorize_record(actor, "actions.work", plan)
    _, extension = check_upload(content)
    digest = hashlib.sha256(content).hexdigest()
    owner = plan.supplier_id if plan.supplier_id is not None else f"site{plan.own_site_id}"
    plan.evidence_file.save(
        f"{owner}-cap{plan.pk}-{digest[:12]}.{extension}", ContentFile(content), save=False
    )
    plan.evidence_file_name = (filename or f"evidence.{extension}").rsplit("/", 1)[-1][:200]
    plan.evidence_file_sha256 = digest
    plan.updated_at = timezone.now()
    plan.save()
    ledger_append(
        actor=actor,
        action=SupplierAction.ACTION_ATTACH_EVIDENCE,
        object_type="corrective_action",
        object_id=plan.pk,
        summary={"supplier": plan.supplier_id, "sha256": digest, "bytes": len(content)},
    )
    return plan
