"""The per-release ETSI EN 303 645 assessment: each provision of the framework library met, not met or not
applicable with a note, and evidence files (size-checked, hashed). Ledgered; the product_release gate and the
PSTI statement read it (products.assessment_facts)."""

from __future__ import annotations

import hashlib
import re
from collections.abc import Sequence
from dataclasses import dataclass

from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from conduct.apps.accounts.actors import Actor
from conduct.apps.accounts.scoping import authorize
from conduct.apps.audit.services import actor_label, ledger_append
from conduct.apps.errors import Invalid, raise_if
from conduct.apps.products.assessment_facts import ETSI, etsi_provisions, provision_urn
from conduct.apps.products.models import Release
from conduct.apps.products.models_security import AssessmentState, ReleaseAssessmentItem, ReleaseEvidence
from conduct.apps.products.services._security import SecurityAction

MAX_EVIDENCE_BYTES = 10 * 1024 * 1024
MAX_NOTE = 2000
_SAFE_NAME = re.compile(r"[^A-Za-z0-9._-]+")

__all__ = ["ETSI", "MAX_EVIDENCE_BYTES", "AssessmentEntry", "assessment_record", "etsi_provisions"]


@dataclass(frozen=True)
class AssessmentEntry:
    provision: str  # "5.1-1", as numbered in ETSI EN 303 645
    state: str  # met, not_met, not_applicable
    note: str = ""


def _checked(entries: Sequence[AssessmentEntry]) -> list[tuple[str, AssessmentEntry]]:
    errors: dict[str, str] = {}
    out: list[tuple[str, AssessmentEntry]] = []
    if not entries:
        errors["items"] = _("Assess at least one provision.")
    seen: set[str] = set()
    for i, entry in enumerate(entries):
        urn = provision_urn(entry.provision)
        if urn is None:
            errors[f"items[{i}].provision"] = _("Not an ETSI EN 303 645 provision in the framework library.")
            continue
        if urn in seen:
            errors[f"items[{i}].provision"] = _("Named twice.")
        seen.add(urn)
        if entry.state not in AssessmentState.values:
            errors[f"items[{i}].state"] = _("One of %(v)s.") % {"v": ", ".join(AssessmentState.values)}
        if len(entry.note) > MAX_NOTE or "\x00" in entry.note:
            errors[f"items[{i}].note"] = _("At most %(n)d characters.") % {"n": MAX_NOTE}
        elif (
            entry.state in (AssessmentState.NOT_MET, AssessmentState.NOT_APPLICABLE)
            and not entry.note.strip()
        ):
            errors[f"items[{i}].note"] = _("Say why (required when not met or not applicable).")
        out.append((urn, entry))
    raise_if(errors, _("The assessment is not valid."))
    return out


@transaction.atomic
def assessment_record(
    *, actor: Actor, release: Release, entries: Sequence[AssessmentEntry]
) -> list[ReleaseAssessmentItem]:
    """Record (or change) the state of some provisions for `release`, all or nothing."""
    authorize(actor, "releases.assess", unit=release.product.business_unit)
    checked = _checked(entries)
    label, now = actor_label(actor), timezone.now()
    items = []
    for urn, entry in checked:
        item, _created = ReleaseAssessmentItem.objects.update_or_create(
            release=release,
            urn=urn,
            defaults={
                "state": entry.state,
                "note": entry.note.strip(),
                "assessed_by": label,
                "assessed_at": now,
            },
        )
        items.append(item)
    ledger_append(
        actor=actor,
        action=SecurityAction.ASSESSMENT_RECORD,
        object_type="release",
        object_id=release.pk,
        summary={
            "model": release.product.model,
            "version": release.version,
            "items": {item.provision: item.state for item in items},
        },
    )
    return items


@transaction.atomic
def assessment_evidence_add(
    *, actor: Actor, release: Release, provision: str, content: bytes, filename: str
) -> ReleaseEvidence:
    """Attach a file to an assessed provision of `release` (record the provision first)."""
    authorize(actor, "releases.assess", unit=release.product.business_unit)
    errors: dict[str, str] = {}
    urn = provision_urn(provision)
    item = ReleaseAssessmentItem.objects.filter(release=release, urn=urn).first() if urn else None
    if item is None:
        errors["provision"] = _("Record this provision's state before attaching evidence.")
    if not content:
        errors["file"] = _("The file is empty.")
    elif len(content) > MAX_EVIDENCE_BYTES:
        errors["file"] = _("At most %(mb)d MB.") % {"mb": MAX_EVIDENCE_BYTES // (1024 * 1024)}
    name = _SAFE_NAME.sub("_", filename.replace("\\", "/").rsplit("/", 1)[-1]).strip("._")[:150]
    if not name:
        errors["filename"] = _("A file name is needed.")
    raise_if(errors, _("The evidence is not valid."))
    assert item is not None
    evidence = ReleaseEvidence(
        item=item,
        file_name=name,
        file_size=len(content),
        file_sha256=hashlib.sha256(content).hexdigest(),
        added_by=actor_label(actor),
    )
    evidence.file.save(name, ContentFile(content), save=False)
    evidence.save()
    ledger_append(
        actor=actor,
        action=SecurityAction.ASSESSMENT_EVIDENCE,
        object_type="release",
        object_id=release.pk,
        summary={
            "model": release.product.model,
            "version": release.version,
            "provision": item.provision,
            "file": name,
            "size": evidence.file_size,
            "sha256": evidence.file_sha256,
        },
    )
    return evidence


def evidence_problem(exc: Invalid) -> str:
    return " ".join([exc.message, *(f"{k}: {v}" for k, v in sorted(exc.fields.items()))])
