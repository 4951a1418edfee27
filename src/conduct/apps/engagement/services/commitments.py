"""Writes to commitments: made in a letter, a report or a meeting; worked by the owner unit; closed as done
(with at least one piece of evidence) or dropped (with a reason). Overdue ones are escalated once per slip:
the escalation remembers the due date it escalated, so a new due date that slips again is escalated again."""

from __future__ import annotations

from datetime import date
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from conduct.apps.accounts.actors import SCHEDULER, Actor
from conduct.apps.accounts.models import Liaison, OrgUnit, User
from conduct.apps.accounts.roles import Role
from conduct.apps.accounts.scoping import authorize, path_in_scope, unit_paths_many
from conduct.apps.audit.services import ledger_append
from conduct.apps.catalog.models import Control
from conduct.apps.engagement.models import (
    Commitment,
    CommitmentEvidence,
    CommitmentStatus,
    Correspondence,
    CorrespondenceDocument,
    EvidenceKind,
    MadeIn,
)
from conduct.apps.engagement.services._common import (
    EngagementAction,
    clean_choice,
    clean_date,
    clean_text,
    user_of,
)
from conduct.apps.errors import Conflict, Invalid, raise_if
from conduct.apps.gates.models import GateDecision
from conduct.apps.governance.models import Case
from conduct.apps.notifications.models import Notification
from conduct.apps.notifications.services import notify

MAX_DB_ID = 2**63 - 1
# Where each kind of evidence lives: checked by id and kind (the models only; no other app's reads).
_TARGETS: dict[str, Any] = {
    "case": Case,
    "gate_decision": GateDecision,
    "document": CorrespondenceDocument,
    "control": Control,
}
# Which status may follow which (done and dropped are final).
_NEXT = {
    "open": {"in_progress", "done", "dropped"},
    "in_progress": {"open", "done", "dropped"},
}


def commitment_link(commitment_id: int) -> str:
    return f"/engagement/commitments/{commitment_id}/"


@transaction.atomic
def commitment_create(
    *, actor: Actor, owner_unit: OrgUnit, correspondence: Correspondence | None = None, **fields: Any
) -> Commitment:
    """made_in, text, due_date (required); public; `correspondence`, the letter or meeting it was made in."""
    authorize(actor, "engagement.write", unit=owner_unit)
    errors: dict[str, str] = {}
    made_in = clean_choice(fields.get("made_in"), "made_in", errors, list(MadeIn.values))
    text = clean_text(fields.get("text"), "text", errors, limit=5000)
    due = clean_date(fields.get("due_date"), "due_date", errors)
    public = fields.get("public", False)
    if not isinstance(public, bool):
        errors["public"] = _("true or false.")
    if correspondence is not None and made_in == MadeIn.REPORT:
        errors["correspondence"] = _("A commitment made in a report links no letter or meeting.")
    raise_if(errors, _("The commitment is not valid."))
    item = Commitment.objects.create(
        made_in=made_in,
        correspondence=correspondence,
        text=text,
        owner_unit=owner_unit,
        due_date=due,
        public=public,
        created_by=user_of(actor),
    )
    ledger_append(
        actor=actor,
        action=EngagementAction.COMMITMENT_CREATE,
        object_type="commitment",
        object_id=item.pk,
        summary={
            "made_in": made_in,
            "correspondence": correspondence.pk if correspondence else None,
            "owner_unit": owner_unit.code,
            "due_date": due,
            "public": public,
            "text": text,
        },
    )
    return item


@transaction.atomic
def commitment_update(
    *, actor: Actor, commitment: Commitment, owner_unit: OrgUnit | None = None, **fields: Any
) -> Commitment:
    """Change text, due_date, public or (within the actor's units) the owner unit of an open commitment."""
    authorize(actor, "engagement.write", unit=commitment.owner_unit)
    commitment = Commitment.objects.select_for_update().get(pk=commitment.pk)
    if commitment.is_closed:
        raise Conflict(
            _("The commitment is closed (%(status)s).") % {"status": commitment.get_status_display()}
        )
    errors: dict[str, str] = {}
    changes: dict[str, Any] = {}
    if "text" in fields:
        changes["text"] = clean_text(fields["text"], "text", errors, limit=5000)
    if "due_date" in fields:
        changes["due_date"] = clean_date(fields["due_date"], "due_date", errors)
    if "public" in fields:
        if not isinstance(fields["public"], bool):
            errors["public"] = _("true or false.")
        changes["public"] = fields["public"]
    if owner_unit is not None and owner_unit != commitment.owner_unit:
        authorize(
            actor, "engagement.write", unit=owner_unit
        )  # the new owner must be in the actor's units too
        changes["owner_unit"] = owner_unit
    raise_if(errors, _("The commitment is not valid."))
    changed = {k: v for k, v in changes.items() if getattr(commitment, k) != v}
    if not changed:
        return commitment
    for key, value in changed.items():
        setattr(commitment, key, value)
    commitment.save(update_fields=list(changed))
    ledger_append(
        actor=actor,
        action=EngagementAction.COMMITMENT_UPDATE,
        object_type="commitment",
        object_id=commitment.pk,
        summary={k: (v.code if isinstance(v, OrgUnit) else v) for k, v in changed.items()},
    )
    return commitment


@transaction.atomic
def commitment_set_status(
    *, actor: Actor, commitment: Commitment, status: str, reason: str = ""
) -> Commitment:
    """open <-> in_progress; either -> done (at least one piece of evidence linked) or dropped (a reason).
    Done and dropped are final."""
    authorize(actor, "engagement.write", unit=commitment.owner_unit)
    commitment = Commitment.objects.select_for_update().get(pk=commitment.pk)
    errors: dict[str, str] = {}
    status = clean_choice(status, "status", errors, list(CommitmentStatus.values))
    reason = clean_text(reason, "reason", errors, limit=5000, required=status == CommitmentStatus.DROPPED)
    raise_if(errors, _("The status change is not valid."))
    if status == commitment.status:
        return commitment
    if status not in _NEXT.get(commitment.status, set()):
        raise Conflict(
            _("A commitment %(from)s cannot become %(to)s.")
            % {"from": commitment.get_status_display(), "to": CommitmentStatus(status).label},
            code="wrong_step",
        )
    if status == CommitmentStatus.DONE and not commitment.evidence.exists():
        raise Invalid(
            _("A commitment is done when its evidence shows it."),
            fields={"evidence": _("Link at least one case, decision, document or control first.")},
        )
    commitment.status = status
    commitment.drop_reason = reason if status == CommitmentStatus.DROPPED else commitment.drop_reason
    commitment.closed_at = timezone.now() if commitment.is_closed else None
    commitment.save(update_fields=["status", "drop_reason", "closed_at"])
    ledger_append(
        actor=actor,
        action=EngagementAction.COMMITMENT_STATUS,
        object_type="commitment",
        object_id=commitment.pk,
        summary={"status": status, **({"reason": reason} if reason else {})},
    )
    return commitment


@transaction.atomic
def commitment_add_evidence(
    *, actor: Actor, commitment: Commitment, kind: str, target_id: Any, note: str = ""
) -> CommitmentEvidence:
    """Link a case, a gate decision, a correspondence document or a control (checked to exist) as evidence."""
    authorize(actor, "engagement.write", unit=commitment.owner_unit)
    errors: dict[str, str] = {}
    kind = clean_choice(kind, "kind", errors, list(EvidenceKind.values))
    note = clean_text(note, "note", errors, limit=500, required=False)
    if isinstance(target_id, bool) or not isinstance(target_id, int) or not 0 < target_id <= MAX_DB_ID:
        errors["target_id"] = _("A record id (a positive whole number).")
    elif kind in _TARGETS and not _TARGETS[kind].objects.filter(pk=target_id).exists():
        errors["target_id"] = _("No %(kind)s %(id)d.") % {"kind": EvidenceKind(kind).label, "id": target_id}
    raise_if(errors, _("The evidence is not valid."))
    if commitment.is_closed:
        raise Conflict(
            _("The commitment is closed (%(status)s).") % {"status": commitment.get_status_display()}
        )
    if commitment.evidence.filter(kind=kind, target_id=target_id).exists():
        raise Conflict(_("This evidence is linked already."), code="duplicate")
    link = CommitmentEvidence.objects.create(
        commitment=commitment, kind=kind, target_id=target_id, note=note, added_by=user_of(actor)
    )
    ledger_append(
        actor=actor,
        action=EngagementAction.COMMITMENT_EVIDENCE,
        object_type="commitment",
        object_id=commitment.pk,
        summary={"kind": kind, "target_id": target_id, "note": note},
    )
    return link


def _audience(units: list[OrgUnit]) -> dict[int, list[User]]:
    """Per unit: its liaisons and the compliance officers whose units cover it (every officer if none)."""
    officers = list(User.objects.filter(role=Role.COMPLIANCE_OFFICER, is_active=True).order_by("pk"))
    paths = unit_paths_many(officers)
    liaisons: dict[int, list[User]] = {}
    for row in Liaison.objects.filter(org_unit__in=units).select_related("user"):
        liaisons.setdefault(row.org_unit_id, []).append(row.user)
    result = {}
    for unit in units:
        covering = [o for o in officers if path_in_scope(paths[o.pk], unit)] or officers
        result[unit.pk] = [*liaisons.get(unit.pk, []), *covering]
    return result


@transaction.atomic
def commitments_escalate_overdue(*, actor: Actor = SCHEDULER, today: date | None = None) -> list[Commitment]:
    """Tell the owner unit's liaisons and the officers about each commitment past its due date, once per slip
    (per due date); running it again escalates nothing twice."""
    authorize(actor, "engagement.escalate")
    day = today or timezone.localdate()
    slipped = [
        c
        for c in Commitment.objects.select_for_update(of=("self",))
        .select_related("owner_unit")
        .filter(status__in=(CommitmentStatus.OPEN, CommitmentStatus.IN_PROGRESS), due_date__lt=day)
        if c.escalated_due != c.due_date
    ]
    audience = _audience(list({c.owner_unit_id: c.owner_unit for c in slipped}.values()))
    for item in slipped:
        item.escalated_due = item.due_date
        item.save(update_fields=["escalated_due"])
        users = audience[item.owner_unit_id]
        days = (day - item.due_date).days
        ledger_append(
            actor=actor,
            action=EngagementAction.COMMITMENT_ESCALATE,
            object_type="commitment",
            object_id=item.pk,
            summary={
                "due_date": item.due_date,
                "days_overdue": days,
                "owner_unit": item.owner_unit.code,
                "notified": sorted({u.username for u in users}),
            },
        )
        notify(
            users=users,
            kind=str(Notification.Kind.OVERDUE),
            text=_("Commitment overdue by %(days)d days in %(unit)s: %(text)s")
            % {"days": days, "unit": item.owner_unit.name, "text": item.text[:300]},
            link=commitment_link(item.pk),
        )
    return slipped
