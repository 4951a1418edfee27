"""Writes around a case's discussion: comments, documents and declared conflicts of interest."""

from __future__ import annotations

import hashlib
from pathlib import PurePath

from django.core.files.base import ContentFile
from django.db import transaction
from django.utils.translation import gettext as _

from conduct.apps.accounts.models import User
from conduct.apps.audit.services import ledger_append
from conduct.apps.errors import Conflict, Forbidden, raise_if
from conduct.apps.filetypes import document_types
from conduct.apps.governance.actions import GovernanceAction
from conduct.apps.governance.models import (
    Case,
    CaseComment,
    CaseDocument,
    ConflictDeclaration,
    DocumentKind,
)
from conduct.apps.governance.services._common import (
    clean_text,
    require_participant,
    seat,
)
from conduct.apps.governance.services.decisions import evaluate

# Documents: what may be uploaded, and the bytes each type must start with (a renamed .exe is refused).
MAX_DOCUMENT_BYTES = 10 * 1024 * 1024
DOCUMENT_TYPES = document_types(
    ".pdf", ".png", ".jpg", ".jpeg", ".docx", ".xlsx", ".odt", ".txt", ".csv", ".md"
)


@transaction.atomic
def case_comment_add(*, actor: User, case: Case, body: str) -> CaseComment:
    require_participant(actor, case)
    if case.status == Case.Status.CLOSED:
        raise Conflict(_("The case is closed; reopen it to continue the discussion."))
    errors: dict[str, str] = {}
    body = clean_text(body, "body", errors)
    raise_if(errors, _("The comment is empty."))
    comment = CaseComment.objects.create(case=case, author=actor, body=body)
    ledger_append(
        actor=actor,
        action=GovernanceAction.CASE_COMMENT,
        object_type="case",
        object_id=case.pk,
        summary={"comment": comment.pk, "sha256": hashlib.sha256(body.encode()).hexdigest()},
    )
    return comment


def _check_document(filename: str, content: bytes, errors: dict[str, str]) -> tuple[str, str]:
    name = PurePath((filename or "").replace("\\", "/")).name.strip()
    suffix = PurePath(name).suffix.lower()
    if not name or len(name) > 200:
        errors["filename"] = _("A file name of 1-200 characters is required.")
        return name, ""
    if suffix not in DOCUMENT_TYPES:
        errors["file"] = _("%(value)s files are not accepted; use one of %(document_types)s.") % {
            "value": suffix or "This",
            "document_types": ", ".join(DOCUMENT_TYPES),
        }
        return name, ""
    if not content:
        errors["file"] = _("The file is empty.")
    elif len(content) > MAX_DOCUMENT_BYTES:
        errors["file"] = _("The file is %(count)s bytes; the limit is %(max_document_bytes)s bytes.") % {
            "count": len(content),
            "max_document_bytes": MAX_DOCUMENT_BYTES,
        }
    else:
        content_type, magic = DOCUMENT_TYPES[suffix]
        if magic and not content.startswith(magic):
            errors["file"] = _("The content is not a %(suffix)s file.") % {"suffix": suffix}
        elif not magic:
            try:
                content.decode("utf-8")
            except UnicodeDecodeError:
                errors["file"] = _("A %(suffix)s file must be UTF-8 text.") % {"suffix": suffix}
        return name, content_type
    return name, ""


@transaction.atomic
def case_document_add(
    *, actor: User, case: Case, filename: str, content: bytes, kind: str = str(DocumentKind.EVIDENCE)
) -> CaseDocument:
    """Attach a document (PDF, image, office file or text, at most 10 MiB, its content matching its type)."""
    require_participant(actor, case)
    if case.status == Case.Status.CLOSED:
        raise Conflict(_("The case is closed; reopen it to add documents."))
    errors: dict[str, str] = {}
    if kind not in DocumentKind.values:
        errors["kind"] = _("Expected one of %(values)s.") % {"values": ", ".join(DocumentKind.values)}
    name, content_type = _check_document(filename, content, errors)
    raise_if(errors, _("The document cannot be accepted."))
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
        action=GovernanceAction.CASE_DOCUMENT,
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
        raise Forbidden(
            _("Only members of the case's committee declare conflicts on it."), code="not_a_member"
        )
    if case.status in (Case.Status.DECIDED, Case.Status.CLOSED):
        raise Conflict(_("The case is already decided; reopen it first."))
    errors: dict[str, str] = {}
    reason = clean_text(reason, "reason", errors, limit=2000)
    raise_if(errors, _("Say what the conflict is."))
    if ConflictDeclaration.objects.filter(case=case, user=actor).exists():
        raise Conflict(_("You have already declared a conflict on this case."))
    declaration = ConflictDeclaration.objects.create(case=case, user=actor, reason=reason)
    ledger_append(
        actor=actor,
        action=GovernanceAction.CASE_CONFLICT,
        object_type="case",
        object_id=case.pk,
        summary={"user": actor.username, "reason": reason},
    )
    # Fewer eligible members lowers the quorum: the votes already cast may now decide.
    evaluate(actor=actor, case=case)
    return declaration
