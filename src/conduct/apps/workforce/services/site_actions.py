"""Corrective actions of an own site's findings, worked as a supplier's are and through the same suppliers
services (conduct.events.suppliers' providers): a liaison or officer creates the plan on a finding, the
site's liaison attaches evidence and submits it (the plan is then in progress), and compliance staff verify
it or reject it back to open with a reason. Status changes to verified or closed need workforce.verify (the
person who submits is not the one who verifies)."""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from conduct.apps.accounts.actors import Actor
from conduct.apps.audit.services import ledger_append
from conduct.apps.errors import Conflict, Invalid
from conduct.apps.notifications.messages import message
from conduct.apps.notifications.services import notify
from conduct.apps.workforce.models import OwnSite
from conduct.apps.workforce.services._common import WorkforceAction, authorize_site
from conduct.events import suppliers as records

_RESOLVED = ("verified", "closed")
MAX_NOTE = 10_000


@transaction.atomic
def site_action_create(
    *, actor: Actor, site: OwnSite, finding: Any, action: str, owner: str, due_date: Any, root_cause: str = ""
) -> Any:
    authorize_site(actor, "workforce.view", site)
    if finding.own_site_id != site.pk:
        raise Invalid(_("Not a finding of this site."), fields={"finding": _("Another site's finding.")})
    return records.action_create(
        actor=actor, finding=finding, action=action, owner=owner, due_date=due_date, root_cause=root_cause
    )


@transaction.atomic
def site_action_update(*, actor: Actor, plan: Any, **fields: Any) -> Any:
    """Work the plan (root cause, action, evidence, owner, due date, status); verified and closed only with
    workforce.verify."""
    authorize_site(actor, "workforce.view", plan.own_site)
    if fields.get("status") in _RESOLVED or (fields.get("status") and plan.status in _RESOLVED):
        authorize_site(actor, "workforce.verify", plan.own_site)
    return records.action_update(actor=actor, plan=plan, **fields)


@transaction.atomic
def site_action_evidence(*, actor: Actor, plan: Any, content: bytes, filename: str) -> Any:
    authorize_site(actor, "workforce.view", plan.own_site)
    if plan.status in _RESOLVED:
        raise Conflict(_("The action is %(s)s: no more evidence.") % {"s": plan.status})
    return records.action_attach_evidence(actor=actor, plan=plan, content=content, filename=filename)


@transaction.atomic
def site_action_submit(*, actor: Actor, plan: Any, note: str = "") -> Any:
    """The evidence is complete: the plan goes in progress for review (evidence text or file required)."""
    authorize_site(actor, "workforce.view", plan.own_site)
    note = (note or "").strip()
    if len(note) > MAX_NOTE:
        raise Invalid(
            _("The note is too long."), fields={"note": _("At most %(n)d characters.") % {"n": MAX_NOTE}}
        )
    if plan.status not in ("open", "in_progress"):
        raise Conflict(_("Only an open action is submitted."))
    if not (note or plan.evidence or plan.evidence_file):
        raise Invalid(
            _("Nothing to review."), fields={"evidence": _("Describe the evidence or attach a file first.")}
        )
    fields: dict[str, Any] = {"status": "in_progress"}
    if note:
        fields["evidence"] = note
    plan = records.action_update(actor=actor, plan=plan, **fields)
    ledger_append(
        actor=actor,
        action=WorkforceAction.SITE_ACTION_SUBMIT,
        object_type="corrective_action",
        object_id=plan.pk,
        summary={"own_site": plan.own_site_id, "has_file": bool(plan.evidence_file)},
    )
    return plan


@transaction.atomic
def site_action_review(*, actor: Actor, plan: Any, decision: str, note: str = "") -> Any:
    """verify (the finding closes) or reject (back to open, with the reason; the site's liaison is told)."""
    authorize_site(actor, "workforce.verify", plan.own_site)
    note = (note or "").strip()
    errors: dict[str, str] = {}
    if decision not in ("verify", "reject"):
        errors["decision"] = _("Expected verify or reject.")
    if decision == "reject" and not note:
        errors["note"] = _("Say why the evidence is not enough.")
    if len(note) > MAX_NOTE:
        errors["note"] = _("At most %(n)d characters.") % {"n": MAX_NOTE}
    if errors:
        raise Invalid(_("The review is not valid."), fields=errors)
    if plan.status != "in_progress":
        raise Conflict(_("Only a submitted action (in progress) is reviewed."))
    plan = records.action_update(
        actor=actor, plan=plan, status="verified" if decision == "verify" else "open"
    )
    ledger_append(
        actor=actor,
        action=WorkforceAction.SITE_ACTION_REVIEW,
        object_type="corrective_action",
        object_id=plan.pk,
        summary={"own_site": plan.own_site_id, "decision": decision, "note": note},
    )
    liaison = plan.own_site.liaison
    if decision == "reject" and liaison is not None:
        notify(
            users=[liaison],
            kind="decision",
            text=message(
                gettext_lazy("Corrective action %(id)d at %(site)s was sent back: %(why)s"),
                id=plan.pk,
                site=plan.own_site.code,
                why=note[:300],
            ),
            link=f"/workforce/corrective-actions/{plan.pk}/",
        )
    return plan
