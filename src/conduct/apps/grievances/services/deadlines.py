"""Deadlines (GRIEVANCE_ACK_DAYS, GRIEVANCE_FEEDBACK_MONTHS): the daily task escalates each overdue report
once per deadline to every grievance officer it does not exclude, as an overdue notification (no text)."""

from __future__ import annotations

from datetime import datetime

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy

from conduct.apps.accounts.actors import Actor
from conduct.apps.accounts.scoping import authorize
from conduct.apps.audit.services import ledger_append
from conduct.apps.grievances.ledger_actions import GrievanceAction
from conduct.apps.grievances.models import Grievance, SpentChallenge, Status
from conduct.apps.grievances.services._common import link, officers_for
from conduct.apps.notifications.messages import message
from conduct.apps.notifications.services import Notice, notify_many

OPEN = (Status.RECEIVED, Status.ACKNOWLEDGED, Status.INVESTIGATING)

_NOT_ACKNOWLEDGED = gettext_lazy("%(ref)s was not acknowledged by its deadline (%(due)s).")
_NO_FEEDBACK = gettext_lazy("%(ref)s has had no feedback by its deadline (%(due)s).")


@transaction.atomic
def grievances_escalate_overdue(*, actor: Actor, now: datetime | None = None) -> list[tuple[int, str]]:
    """Escalate reports past their acknowledgement or feedback deadline (each deadline once); returns
    (grievance id, "acknowledge" | "feedback") for each escalation made."""
    authorize(actor, "grievances.handle")
    now = now or timezone.now()
    made: list[tuple[int, str]] = []
    notices: list[Notice] = []
    ack_late = Grievance.objects.select_for_update().filter(
        status=Status.RECEIVED, acknowledge_by__lt=now, ack_escalated_at__isnull=True
    )
    for g in ack_late:
        made.append((g.pk, "acknowledge"))
        text = message(_NOT_ACKNOWLEDGED, ref=g.ref, due=g.acknowledge_by.date())
        notices.append(Notice(officers_for(g), "overdue", text, link(g)))
    ack_late.update(ack_escalated_at=now)
    feedback_late = Grievance.objects.select_for_update().filter(
        status__in=OPEN, feedback_at__isnull=True, feedback_by__lt=now, feedback_escalated_at__isnull=True
    )
    for g in feedback_late:
        made.append((g.pk, "feedback"))
        text = message(_NO_FEEDBACK, ref=g.ref, due=g.feedback_by.date())
        notices.append(Notice(officers_for(g), "overdue", text, link(g)))
    feedback_late.update(feedback_escalated_at=now)
    for grievance_id, which in made:
        ledger_append(
            actor=actor,
            action=GrievanceAction.OVERDUE,
            object_type="grievance",
            object_id=grievance_id,
            summary={"deadline": which},
        )
    notify_many(notices=notices)
    SpentChallenge.objects.filter(expires_at__lt=now).delete()
    return made
