"""Scheduled reminders: everyone who has not acknowledged an open campaign's policy version, and everyone
not holding a valid completion of an assigned course, is reminded at the cadence in settings.WORKFORCE
(ATTESTATION_REMINDER_DAYS, TRAINING_REMINDER_DAYS: days before the due date, negative after it). Once per
person, campaign or assignment, due date and step (ReminderSent), so running it again sends nothing new; a
run that finds several steps passed sends the latest only."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date, timedelta

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy

from conduct.apps.accounts.actors import Actor
from conduct.apps.accounts.models import User
from conduct.apps.accounts.scoping import authorize
from conduct.apps.audit.services import ledger_append
from conduct.apps.notifications.messages import Message, message
from conduct.apps.notifications.services import Notice, notify_many
from conduct.apps.workforce import duties
from conduct.apps.workforce.models import (
    Attestation,
    AttestationCampaign,
    ReminderKind,
    ReminderSent,
    TrainingAssignment,
)
from conduct.apps.workforce.services._common import WorkforceAction

ATTESTATION, TRAINING = str(ReminderKind.ATTESTATION), str(ReminderKind.TRAINING)


@dataclass(frozen=True)
class ReminderRun:
    attestations: int  # reminders sent for policy attestations
    training: int  # reminders sent for training assignments
    people: int  # distinct people reminded

    def as_json(self) -> dict[str, int]:
        return {"attestations": self.attestations, "training": self.training, "people": self.people}


def step_due(due: date, today: date, steps: list[int]) -> int | None:
    """The latest step of the cadence reached today (None: none yet)."""
    reached = [d for d in steps if today >= due - timedelta(days=d)]
    return min(reached) if reached else None


# (kind, subject id, due date, step) -> the people to remind, and the text and link they get
_Batch = dict[tuple[str, int, date, int], list[User]]


def _attestations(today: date, batch: _Batch, texts: dict[tuple[str, int], tuple[Message, str]]) -> None:
    steps = list(settings.WORKFORCE["ATTESTATION_REMINDER_DAYS"])
    pending = Attestation.objects.filter(acknowledged_at__isnull=True, user__is_active=True)
    for campaign in AttestationCampaign.objects.filter(pk__in=pending.values("campaign_id")).select_related(
        "version__policy"
    ):
        step = step_due(campaign.due_date, today, steps)
        if step is None:
            continue
        key = (ATTESTATION, campaign.pk, campaign.due_date, step)
        batch[key] = [a.user for a in pending.filter(campaign=campaign).select_related("user")]
        texts[key[:2]] = (
            message(
                gettext_lazy("Reminder: acknowledge %(title)s (version %(n)d) by %(due)s."),
                title=campaign.version.policy.title,
                n=campaign.version.number,
                due=campaign.due_date,
            ),
            f"/workforce/campaigns/{campaign.pk}/",
        )


def _training(today: date, batch: _Batch, texts: dict[tuple[str, int], tuple[Message, str]]) -> None:
    steps = list(settings.WORKFORCE["TRAINING_REMINDER_DAYS"])
    for assignment in TrainingAssignment.objects.select_related("course", "unit"):
        people = {u.pk: u for u in duties.audience(assignment)}
        for duty in duties.duties(assignment, duties.audience(assignment), today):
            step = None if duty.status == duties.DONE else step_due(duty.due, today, steps)
            if step is not None:
                key = (TRAINING, assignment.pk, duty.due, step)
                batch.setdefault(key, []).append(people[duty.user_id])
        texts[(TRAINING, assignment.pk)] = (
            message(
                gettext_lazy("Reminder: complete the training %(title)s."), title=assignment.course.title
            ),
            "/workforce/training/",
        )


@transaction.atomic
def reminders_send(*, actor: Actor, today: date | None = None) -> ReminderRun:
    """Send the reminders due today (idempotent); one ledger entry when any went out."""
    authorize(actor, "policies.manage")
    today = today or timezone.localdate()
    batch: _Batch = {}
    texts: dict[tuple[str, int], tuple[Message, str]] = {}
    _attestations(today, batch, texts)
    _training(today, batch, texts)
    notices: list[Notice] = []
    sent: list[ReminderSent] = []
    counts: dict[str, int] = defaultdict(int)
    for (kind, subject, due, step), users in batch.items():
        already = set(
            ReminderSent.objects.filter(
                kind=kind, subject_id=subject, due_date=due, step=step, user__in=users
            ).values_list("user_id", flat=True)
        )
        fresh = [u for u in users if u.pk not in already]
        if not fresh:
            continue
        text, link = texts[(kind, subject)]
        notices.append(Notice(fresh, "overdue" if due < today else "deadline", text, link))
        sent.extend(
            ReminderSent(kind=kind, subject_id=subject, user=u, due_date=due, step=step) for u in fresh
        )
        counts[kind] += len(fresh)
        if kind == ATTESTATION:
            for row in Attestation.objects.filter(campaign_id=subject, user__in=fresh):
                row.reminders += 1
                row.save(update_fields=["reminders"])
    run = ReminderRun(counts[ATTESTATION], counts[TRAINING], len({r.user_id for r in sent}))
    if sent:
        ReminderSent.objects.bulk_create(sent)
        notify_many(notices=notices)
        ledger_append(
            actor=actor,
            action=WorkforceAction.REMINDERS_SEND,
            object_type="reminders",
            object_id=today.isoformat(),
            summary=run.as_json(),
        )
    return run
