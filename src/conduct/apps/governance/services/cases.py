"""Writes for cases: opening (by a gate, by hand), status changes, the discussion, documents and conflicts."""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import PurePath
from typing import Any

from django.core.files.base import ContentFile
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from conduct.apps.accounts.models import OrgUnit, User
from conduct.apps.accounts.scoping import require, require_unit
from conduct.apps.audit.services import LedgerItem, actor_label, ledger_append, ledger_append_many
from conduct.apps.errors import Conflict, Forbidden, Invalid, raise_if
from conduct.apps.governance.models import (
    OFFICERS_QUEUE,
    Case,
    CaseComment,
    CaseDocument,
    Committee,
    CommitteeMember,
    ConflictDeclaration,
    Dimension,
    DocumentKind,
)
from conduct.apps.governance.services._common import (
    case_link,
    clean_rights,
    clean_text,
    conflicted_user_ids,
    manages,
    officers_for,
    officers_for_units,
    require_participant,
    seat,
    unit_key,
    voting_seats,
)
from conduct.apps.notifications.models import Notification
from conduct.apps.notifications.services import Notice, notify, notify_many

_UNSET: Any = object()

# Documents: what may be uploaded, and the bytes each type must start with (a renamed .exe is refused).
MAX_DOCUMENT_BYTES = 10 * 1024 * 1024
DOCUMENT_TYPES: dict[str, tuple[str, tuple[bytes, ...]]] = {
    ".pdf": ("application/pdf", (b"%PDF-",)),
    ".png": ("image/png", (b"\x89PNG\r\n\x1a\n",)),
    ".jpg": ("image/jpeg", (b"\xff\xd8\xff",)),
    ".jpeg": ("image/jpeg", (b"\xff\xd8\xff",)),
    ".docx": ("application/vnd.openxmlformats-officedocument.wordprocessingml.document", (b"PK\x03\x04",)),
    ".xlsx": ("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", (b"PK\x03\x04",)),
    ".odt": ("application/vnd.oasis.opendocument.text", (b"PK\x03\x04",)),
    ".txt": ("text/plain", ()),
    ".csv": ("text/csv", ()),
    ".md": ("text/markdown", ()),
}


@dataclass(frozen=True)
class CaseSpec:
    """What `case_open_many` opens: one case for a committee (queue = its slug) or the officers' queue."""

    title: str
    dimension: str
    queue: str
    source: str = Case.Source.MANUAL
    description: str = ""
    gate_decision: Any = None
    org_unit: OrgUnit | None = None
    due_days: int | None = 14
    rights: list[str] | None = None
    subject_type: str = ""
    subject_ref: str = ""


@transaction.atomic(savepoint=False)
def case_open(
    *,
    actor: Any,
    title: str,
    dimension: str,
    queue: str,
    source: str = Case.Source.MANUAL,
    description: str = "",
    gate_decision: Any = None,
    org_unit: OrgUnit | None = None,
    due_days: int | None = 14,
    rights: list[str] | None = None,
    subject_type: str = "",
    subject_ref: str = "",
) -> Case:
    """Open a case for a committee (queue = its slug) or the officers' queue. No permission check: gates and
    other services call it for their own reviews; people open cases through `case_create`."""
    spec = CaseSpec(
        title=title,
        dimension=dimension,
        queue=queue,
        source=source,
        description=description,
        gate_decision=gate_decision,
        org_unit=org_unit,
        due_days=due_days,
        rights=rights,
        subject_type=subject_type,
        subject_ref=subject_ref,
    )
    return case_open_many(actor=actor, specs=[spec])[0]


@dataclass(frozen=True)
class CaseAudience:
    """Who new cases go to and who hears of them: the committee each queue names, each committee's serving
    voters and the compliance officers covering each org unit. Read by `case_audience` before a write
    transaction, so a caller that opens cases inside a busy one (a gate decision) does its reads first. It is
    as of that read: a committee or membership changed in the milliseconds before the write is not seen, as
    if the cases had been opened just before the change."""

    committees: dict[str, Committee]
    voters: dict[int, list[User]]
    officers: dict[int | None, list[User]]
    queues: frozenset[str]
    units: frozenset[int | None]

    def covers(self, specs: Sequence[CaseSpec]) -> bool:
        """Whether everything opening `specs` needs was read: each committee queue, and the officers of the unit
        of each case that goes to the officers' queue (by name, or because its committee is not found)."""
        for s in specs:
            if s.queue != OFFICERS_QUEUE and s.queue not in self.queues:
                return False
            to_officers = s.queue == OFFICERS_QUEUE or s.queue not in self.committees
            if to_officers and unit_key(s.org_unit) not in self.units:
                return False
        return True


def case_audience(*, queues: Iterable[str], units: Iterable[OrgUnit | None]) -> CaseAudience:
    """Read the committees named by `queues` and their voters, and, when a case may go to the officers' queue,
    the officers of `units` (at most four queries)."""
    asked = set(queues)
    wanted = asked - {OFFICERS_QUEUE}
    committees = committees_for_queues(wanted)
    voters: dict[int, list[User]] = {}
    if committees:
        day = timezone.localdate()
        serving = CommitteeMember.objects.filter(
            Q(term_end__isnull=True) | Q(term_end__gte=day),
            committee_id__in={c.pk for c in committees.values()},
            role__in=CommitteeMember.VOTING_ROLES,
            term_start__lte=day,
            user__is_active=True,
        )
        for m in serving.select_related("user").order_by():
            voters.setdefault(m.committee_id, []).append(m.user)
    to_officers = OFFICERS_QUEUE in asked or any(q not in committees for q in wanted)
    unit_list = list({unit_key(u): u for u in units}.values()) if to_officers else []
    return CaseAudience(
        committees=committees,
        voters=voters,
        officers=officers_for_units(unit_list),
        queues=frozenset(wanted),
        units=frozenset(unit_key(u) for u in unit_list),
    )


@transaction.atomic(savepoint=False)
def case_open_many(
    *,
    actor: Any,
    specs: Sequence[CaseSpec],
    ledger_first: Sequence[LedgerItem] = (),
    audience: CaseAudience | None = None,
) -> list[Case]:
    """Open several cases at once (a gate decision referred to more than one body): every spec is checked
    before anything is written, then the cases, their ledger entries and their notifications are written
    in a few statements. `ledger_first` are the caller's own entries for the change that opens the cases
    (the gate decision): they go on the chain just ahead of the cases' entries, in the same append.
    `audience` is `case_audience` read beforehand; without it (or when it does not cover every spec) it is
    read here. No permission check, as for `case_open`."""
    errors: dict[str, str] = {}
    for spec in specs:
        if spec.dimension not in Dimension.values:
            errors["dimension"] = f"Expected one of {', '.join(Dimension.values)}."
        if spec.source not in Case.Source.values:
            errors["source"] = f"Expected one of {', '.join(Case.Source.values)}."
        if spec.subject_type and spec.subject_type not in Case.SubjectType.values:
            errors["subject_type"] = f"Expected one of {', '.join(Case.SubjectType.values)}."
        clean_text(spec.title, "title", errors, limit=300)
        clean_rights(spec.rights, errors)
    raise_if(errors, "The case is not valid.")
    if audience is None or not audience.covers(specs):
        audience = case_audience(queues=[s.queue for s in specs], units=[s.org_unit for s in specs])
    now = timezone.now()
    cases = []
    for spec in specs:
        description, queue = spec.description, spec.queue
        committee = audience.committees.get(queue) if queue != OFFICERS_QUEUE else None
        if committee is None and queue != OFFICERS_QUEUE:
            # A referral to a committee this installation does not have must not fall into a queue nobody reads.
            description = f"{description}\n\n(Referred to {queue!r}, which is not a committee here.)".strip()
            queue = OFFICERS_QUEUE
        subject_type, subject_ref = spec.subject_type, spec.subject_ref
        if spec.gate_decision is not None and not subject_type:
            subject_type = Case.SubjectType.GATE_DECISION
            subject_ref = spec.gate_decision.reference or f"decision {spec.gate_decision.pk}"
        cases.append(
            Case(
                title=spec.title.strip(),
                description=description,
                dimension=spec.dimension,
                rights=list(dict.fromkeys(spec.rights or [])),
                committee=committee,
                queue=committee.slug if committee else queue,
                source=spec.source,
                subject_type=subject_type,
                subject_ref=subject_ref[:200],
                gate_decision=spec.gate_decision,
                org_unit=spec.org_unit,
                opened_by=actor_label(actor),
                due_at=now + timedelta(days=spec.due_days) if spec.due_days else None,
            )
        )
    Case.objects.bulk_create(cases)
    ledger_append_many(
        actor=actor,
        items=[
            *ledger_first,
            *(
                LedgerItem(
                    "case.open",
                    "case",
                    case.pk,
                    {
                        "title": case.title,
                        "queue": case.queue,
                        "source": case.source,
                        "dimension": case.dimension,
                        "gate_decision": getattr(spec.gate_decision, "pk", None),
                        "rights": case.rights,
                    },
                )
                for case, spec in zip(cases, specs, strict=True)
            ),
        ],
    )
    _announce_new(cases, audience)
    return cases


def committees_for_queues(queues: Iterable[str]) -> dict[str, Committee]:
    """The committee each queue names, in one query. Policy packs say `technical-ethics-committee`; a committee
    may be registered as `technical-ethics` — either spelling finds it."""
    candidates = {q: [q, q.removesuffix("-committee"), f"{q}-committee"] for q in queues}
    if not candidates:
        return {}
    by_slug = {
        c.slug: c for c in Committee.objects.filter(slug__in=[s for c in candidates.values() for s in c])
    }
    found = {q: next((by_slug[s] for s in slugs if s in by_slug), None) for q, slugs in candidates.items()}
    return {q: c for q, c in found.items() if c is not None}


def committee_for_queue(queue: str) -> Committee | None:
    """The committee a queue names (see `committees_for_queues`)."""
    return committees_for_queues([queue]).get(queue)


def _announce(case: Case, what: str) -> None:
    """Tell the voters who must act on a reopened case (those who declared a conflict are left out)."""
    if case.committee_id is not None:
        conflicted = conflicted_user_ids(case)
        voters = [m.user for m in voting_seats(case) if m.user_id not in conflicted]
        notify(
            users=voters,
            kind=Notification.Kind.VOTE_NEEDED,
            text=f"Case {case.pk} {what}: {case.title}",
            link=case_link(case),
        )
    else:
        notify(
            users=officers_for(case.org_unit),
            kind=Notification.Kind.ASSIGNMENT,
            text=f"Case {case.pk} is in the compliance officers' queue: {case.title}",
            link=case_link(case),
        )


def _announce_new(cases: Sequence[Case], audience: CaseAudience) -> None:
    """Tell whoever must act on newly opened cases: the committee's voters (a new case has no conflict
    declarations yet) or the compliance officers covering its org unit."""
    notify_many(
        notices=[
            Notice(
                audience.voters.get(case.committee_id, []),
                Notification.Kind.VOTE_NEEDED,
                f"Case {case.pk} needs your vote: {case.title}",
                case_link(case),
            )
            if case.committee_id is not None
            else Notice(
                audience.officers[case.org_unit_id],
                Notification.Kind.ASSIGNMENT,
                f"Case {case.pk} is in the compliance officers' queue: {case.title}",
                case_link(case),
            )
            for case in cases
        ]
    )


@transaction.atomic
def case_create(
    *,
    actor: User,
    title: str,
    dimension: str,
    queue: str,
    description: str = "",
    org_unit: OrgUnit | None = None,
    gate_decision: Any = None,
    rights: list[str] | None = None,
    due_days: int = 14,
    subject_type: str = "",
    subject_ref: str = "",
    source: str = Case.Source.MANUAL,
) -> Case:
    """Open a case by hand (officers and administrators)."""
    require(actor, "cases.open")
    if org_unit is not None:
        require_unit(actor, "cases.open", org_unit)
    errors: dict[str, str] = {}
    if queue != OFFICERS_QUEUE and committee_for_queue(queue) is None:
        errors["queue"] = f"Expected {OFFICERS_QUEUE} or a committee slug."
    if not 1 <= due_days <= 365:
        errors["due_days"] = "Between 1 and 365 days."
    if source not in (Case.Source.MANUAL, Case.Source.SCREENING, Case.Source.GRIEVANCE):
        errors["source"] = "Gate reviews open their own cases; expected manual, screening_alert or grievance."
    clean_text(description, "description", errors, required=False)
    raise_if(errors, "The case is not valid.")
    return case_open(
        actor=actor,
        title=title,
        dimension=dimension,
        queue=queue,
        source=source,
        description=description.strip(),
        gate_decision=gate_decision,
        org_unit=org_unit or getattr(gate_decision, "org_unit", None),
        due_days=due_days,
        rights=rights,
        subject_type=subject_type,
        subject_ref=subject_ref,
    )


@transaction.atomic
def case_update(
    *,
    actor: User,
    case: Case,
    description: str | None = None,
    rights: list[str] | None = None,
    due_at: Any = _UNSET,
) -> Case:
    """Set what a case is about (description, rights at stake) and its deadline."""
    require_participant(actor, case)
    if not manages(actor, case):
        raise Forbidden("Only compliance officers and the committee's chair or secretary edit a case.")
    errors: dict[str, str] = {}
    changes: dict[str, Any] = {}
    if description is not None:
        changes["description"] = clean_text(description, "description", errors, required=False)
    if rights is not None:
        changes["rights"] = clean_rights(rights, errors)
    if due_at is not _UNSET:
        if due_at is not None and (not isinstance(due_at, datetime) or timezone.is_naive(due_at)):
            errors["due_at"] = "Expected a date and time with a time zone."
        changes["due_at"] = due_at
        changes["reminded_at"] = None
    raise_if(errors, "The case is not valid.")
    for field, value in changes.items():
        setattr(case, field, value)
    if changes:
        case.save(update_fields=list(changes))
        ledger_append(
            actor=actor,
            action="case.update",
            object_type="case",
            object_id=case.pk,
            summary={k: v for k, v in changes.items() if k != "reminded_at"},
        )
    return case


# status -> statuses it may move to by hand ("decided" is reached only by a decision)
TRANSITIONS: dict[str, tuple[str, ...]] = {
    Case.Status.OPEN: (Case.Status.UNDER_REVIEW, Case.Status.CLOSED),
    Case.Status.UNDER_REVIEW: (Case.Status.OPEN, Case.Status.CLOSED),
    Case.Status.DECIDED: (Case.Status.CLOSED, Case.Status.OPEN),
    Case.Status.CLOSED: (Case.Status.OPEN,),
}


@transaction.atomic
def case_transition(*, actor: User, case: Case, status: str, reason: str = "") -> Case:
    """Move a case along open -> under review -> (decided) -> closed; reopening starts a new round of votes."""
    require_participant(actor, case)
    if not manages(actor, case):
        raise Forbidden(
            "Only compliance officers and the committee's chair or secretary change a case's status."
        )
    locked = Case.objects.select_for_update().get(pk=case.pk)
    if status not in Case.Status.values:
        raise Invalid(
            "Unknown status.", fields={"status": f"Expected one of {', '.join(Case.Status.values)}."}
        )
    if status not in TRANSITIONS[locked.status]:
        allowed = ", ".join(TRANSITIONS[locked.status])
        raise Conflict(
            f"A {locked.get_status_display().lower()} case can move to {allowed}, not {status}.",
            fields={"status": f"Expected one of {allowed}."},
        )
    reopening = status == Case.Status.OPEN and locked.status in (Case.Status.DECIDED, Case.Status.CLOSED)
    withdrawing = status == Case.Status.CLOSED and locked.status != Case.Status.DECIDED
    errors: dict[str, str] = {}
    reason = clean_text(reason, "reason", errors, required=reopening or withdrawing, limit=2000)
    raise_if(errors, "Say why." if reopening or withdrawing else "The change is not valid.")
    previous = locked.status
    locked.status = status
    fields = ["status"]
    if reopening:
        locked.round += 1
        locked.decided_at = locked.closed_at = locked.reminded_at = None
        fields += ["round", "decided_at", "closed_at", "reminded_at"]
    elif status == Case.Status.CLOSED:
        locked.closed_at = timezone.now()
        fields.append("closed_at")
    locked.save(update_fields=fields)
    ledger_append(
        actor=actor,
        action="case.reopen" if reopening else "case.status",
        object_type="case",
        object_id=locked.pk,
        summary={"from": previous, "to": status, "reason": reason, "round": locked.round},
    )
    if reopening:
        _announce(locked, f"was reopened (round {locked.round}) and needs your vote")
    return locked


@transaction.atomic
def case_comment_add(*, actor: User, case: Case, body: str) -> CaseComment:
    require_participant(actor, case)
    if case.status == Case.Status.CLOSED:
        raise Conflict("The case is closed; reopen it to continue the discussion.")
    errors: dict[str, str] = {}
    body = clean_text(body, "body", errors)
    raise_if(errors, "The comment is empty.")
    comment = CaseComment.objects.create(case=case, author=actor, body=body)
    ledger_append(
        actor=actor,
        action="case.comment",
        object_type="case",
        object_id=case.pk,
        summary={"comment": comment.pk, "sha256": hashlib.sha256(body.encode()).hexdigest()},
    )
    return comment


def _check_document(filename: str, content: bytes, errors: dict[str, str]) -> tuple[str, str]:
    name = PurePath((filename or "").replace("\\", "/")).name.strip()
    suffix = PurePath(name).suffix.lower()
    if not name or len(name) > 200:
        errors["filename"] = "A file name of 1-200 characters is required."
        return name, ""
    if suffix not in DOCUMENT_TYPES:
        errors["file"] = f"{suffix or 'This'} files are not accepted; use one of {', '.join(DOCUMENT_TYPES)}."
        return name, ""
    if not content:
        errors["file"] = "The file is empty."
    elif len(content) > MAX_DOCUMENT_BYTES:
        errors["file"] = f"The file is {len(content)} bytes; the limit is {MAX_DOCUMENT_BYTES} bytes."
    else:
        content_type, magic = DOCUMENT_TYPES[suffix]
        if magic and not content.startswith(magic):
            errors["file"] = f"The content is not a {suffix} file."
        elif not magic:
            try:
                content.decode("utf-8")
            except UnicodeDecodeError:
                errors["file"] = f"A {suffix} file must be UTF-8 text."
        return name, content_type
    return name, ""


@transaction.atomic
def case_document_add(
    *, actor: User, case: Case, filename: str, content: bytes, kind: str = DocumentKind.EVIDENCE
) -> CaseDocument:
    """Attach a document (PDF, image, office file or text, at most 10 MiB; the content must match its type)."""
    require_participant(actor, case)
    if case.status == Case.Status.CLOSED:
        raise Conflict("The case is closed; reopen it to add documents.")
    errors: dict[str, str] = {}
    if kind not in DocumentKind.values:
        errors["kind"] = f"Expected one of {', '.join(DocumentKind.values)}."
    name, content_type = _check_document(filename, content, errors)
    raise_if(errors, "The document cannot be accepted.")
    digest = hashlib.sha256(content).hexdigest()
    document = CaseDocument(
        case=case,
        kind=kind,
        filename=name,
        content_type=content_type,
        size=len(content),
        sha256=digest,
        uploaded_by=actor,
    )
    document.file.save(f"{digest[:16]}{PurePath(name).suffix.lower()}", ContentFile(content), save=False)
    document.save()
    ledger_append(
        actor=actor,
        action="case.document",
        object_type="case",
        object_id=case.pk,
        summary={
            "document": document.pk,
            "filename": name,
            "kind": kind,
            "size": len(content),
            "sha256": digest,
        },
    )
    return document


@transaction.atomic
def conflict_declare(*, actor: User, case: Case, reason: str) -> ConflictDeclaration:
    """A committee member declares a conflict of interest: they cannot vote on this case, and a vote they
    already cast in the current round no longer counts."""
    require_participant(actor, case)
    case = Case.objects.select_for_update().get(pk=case.pk)  # serialise with votes being cast
    if seat(case, actor) is None:
        raise Forbidden("Only members of the case's committee declare conflicts on it.", code="not_a_member")
    if case.status in (Case.Status.DECIDED, Case.Status.CLOSED):
        raise Conflict("The case is already decided; reopen it first.")
    errors: dict[str, str] = {}
    reason = clean_text(reason, "reason", errors, limit=2000)
    raise_if(errors, "Say what the conflict is.")
    if ConflictDeclaration.objects.filter(case=case, user=actor).exists():
        raise Conflict("You have already declared a conflict on this case.")
    declaration = ConflictDeclaration.objects.create(case=case, user=actor, reason=reason)
    ledger_append(
        actor=actor,
        action="case.conflict",
        object_type="case",
        object_id=case.pk,
        summary={"user": actor.username, "reason": reason},
    )
    # Fewer eligible members lowers the quorum: the votes already cast may now decide.
    from conduct.apps.governance.services.decisions import evaluate

    evaluate(actor=actor, case=case)
    return declaration
