"""The officers' side: read a report (decrypted; every read ledgered), move it through the workflow with
reasons, message the reporter, record the remedy, link a supplier or an org unit, escalate to a governance
case (through the GrievanceRaised event), and exclude people involved. A user the report excludes gets
404 from every one of these, as if it did not exist."""

from __future__ import annotations

from dataclasses import dataclass

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from conduct.apps.accounts.actors import Actor, SystemActor
from conduct.apps.accounts.models import OrgUnit, User
from conduct.apps.accounts.roles import Role
from conduct.apps.accounts.scoping import authorize
from conduct.apps.audit.services import ledger_append
from conduct.apps.errors import Conflict, Invalid, NotFound
from conduct.apps.grievances.crypto import open_bytes
from conduct.apps.grievances.ledger_actions import GrievanceAction
from conduct.apps.grievances.models import (
    Attachment,
    Dimension,
    Exclusion,
    Grievance,
    Message,
    RemedyType,
    Status,
)
from conduct.apps.grievances.services._common import link, mail_reporter, officers_for, seal, unseal
from conduct.apps.suppliers.models import Supplier
from conduct.events import emit
from conduct.events.incidents import GrievanceLinkedToSupplier, GrievanceRaised

# The workflow: received -> acknowledged -> investigating -> remedy | no_finding -> closed.
TRANSITIONS: dict[str, tuple[str, ...]] = {
    "received": ("acknowledged",),
    "acknowledged": ("investigating",),
    "investigating": ("remedy", "no_finding"),
    "remedy": ("closed",),
    "no_finding": ("closed",),
    "closed": (),
}
OUTCOMES = ("remedy", "no_finding")


@dataclass(frozen=True)
class GrievanceView:
    """A report as an allowed officer reads it: the row and its decrypted texts."""

    grievance: Grievance
    description: str
    location: str
    affected: str
    involved: str
    contact: str
    status_reason: str
    remedy: str
    messages: list[tuple[Message, str]]
    attachments: list[tuple[Attachment, str]]
    excluded: list[str]


def grievance_for(*, actor: Actor, grievance_id: int, lock: bool = False) -> Grievance:
    """The grievance if the actor may read it: grievance officers not excluded from it (a system actor too);
    NotFound otherwise, saying nothing about whether it exists."""
    authorize(actor, "grievances.view")
    rows = Grievance.objects.select_related("org_unit", "supplier")
    if lock:
        rows = rows.select_for_update(of=("self",))  # not the outer-joined unit or supplier
    if not isinstance(actor, SystemActor):
        rows = rows.exclude(exclusions__user=actor)
    found = rows.filter(pk=grievance_id).first()
    if found is None:
        raise NotFound(_("No grievance %(id)d that you may read.") % {"id": grievance_id})
    return found


@transaction.atomic
def grievance_read(*, actor: Actor, grievance_id: int) -> GrievanceView:
    """The report decrypted for an allowed officer; the read is ledgered (who read which report, when)."""
    g = grievance_for(actor=actor, grievance_id=grievance_id)
    view = GrievanceView(
        grievance=g,
        description=unseal(g.description_enc, "description"),
        location=unseal(g.location_enc, "location"),
        affected=unseal(g.affected_enc, "affected"),
        involved=unseal(g.involved_enc, "involved"),
        contact=unseal(g.contact_enc, "contact"),
        status_reason=unseal(g.status_reason_enc, "status_reason"),
        remedy=unseal(g.remedy_enc, "remedy"),
        messages=[(m, unseal(m.body_enc, "message")) for m in g.messages.select_related("handler")],
        attachments=[(a, unseal(a.name_enc, "attachment_name")) for a in g.attachments.all()],
        excluded=sorted(e.user.username for e in g.exclusions.select_related("user")),
    )
    ledger_append(
        actor=actor, action=GrievanceAction.READ, object_type="grievance", object_id=g.pk, summary={}
    )
    return view


@transaction.atomic
def attachment_read(*, actor: Actor, grievance_id: int, attachment_id: int) -> tuple[str, str, bytes]:
    """(name, content type, bytes) of one attachment, decrypted; ledgered like a read of the report."""
    g = grievance_for(actor=actor, grievance_id=grievance_id)
    attachment = g.attachments.filter(pk=attachment_id).first()
    if attachment is None:
        raise NotFound(_("No attachment %(id)d on this grievance.") % {"id": attachment_id})
    content = open_bytes(bytes(attachment.content_enc).decode("ascii"), context="grievance.attachment")
    ledger_append(
        actor=actor,
        action=GrievanceAction.ATTACHMENT_READ,
        object_type="grievance",
        object_id=g.pk,
        summary={"attachment": attachment.pk},
    )
    return unseal(attachment.name_enc, "attachment_name"), attachment.content_type, content


def _officer(actor: Actor) -> User | None:
    return actor if isinstance(actor, User) else None


ACK_SUBJECT = gettext_lazy("Your report was acknowledged")
ACK_BODY = gettext_lazy(
    "Your report has been received and acknowledged. Follow it up with your receipt on the reporting page."
)
UPDATE_SUBJECT = gettext_lazy("News about your report")
UPDATE_BODY = gettext_lazy(
    "There is news about your report. Read it with your receipt on the reporting page."
)


@transaction.atomic
def grievance_transition(
    *, actor: Actor, grievance_id: int, to: str, reason: str, dimension: str | None = None
) -> Grievance:
    """Move a report one step along the workflow, with the reason (sealed; the reporter sees it)."""
    authorize(actor, "grievances.handle")
    g = grievance_for(actor=actor, grievance_id=grievance_id, lock=True)
    errors: dict[str, str] = {}
    if to not in TRANSITIONS.get(g.status, ()):
        allowed = ", ".join(TRANSITIONS.get(g.status, ())) or _("none (closed)")
        raise Conflict(
            _("A %(status)s grievance cannot become %(to)s; next: %(allowed)s.")
            % {"status": g.status, "to": to, "allowed": allowed},
            fields={"to": allowed},
        )
    if not reason.strip() or len(reason) > 5000:
        errors["reason"] = _("Give the reason (1 to 5,000 characters).")
    if dimension is not None and dimension not in Dimension.values:
        errors["dimension"] = _("Expected one of %(v)s.") % {"v": ", ".join(v for v in Dimension.values if v)}
    if errors:
        raise Invalid(_("The change is not valid."), fields=errors)
    now = timezone.now()
    before = g.status
    g.status = to
    g.status_reason_enc = seal(reason.strip(), "status_reason")
    if dimension is not None:
        g.dimension = dimension
    if to == Status.ACKNOWLEDGED:
        g.acknowledged_at = now
    if to in OUTCOMES and g.feedback_at is None:
        g.feedback_at = now
    if to == Status.CLOSED:
        g.closed_at = now
    g.save()
    Message.objects.create(
        grievance=g,
        author=Message.Author.HANDLER,
        kind=Message.Kind.STATUS,
        handler=_officer(actor),
        body_enc=seal(f"{to}: {reason.strip()}", "message"),
    )
    ledger_append(
        actor=actor,
        action=GrievanceAction.TRANSITION,
        object_type="grievance",
        object_id=g.pk,
        summary={"from": before, "to": to, "dimension": g.dimension},
    )
    if to == Status.ACKNOWLEDGED:
        mail_reporter(g, ACK_SUBJECT, ACK_BODY)
    else:
        mail_reporter(g, UPDATE_SUBJECT, UPDATE_BODY)
    return g


@transaction.atomic
def grievance_message(*, actor: Actor, grievance_id: int, body: str, kind: str = "message") -> Message:
    """A handler's message to the reporter: a question, an update, or feedback (which meets the feedback
    deadline)."""
    authorize(actor, "grievances.handle")
    g = grievance_for(actor=actor, grievance_id=grievance_id, lock=True)
    if kind not in (Message.Kind.MESSAGE, Message.Kind.QUESTION, Message.Kind.FEEDBACK):
        raise Invalid(_("The message is not valid."), fields={"kind": _("message, question, feedback")})
    if not body.strip() or len(body) > 10_000:
        raise Invalid(_("The message is not valid."), fields={"body": _("Write 1 to 10,000 characters.")})
    message = Message.objects.create(
        grievance=g,
        author=Message.Author.HANDLER,
        kind=kind,
        handler=_officer(actor),
        body_enc=seal(body.strip(), "message"),
    )
    if kind == Message.Kind.FEEDBACK and g.feedback_at is None:
        Grievance.objects.filter(pk=g.pk).update(feedback_at=message.created_at)
    ledger_append(
        actor=actor,
        action=GrievanceAction.MESSAGE,
        object_type="grievance",
        object_id=g.pk,
        summary={"message": message.pk, "kind": kind},
    )
    mail_reporter(g, UPDATE_SUBJECT, UPDATE_BODY)
    return message


@transaction.atomic
def grievance_remedy(
    *, actor: Actor, grievance_id: int, remedy_type: str, description: str, accepted: bool | None = None
) -> Grievance:
    """Record the remedy (type and what it is) and, when known, whether the reporter accepted it."""
    authorize(actor, "grievances.handle")
    g = grievance_for(actor=actor, grievance_id=grievance_id, lock=True)
    errors: dict[str, str] = {}
    if remedy_type not in RemedyType.values:
        errors["type"] = _("Expected one of %(v)s.") % {"v": ", ".join(RemedyType.values)}
    if not description.strip() or len(description) > 5000:
        errors["description"] = _("Describe the remedy (1 to 5,000 characters).")
    if errors:
        raise Invalid(_("The remedy is not valid."), fields=errors)
    if g.status not in (Status.INVESTIGATING, Status.REMEDY):
        raise Conflict(_("A remedy is recorded while the grievance is under investigation or in remedy."))
    g.remedy_type = remedy_type
    g.remedy_enc = seal(description.strip(), "remedy")
    g.remedy_accepted = accepted
    g.save(update_fields=["remedy_type", "remedy_enc", "remedy_accepted"])
    ledger_append(
        actor=actor,
        action=GrievanceAction.REMEDY,
        object_type="grievance",
        object_id=g.pk,
        summary={"type": remedy_type, "accepted": accepted},
    )
    return g


@transaction.atomic
def grievance_link(
    *,
    actor: Actor,
    grievance_id: int,
    supplier_id: int | None = None,
    org_unit_id: int | None = None,
    corrective_action: bool = False,
) -> Grievance:
    """Link the report to a supplier (its risk drivers count it; with `corrective_action` suppliers raises
    one) and/or an org unit. The supplier hears of it through GrievanceLinkedToSupplier, without any text."""
    authorize(actor, "grievances.handle")
    g = grievance_for(actor=actor, grievance_id=grievance_id, lock=True)
    errors: dict[str, str] = {}
    supplier = Supplier.objects.filter(pk=supplier_id).first() if supplier_id is not None else None
    unit = OrgUnit.objects.filter(pk=org_unit_id).first() if org_unit_id is not None else None
    if supplier_id is not None and supplier is None:
        errors["supplier"] = _("No supplier %(id)d.") % {"id": supplier_id}
    if org_unit_id is not None and unit is None:
        errors["org_unit"] = _("No org unit %(id)d.") % {"id": org_unit_id}
    if supplier_id is None and org_unit_id is None:
        errors["supplier"] = _("Name a supplier or an org unit.")
    if errors:
        raise Invalid(_("The link is not valid."), fields=errors)
    if supplier is not None:
        g.supplier = supplier
    if unit is not None:
        g.org_unit = unit
    g.save(update_fields=["supplier", "org_unit"])
    ledger_append(
        actor=actor,
        action=GrievanceAction.LINK,
        object_type="grievance",
        object_id=g.pk,
        summary={
            "supplier": g.supplier_id,
            "org_unit": g.org_unit_id,
            "corrective_action": corrective_action,
        },
    )
    if supplier is not None:
        emit(
            GrievanceLinkedToSupplier(
                actor=actor,
                grievance_ref=g.ref,
                supplier=supplier,
                dimension=g.dimension or "supply_chain",
                corrective_action=corrective_action,
            )
        )
    return g


@transaction.atomic
def grievance_escalate(
    *, actor: Actor, grievance_id: int, title: str, dimension: str, rights: list[str] | None = None
) -> Grievance:
    """Ask the committee process for a case (GrievanceRaised; governance opens it on the officers' queue).
    Only the title an officer writes travels, never the report's text."""
    authorize(actor, "grievances.handle")
    g = grievance_for(actor=actor, grievance_id=grievance_id, lock=True)
    errors: dict[str, str] = {}
    if not title.strip() or len(title) > 200:
        errors["title"] = _("A title of 1 to 200 characters (it is not the report's text).")
    if dimension not in Dimension.values or not dimension:
        errors["dimension"] = _("Expected one of %(v)s.") % {"v": ", ".join(v for v in Dimension.values if v)}
    if errors:
        raise Invalid(_("The escalation is not valid."), fields=errors)
    if g.case_id is not None:
        raise Conflict(_("This grievance was escalated already (case %(case)d).") % {"case": g.case_id})
    g.dimension = dimension
    ledger_append(
        actor=actor,
        action=GrievanceAction.ESCALATE,
        object_type="grievance",
        object_id=g.pk,
        summary={"dimension": dimension},
    )
    results = emit(
        GrievanceRaised(
            actor=actor,
            grievance_ref=g.ref,
            title=title.strip(),
            dimension=dimension,
            org_unit=g.org_unit,
            rights=tuple(rights or ()),
        )
    )
    case = next((r for r in results if getattr(r, "pk", None) is not None), None)
    if case is None:
        raise Conflict(_("No module is installed to open a governance case."), code="no_case_handler")
    g.case_id = case.pk
    g.save(update_fields=["case_id", "dimension"])
    return g


@transaction.atomic
def grievance_exclude(*, actor: Actor, grievance_id: int, username: str) -> Exclusion:
    """Exclude a user (involved in the report) from it: they are not told of it and cannot read it."""
    authorize(actor, "grievances.handle")
    g = grievance_for(actor=actor, grievance_id=grievance_id, lock=True)
    user = User.objects.filter(username=username.strip()).first()
    if user is None:
        raise Invalid(_("Unknown user."), fields={"username": _("No user %(u)r.") % {"u": username}})
    if user == actor:
        raise Invalid(
            _("You cannot exclude yourself; ask another grievance officer."), fields={"username": username}
        )
    exclusion, _created = Exclusion.objects.get_or_create(
        grievance=g, user=user, defaults={"source": "handler"}
    )
    ledger_append(
        actor=actor,
        action=GrievanceAction.EXCLUDE,
        object_type="grievance",
        object_id=g.pk,
        summary={"user": user.username},
    )
    if user.role == Role.GRIEVANCE_OFFICER and not officers_for(g).exists():
        raise Conflict(_("No grievance officer would be left to handle this report."))
    return exclusion


__all__ = ["link"]
