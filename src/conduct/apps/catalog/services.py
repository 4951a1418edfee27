"""Writes for the catalog: record a library version, keep controls, run assessments and attach evidence.

Every service is one transaction, authorizes its `actor` (a user or a system actor; None, from callers written
before system actors, is the system) and appends a ledger entry.
"""

from __future__ import annotations

import hashlib
import os
from dataclasses import dataclass
from typing import Any

from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone

from conduct.apps.accounts.actors import SYSTEM, Actor
from conduct.apps.accounts.models import OrgUnit, User
from conduct.apps.accounts.scoping import authorize, unit_in_scope
from conduct.apps.audit.services import actor_label, ledger_append
from conduct.apps.catalog.actions import LedgerAction
from conduct.apps.catalog.library import framework_library
from conduct.apps.catalog.models import (
    Assessment,
    AssessmentResult,
    AssessmentScope,
    AssessmentStatus,
    Control,
    ControlDimension,
    ControlRequirement,
    Evidence,
    EvidenceKind,
    LibraryVersion,
    ResultStatus,
)
from conduct.apps.errors import Conflict, Invalid, NotFound
from conduct.core.catalog import FrameworkLibrary, load_library
from conduct.datafiles import data_path
from conduct.events.gates import decision_for
from conduct.events.suppliers import audit_for, certificate_for

MAX_EVIDENCE_BYTES = 10 * 1024 * 1024


def _acting(actor: Actor | None) -> Actor:
    return SYSTEM if actor is None else actor


def _user_or_none(actor: Actor) -> User | None:
    return actor if isinstance(actor, User) else None


def _text(value: Any, field: str, errors: dict[str, str], *, limit: int, required: bool = True) -> str:
    text = "" if value is None else str(value).strip()
    if required and not text:
        errors[field] = "Required."
    elif len(text) > limit:
        errors[field] = f"At most {limit} characters."
    return text


# --- the library ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class LibraryLoad:
    library: FrameworkLibrary
    version: LibraryVersion
    created: bool


@transaction.atomic
def library_record(*, actor: Actor | None, path: str | os.PathLike[str] | None = None) -> LibraryLoad:
    """Validate the library at `path` (data/frameworks by default) and record its version.

    Raises conduct.core.catalog.CatalogError (every problem with file and line) and records nothing when the
    library does not validate. A version already recorded is not recorded again.
    """
    actor = _acting(actor)
    authorize(actor, "frameworks.load")
    lib = load_library(path or data_path("frameworks"))
    existing = LibraryVersion.objects.filter(version=lib.version).first()
    if existing is not None:
        return LibraryLoad(lib, existing, False)
    contents = [
        {
            "slug": f.slug,
            "short_name": f.short_name,
            "requirements": len(f.requirements),
            "content_hash": f.content_hash,
        }
        for f in lib.frameworks
    ]
    version = LibraryVersion.objects.create(
        version=lib.version,
        frameworks=len(lib.frameworks),
        requirements=len(lib.requirements),
        mappings=len(lib.mappings),
        contents=contents,
        loaded_by=actor_label(actor),
    )
    ledger_append(
        actor=actor,
        action=LedgerAction.FRAMEWORKS_LOAD,
        object_type="library_version",
        object_id=version.pk,
        summary={
            "version": lib.version,
            "frameworks": len(lib.frameworks),
            "requirements": len(lib.requirements),
            "mappings": len(lib.mappings),
        },
    )
    return LibraryLoad(lib, version, True)


# --- controls -------------------------------------------------------------------------------------


def _check_urns(urns: Any, errors: dict[str, str]) -> list[str]:
    if urns is None:
        return []
    if not isinstance(urns, list | tuple) or not all(isinstance(u, str) for u in urns):
        errors["requirements"] = "Expected a list of requirement URNs."
        return []
    lib = framework_library()
    unknown = [u for u in urns if lib.get(u.strip()) is None]
    if unknown:
        errors["requirements"] = f"Not in the framework library: {', '.join(unknown[:5])}."
    return sorted({u.strip() for u in urns})


def _clean_control(fields: dict[str, Any], errors: dict[str, str], *, creating: bool) -> dict[str, Any]:
    out: dict[str, Any] = {}
    if creating or "title" in fields:
        out["title"] = _text(fields.get("title"), "title", errors, limit=200)
    if creating or "description" in fields:
        out["description"] = _text(
            fields.get("description"), "description", errors, limit=5000, required=False
        )
    if creating or "dimension" in fields:
        dimension = fields.get("dimension")
        if dimension not in ControlDimension.values:
            errors["dimension"] = f"Expected one of {', '.join(ControlDimension.values)}."
        out["dimension"] = dimension
    for key in ("org_unit", "owner"):
        if key in fields:
            out[key] = fields[key]
    if "is_active" in fields:
        out["is_active"] = bool(fields["is_active"])
    return out


@transaction.atomic
def control_create(
    *, actor: Actor | None, code: str, org_unit: OrgUnit, urns: list[str] | None = None, **fields: Any
) -> Control:
    """title, dimension (required); description, owner; urns: the requirements the control serves."""
    actor = _acting(actor)
    authorize(actor, "controls.manage")
    errors: dict[str, str] = {}
    code = _text(code, "code", errors, limit=64).lower()
    if code and not all(c.isalnum() or c in "-_" for c in code):
        errors["code"] = "Letters, digits, '-' and '_' only."
    elif code and Control.objects.filter(code=code).exists():
        errors["code"] = f"A control {code!r} already exists."
    clean = _clean_control(fields, errors, creating=True)
    wanted = _check_urns(urns, errors)
    if errors:
        raise Invalid("The control is not valid.", fields=errors)
    control = Control.objects.create(code=code, org_unit=org_unit, **clean)
    ControlRequirement.objects.bulk_create([ControlRequirement(control=control, urn=u) for u in wanted])
    ledger_append(
        actor=actor,
        action=LedgerAction.CONTROL_CREATE,
        object_type="control",
        object_id=control.pk,
        summary={"code": code, "title": control.title, "requirements": wanted},
    )
    return control


@transaction.atomic
def control_update(
    *, actor: Actor | None, control: Control, urns: list[str] | None = None, **fields: Any
) -> Control:
    """Change any of title, description, dimension, org_unit, owner, is_active; `urns` replaces the mapping."""
    actor = _acting(actor)
    authorize(actor, "controls.manage")
    errors: dict[str, str] = {}
    clean = _clean_control(fields, errors, creating=False)
    wanted = _check_urns(urns, errors) if urns is not None else None
    if errors:
        raise Invalid("The control is not valid.", fields=errors)
    changes: dict[str, Any] = {}
    for key, value in clean.items():
        old = getattr(control, key)
        if old != value:
            changes[key] = [getattr(old, "pk", old), getattr(value, "pk", value)]
            setattr(control, key, value)
    if wanted is not None:
        current = sorted(control.requirement_links.values_list("urn", flat=True))
        if current != wanted:
            control.requirement_links.exclude(urn__in=wanted).delete()
            ControlRequirement.objects.bulk_create(
                [ControlRequirement(control=control, urn=u) for u in wanted if u not in current]
            )
            changes["requirements"] = [current, wanted]
    if changes:
        control.updated_at = timezone.now()
        control.save()
        ledger_append(
            actor=actor,
            action=LedgerAction.CONTROL_UPDATE,
            object_type="control",
            object_id=control.pk,
            summary={"code": control.code, "changes": changes},
        )
    return control


# --- assessments ----------------------------------------------------------------------------------


def _root_unit() -> OrgUnit:
    root = OrgUnit.objects.filter(parent__isnull=True).order_by("path").first()
    if root is None:
        raise Invalid(
            "The organisation has no units yet.", fields={"org_unit": "Create the organisation first."}
        )
    return root


@transaction.atomic
def assessment_create(
    *,
    actor: Actor | None,
    framework: str,
    scope_kind: str,
    title: str = "",
    org_unit: OrgUnit | None = None,
    supplier: Any = None,
    product: str = "",
    owner: User | None = None,
) -> Assessment:
    """Start assessing a scope against a framework. The company scope belongs to the root unit; a supplier's
    assessment to the unit that owns the supplier; a unit or product assessment to the unit given."""
    actor = _acting(actor)
    authorize(actor, "assessments.manage")
    errors: dict[str, str] = {}
    lib = framework_library()
    if framework not in {f.slug for f in lib.frameworks}:
        errors["framework"] = f"Unknown framework {framework!r}."
    if scope_kind not in AssessmentScope.values:
        errors["scope_kind"] = f"Expected one of {', '.join(AssessmentScope.values)}."
    product = _text(product, "product", errors, limit=200, required=scope_kind == AssessmentScope.PRODUCT)
    unit = org_unit
    if scope_kind == AssessmentScope.COMPANY:
        unit = _root_unit()
    elif scope_kind == AssessmentScope.SUPPLIER:
        if supplier is None:
            errors["supplier"] = "Required for a supplier assessment."
        else:
            unit = supplier.org_unit
    elif scope_kind in (AssessmentScope.ORG_UNIT, AssessmentScope.PRODUCT) and unit is None:
        errors["org_unit"] = "Required for this scope."
    if errors:
        raise Invalid("The assessment is not valid.", fields=errors)
    assert unit is not None
    authorize(actor, "assessments.manage", unit=unit)
    short = lib.framework(framework).short_name
    subject = {
        AssessmentScope.COMPANY: "the company",
        AssessmentScope.ORG_UNIT: unit.name,
        AssessmentScope.SUPPLIER: str(supplier),
        AssessmentScope.PRODUCT: product,
    }[scope_kind]
    title = (title or "").strip()[:200] or f"{short}: {subject}"
    assessment = Assessment.objects.create(
        title=title,
        framework=framework,
        library_version=lib.version,
        scope_kind=scope_kind,
        org_unit=unit,
        supplier=supplier if scope_kind == AssessmentScope.SUPPLIER else None,
        product=product if scope_kind == AssessmentScope.PRODUCT else "",
        owner=owner or _user_or_none(actor),
        created_by=actor_label(actor),
    )
    ledger_append(
        actor=actor,
        action=LedgerAction.ASSESSMENT_CREATE,
        object_type="assessment",
        object_id=assessment.pk,
        summary={
            "framework": framework,
            "scope_kind": scope_kind,
            "org_unit": unit.code,
            "supplier": assessment.supplier_id,
            "product": assessment.product,
            "title": title,
        },
    )
    return assessment


def _check_open(actor: Actor, assessment: Assessment) -> None:
    authorize(actor, "assessments.manage")
    if isinstance(actor, User) and not unit_in_scope(actor, assessment.org_unit):
        raise NotFound(f"No assessment {assessment.pk} that you can see.")
    if assessment.status != AssessmentStatus.OPEN:
        raise Conflict(
            "The assessment is completed; start a new one to assess again.", code="assessment_completed"
        )


@transaction.atomic
def result_record(
    *,
    actor: Actor | None,
    assessment: Assessment,
    urn: str,
    status: str,
    note: str = "",
    owner: User | None = None,
) -> AssessmentResult:
    """Set the status of one requirement (met, partly_met, not_met, not_applicable) with a note and an owner."""
    actor = _acting(actor)
    _check_open(actor, assessment)
    errors: dict[str, str] = {}
    requirement = framework_library().get(urn)
    if requirement is None or requirement.framework != assessment.framework:
        errors["urn"] = f"{urn!r} is not a requirement of {assessment.framework}."
    if status not in ResultStatus.values:
        errors["status"] = f"Expected one of {', '.join(ResultStatus.values)}."
    note = _text(
        note,
        "note",
        errors,
        limit=5000,
        required=status in (ResultStatus.NOT_APPLICABLE, ResultStatus.PARTLY_MET),
    )
    if errors:
        raise Invalid("The result is not valid.", fields=errors)
    result = AssessmentResult.objects.filter(assessment=assessment, urn=urn).first()
    before = result.status if result else None
    if result is None:
        result = AssessmentResult(assessment=assessment, urn=urn)
    result.status, result.note = status, note
    result.owner = owner or result.owner or _user_or_none(actor)
    result.assessed_at, result.assessed_by = timezone.now(), actor_label(actor)
    result.save()
    ledger_append(
        actor=actor,
        action=LedgerAction.ASSESSMENT_RESULT,
        object_type="assessment",
        object_id=assessment.pk,
        summary={"urn": urn, "status": status, "was": before, "note": note[:200], "owner": result.owner_id},
    )
    return result


@transaction.atomic
def evidence_add(
    *,
    actor: Actor | None,
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
    actor = _acting(actor)
    _check_open(actor, result.assessment)
    errors: dict[str, str] = {}
    evidence = Evidence(result=result, kind=kind, added_by=actor_label(actor))
    if kind == EvidenceKind.LINK:
        url = (url or "").strip()
        if not url.startswith(("https://", "http://")) or len(url) > 500:
            errors["url"] = "A link starting with https:// or http:// (at most 500 characters)."
        evidence.url = url
        default_title = url
    elif kind == EvidenceKind.FILE:
        if not content:
            errors["file"] = "Attach a file."
        elif len(content) > MAX_EVIDENCE_BYTES:
            errors["file"] = f"At most {MAX_EVIDENCE_BYTES // (1024 * 1024)} MB."
        name = os.path.basename(filename or "evidence")[:200] or "evidence"
        default_title = name
    elif kind in (EvidenceKind.GATE_DECISION, EvidenceKind.AUDIT, EvidenceKind.CERTIFICATE):
        default_title = _link_record(
            actor, evidence, kind, gate_decision_id, audit_id, certificate_id, errors
        )
    else:
        errors["kind"] = f"Expected one of {', '.join(EvidenceKind.values)}."
        default_title = ""
    evidence.title = _text(title or default_title, "title", errors, limit=200)
    if errors:
        raise Invalid("The evidence is not valid.", fields=errors)
    if kind == EvidenceKind.FILE:
        assert content is not None
        evidence.file_sha256 = hashlib.sha256(content).hexdigest()
        evidence.file_size = len(content)
        evidence.file_name = name
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
        errors[field] = "Required for this kind of evidence."
        return ""
    try:
        record = provider(actor, wanted)
    except NotFound:
        errors[field] = f"No {kind.replace('_', ' ')} {wanted} that you can see."
        return ""
    setattr(evidence, field, record.pk)
    return str(record)[:200]


def _decision(actor: Actor, record_id: int) -> Any:
    return decision_for(actor=actor, decision_id=record_id)


def _audit(actor: Actor, record_id: int) -> Any:
    return audit_for(actor=actor, audit_id=record_id)


def _certificate(actor: Actor, record_id: int) -> Any:
    return certificate_for(actor=actor, certificate_id=record_id)


@transaction.atomic
def assessment_complete(*, actor: Actor | None, assessment: Assessment) -> Assessment:
    """Close the assessment; its results are then fixed. Requirements left unassessed are named in the ledger."""
    actor = _acting(actor)
    _check_open(actor, assessment)
    framework = framework_library().framework(assessment.framework)
    assessed = set(assessment.results.values_list("urn", flat=True))
    missing = [r.urn for r in framework.requirements if r.urn not in assessed]
    assessment.status = AssessmentStatus.COMPLETED
    assessment.completed_at = timezone.now()
    assessment.save(update_fields=["status", "completed_at"])
    ledger_append(
        actor=actor,
        action=LedgerAction.ASSESSMENT_COMPLETE,
        object_type="assessment",
        object_id=assessment.pk,
        summary={"assessed": len(assessed), "not_assessed": len(missing), "not_assessed_urns": missing[:50]},
    )
    return assessment
