"""Evidence attached to an assessment result: a file, a link, or a record another app keeps."""

from __future__ import annotations

import hashlib
import os
from typing import Any

from django.core.files.base import ContentFile
from django.db import transaction
from django.utils.translation import gettext as _

from conduct.apps.accounts.actors import Actor
from conduct.apps.audit.services import actor_label, ledger_append
from conduct.apps.catalog.actions import LedgerAction
from conduct.apps.catalog.models import (
    AssessmentResult,
    Evidence,
    EvidenceKind,
)
from conduct.apps.catalog.services._common import text_field
from conduct.apps.catalog.services.assessments import check_open
from conduct.apps.errors import Invalid, NotFound
from conduct.events.gates import decision_for
from conduct.events.suppliers import audit_for, certificate_for

MAX_EVIDENCE_BYTES = 10 * 1024 * 1024


@transaction.atomic
def evidence_add(
    *,
    actor: Actor,
    result: AssessmentResult,
    kind: str,
    title: str = "",
    url: str = "",
    content: bytes | None = None,
    filename: str = "",
    gate_decision_id: int | None = None,
    audit_id: int | None = None,
    certificate_id: int | None = None,
) -> Evidence:
    """Attach a file, a link, or a gate decision / supplier audit / certificate the actor can see."""
    check_open(actor, result.assessment)
    errors: dict[str, str] = {}
    evidence = Evidence(result=result, kind=kind, added_by=actor_label(actor))
    if kind == EvidenceKind.LINK:
        default_title = _link_url(evidence, url, errors)
    elif kind == EvidenceKind.FILE:
        default_title = _file_name(evidence, content, filename, errors)
    elif kind in (EvidenceKind.GATE_DECISION, EvidenceKind.AUDIT, EvidenceKind.CERTIFICATE):
        default_title = _link_record(
            actor, evidence, kind, gate_decision_id, audit_id, certificate_id, errors
        )
    else:
        errors["kind"] = _("Expected one of %(v)s.") % {"v": ", ".join(EvidenceKind.values)}
        default_title = ""
    evidence.title = text_field(title or default_title, "title", errors, limit=200)
    if errors:
        raise Invalid(_("The evidence is not valid."), fields=errors)
    if kind == EvidenceKind.FILE:
        assert content is not None
        name = evidence.file_name
        evidence.file_sha256 = hashlib.sha256(content).hexdigest()
        evidence.file_size = len(content)
        evidence.file.save(name, ContentFile(content), save=False)
    evidence.save()
    ledger_append(
        actor=actor,
        action=LedgerAction.ASSESSMENT_EVIDENCE,
        object_type="assessment",
        object_id=result.assessment_id,
        summary={
            "urn": result.urn,
            "evidence": evidence.pk,
            "kind": kind,
            "title": evidence.title,
            "url": evidence.url,
            "sha256": evidence.file_sha256,
            "ref": evidence.gate_decision_id or evidence.audit_id or evidence.certificate_id,
        },
    )
    return evidence


def _link_url(evidence: Evidence, url: str, errors: dict[str, str]) -> str:
    url = (url or "").strip()
    if not url.startswith(("https://", "http://")) or len(url) > 500:
        errors["url"] = _("A link starting with https:// or http:// (at most 500 characters).")
    evidence.url = url
    return url


def _file_name(evidence: Evidence, content: bytes | None, filename: str, errors: dict[str, str]) -> str:
    if not content:
        errors["file"] = _("Attach a file.")
    elif len(content) > MAX_EVIDENCE_BYTES:
        errors["file"] = _("At most %(n)d MB.") % {"n": MAX_EVIDENCE_BYTES // (1024 * 1024)}
    name = os.path.basename(filename or "evidence")[:200] or "evidence"
    evidence.file_name = name
    return name


def _link_record(
    actor: Actor,
    evidence: Evidence,
    kind: str,
    gate_decision_id: int | None,
    audit_id: int | None,
    certificate_id: int | None,
    errors: dict[str, str],
) -> str:
    """Point the evidence at a record the actor can see (read through the owning app's provider); the title
    defaults to the record's name."""
    field, wanted, provider = {
        EvidenceKind.GATE_DECISION: ("gate_decision_id", gate_decision_id, _decision),
        EvidenceKind.AUDIT: ("audit_id", audit_id, _audit),
        EvidenceKind.CERTIFICATE: ("certificate_id", certificate_id, _certificate),
    }[EvidenceKind(kind)]
    if not wanted:
        errors[field] = _("Required for this kind of evidence.")
        return ""
    try:
        record = provider(actor, wanted)
    except NotFound:
        errors[field] = _("No %(kind)s %(id)s that you can see.") % {
            "kind": kind.replace("_", " "),
            "id": wanted,
        }
        return ""
    setattr(evidence, field, record.pk)
    return str(record)[:200]


def _decision(actor: Actor, record_id: int) -> Any:
    return decision_for(actor=actor, decision_id=record_id)


def _audit(actor: Actor, record_id: int) -> Any:
    return audit_for(actor=actor, audit_id=record_id)


def _certificate(actor: Actor, record_id: int) -> Any:
    return certificate_for(actor=actor, certificate_id=record_id)
