"""The reporter's side, without an account: submit a report (a receipt is the answer, shown once), come back
with the receipt to a short session, read the thread, reply, raise a retaliation concern, answer the
satisfaction question. The actor of every ledger entry here is the anonymous `reporter`."""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Any

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from conduct.apps.accounts.models import User
from conduct.apps.audit.services import ledger_append
from conduct.apps.errors import Conflict, Invalid, NotFound, raise_if
from conduct.apps.grievances import receipts
from conduct.apps.grievances.attachments import Upload, clean_uploads
from conduct.apps.grievances.challenge import challenge_spend
from conduct.apps.grievances.crypto import seal_bytes
from conduct.apps.grievances.ledger_actions import GrievanceAction
from conduct.apps.grievances.models import (
    Attachment,
    Exclusion,
    Grievance,
    Message,
    Relation,
    ReporterSession,
    Status,
)
from conduct.apps.grievances.services._common import (
    LANGUAGES,
    count_global,
    count_receipt,
    deadlines,
    officers_for,
    seal,
)
from conduct.apps.notifications.messages import message as notice_text
from conduct.apps.notifications.services import notify

REPORTER = "reporter"  # how the ledger names an anonymous reporter
SESSION_MINUTES = 30
LIMITS = {"description": 20_000, "location": 1_000, "affected": 2_000, "contact": 300, "message": 10_000}


@dataclass(frozen=True)
class Report:
    description: str
    relation: str = "other"
    location: str = ""
    affected: str = ""
    involved: list[str] = field(default_factory=list)  # names or user names of people involved
    occurred_on: date | None = None
    language: str = "en"
    contact: str = ""
    channel: str = "api"
    attachments: list[Upload] = field(default_factory=list)


def _check(report: Report) -> dict[str, str]:
    errors: dict[str, str] = {}
    if not report.description.strip():
        errors["description"] = _("Say what happened.")
    for name in ("description", "location", "affected", "contact"):
        if len(getattr(report, name)) > LIMITS[name]:
            errors[name] = _("At most %(n)d characters.") % {"n": LIMITS[name]}
    if report.relation not in Relation.values:
        errors["relation"] = _("Expected one of %(values)s.") % {"values": ", ".join(Relation.values)}
    if report.language not in LANGUAGES:
        errors["language"] = _("Expected one of %(values)s.") % {"values": ", ".join(LANGUAGES)}
    if report.occurred_on is not None and report.occurred_on > timezone.localdate():
        errors["occurred_on"] = _("The date is in the future.")
    if len(report.involved) > 20 or any(len(n) > 200 for n in report.involved):
        errors["involved"] = _("At most 20 names of at most 200 characters.")
    return errors


def _named_users(names: list[str]) -> list[User]:
    """Users a report names as involved (user name, email or full name, ignoring case): never routed it."""
    found: dict[int, User] = {}
    for raw in names:
        name = raw.strip()
        if not name:
            continue
        query = Q(username__iexact=name) | Q(email__iexact=name)
        parts = name.split()
        for cut in range(1, len(parts)):  # "Li Wei", "Anna Maria Diaz": every first/last split
            query |= Q(first_name__iexact=" ".join(parts[:cut]), last_name__iexact=" ".join(parts[cut:]))
        for user in User.objects.filter(query):
            found[user.pk] = user
    return list(found.values())


def _store_attachments(grievance: Grievance, files: list[Any]) -> None:
    """Each cleaned upload sealed (name and content) under the grievance."""
    for f in files:
        Attachment.objects.create(
            grievance=grievance,
            name_enc=seal(f.name, "attachment_name"),
            content_type=f.content_type,
            size=len(f.content),
            content_enc=seal_bytes(f.content, context="grievance.attachment").encode("ascii"),
        )


@transaction.atomic
def grievance_submit(
    *, report: Report, challenge: str = "", nonce: str = "", demo: bool = False
) -> tuple[Grievance, str]:
    """Record a report and return it with its receipt (the only time the receipt exists in clear). `demo`
    (the demo loader only) skips the proof of work and the hourly limit."""
    if not demo:
        challenge_spend(challenge=challenge, nonce=nonce, purpose="submit")
    raise_if(_check(report), _("The report is not valid."))
    files = clean_uploads(report.attachments)
    if not demo:
        count_global("submit", settings.GRIEVANCE_SUBMIT_LIMIT_PER_HOUR)
    receipt = receipts.receipt_new()
    now = timezone.now()
    ack_by, feedback_by = deadlines(now)
    grievance = Grievance.objects.create(
        receipt_lookup=receipts.receipt_lookup(receipt),
        receipt_hash=receipts.receipt_hash(receipt),
        language=report.language,
        channel=report.channel,
        relation=report.relation,
        occurred_on=report.occurred_on,
        description_enc=seal(report.description.strip(), "description"),
        location_enc=seal(report.location.strip(), "location"),
        affected_enc=seal(report.affected.strip(), "affected"),
        involved_enc=seal("\n".join(n.strip() for n in report.involved if n.strip()), "involved"),
        contact_enc=seal(report.contact.strip(), "contact"),
        received_at=now,
        acknowledge_by=ack_by,
        feedback_by=feedback_by,
    )
    _store_attachments(grievance, files)
    named = _named_users(report.involved)
    Exclusion.objects.bulk_create([Exclusion(grievance=grievance, user=u, source="report") for u in named])
    ledger_append(
        actor=REPORTER,
        action=GrievanceAction.SUBMIT,
        object_type="grievance",
        object_id=grievance.pk,
        summary={
            "channel": grievance.channel,
            "language": grievance.language,
            "relation": grievance.relation,
            "attachments": len(files),
            "excluded_users": len(named),
        },
    )
    notify(
        users=officers_for(grievance),
        kind="assignment",
        text=notice_text(
            gettext_lazy("A new grievance (%(ref)s) was received; acknowledge it by %(due)s."),
            ref=grievance.ref,
            due=ack_by.date().isoformat(),
        ),
        link=f"/grievances/{grievance.pk}/",
    )
    return grievance, receipt


def _find(receipt: str) -> Grievance | None:
    digits = receipts.normalise(receipt)
    if digits is None:
        return None
    grievance = Grievance.objects.filter(receipt_lookup=receipts.receipt_lookup(digits)).first()
    if grievance is None or not receipts.receipt_matches(digits, grievance.receipt_hash):
        return None
    return grievance


def reporter_session_open(*, receipt: str, challenge: str = "", nonce: str = "") -> tuple[str, Grievance]:
    """A 30-minute session for the holder of a receipt. A wrong receipt answers 404 (and counts towards a
    global hourly limit: nothing tells one caller from another here)."""
    with transaction.atomic():
        challenge_spend(challenge=challenge, nonce=nonce, purpose="session")
    grievance = _find(receipt)
    if grievance is None:
        with transaction.atomic():
            count_global("wrong_receipt", settings.GRIEVANCE_WRONG_RECEIPT_LIMIT_PER_HOUR)
        raise NotFound(_("No report has this receipt. Check the 16 digits."), code="wrong_receipt")
    with transaction.atomic():
        grievance = Grievance.objects.select_for_update().get(pk=grievance.pk)
        count_receipt(grievance, "sessions_today", settings.GRIEVANCE_RECEIPT_SESSIONS_PER_DAY)
        token = "cgs_" + secrets.token_urlsafe(32)
        now = timezone.now()
        ReporterSession.objects.filter(grievance=grievance, expires_at__lt=now).delete()
        ReporterSession.objects.create(
            grievance=grievance,
            token_hash=hashlib.sha256(token.encode()).hexdigest(),
            expires_at=now + timedelta(minutes=SESSION_MINUTES),
        )
        ledger_append(
            actor=REPORTER,
            action=GrievanceAction.REPORTER_SESSION,
            object_type="grievance",
            object_id=grievance.pk,
            summary={},
        )
    return token, grievance


def reporter_grievance(*, session: str) -> Grievance:
    """The grievance a live session opens; NotFound for an unknown or expired session."""
    digest = hashlib.sha256(session.encode()).hexdigest()
    row = (
        ReporterSession.objects.select_related("grievance")
        .filter(token_hash=digest, expires_at__gt=timezone.now())
        .first()
    )
    if row is None:
        raise NotFound(_("This session has ended; open a new one with your receipt."), code="session_ended")
    return row.grievance


def _reporter_write(session: str) -> Grievance:
    grievance = reporter_grievance(session=session)
    return Grievance.objects.select_for_update().get(pk=grievance.pk)


@transaction.atomic
def reporter_message(*, session: str, body: str, kind: str = "message") -> Message:
    """The reporter's reply (or, with kind retaliation, a retaliation concern, flagged to the officers)."""
    grievance = _reporter_write(session)
    text = body.strip()
    if not text or len(text) > LIMITS["message"]:
        raise Invalid(
            _("The message is not valid."),
            fields={"body": _("Write 1 to %(n)d characters.") % {"n": LIMITS["message"]}},
        )
    count_receipt(grievance, "messages_today", settings.GRIEVANCE_RECEIPT_MESSAGES_PER_DAY)
    message = Message.objects.create(
        grievance=grievance, author=Message.Author.REPORTER, kind=kind, body_enc=seal(text, "message")
    )
    retaliation = kind == Message.Kind.RETALIATION
    if retaliation:
        Grievance.objects.filter(pk=grievance.pk).update(retaliation_flagged_at=timezone.now())
    ledger_append(
        actor=REPORTER,
        action=GrievanceAction.RETALIATION if retaliation else GrievanceAction.REPORTER_MESSAGE,
        object_type="grievance",
        object_id=grievance.pk,
        summary={"message": message.pk},
    )
    text_out = (
        gettext_lazy("A retaliation concern was raised on %(ref)s: act on it first.")
        if retaliation
        else gettext_lazy("The reporter of %(ref)s replied.")
    )
    notify(
        users=officers_for(grievance),
        kind="overdue" if retaliation else "assignment",
        text=notice_text(text_out, ref=grievance.ref),
        link=f"/grievances/{grievance.pk}/",
    )
    return message


@transaction.atomic
def reporter_satisfaction(
    *, session: str, score: int, remedy_accepted: bool | None = None, comment: str = ""
) -> Grievance:
    """The short satisfaction question at closure (1-5) and whether the reporter accepts the remedy."""
    grievance = _reporter_write(session)
    if grievance.status not in (Status.REMEDY, Status.NO_FINDING, Status.CLOSED):
        raise Conflict(_("The satisfaction question is asked once the report has an outcome."))
    if not isinstance(score, int) or isinstance(score, bool) or not 1 <= score <= 5:
        raise Invalid(_("The answer is not valid."), fields={"score": _("A whole number from 1 to 5.")})
    grievance.satisfaction = score
    if remedy_accepted is not None and grievance.remedy_type:
        grievance.remedy_accepted = remedy_accepted
    grievance.save(update_fields=["satisfaction", "remedy_accepted"])
    if comment.strip():
        Message.objects.create(
            grievance=grievance,
            author=Message.Author.REPORTER,
            body_enc=seal(comment.strip()[: LIMITS["message"]], "message"),
        )
    ledger_append(
        actor=REPORTER,
        action=GrievanceAction.SATISFACTION,
        object_type="grievance",
        object_id=grievance.pk,
        summary={"score": score, "remedy_accepted": grievance.remedy_accepted},
    )
    return grievance


def sessions_purge(now: datetime | None = None) -> int:
    """Remove expired sessions (they open nothing already); the daily task calls it."""
    try:
        deleted, _rows = ReporterSession.objects.filter(expires_at__lt=now or timezone.now()).delete()
    except IntegrityError:  # pragma: no cover - nothing references a session
        return 0
    return deleted
