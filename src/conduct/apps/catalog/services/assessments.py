"""Assessments: start one, record a result per requirement, complete it."""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from conduct.apps.accounts.actors import Actor
from conduct.apps.accounts.models import OrgUnit, User
from conduct.apps.accounts.scoping import authorize, unit_in_scope
from conduct.apps.audit.services import actor_label, ledger_append
from conduct.apps.catalog import selectors
from conduct.apps.catalog.actions import LedgerAction
from conduct.apps.catalog.library import FrameworkLibrary, framework_library
from conduct.apps.catalog.models import (
    Assessment,
    AssessmentResult,
    AssessmentScope,
    AssessmentStatus,
    ResultStatus,
)
from conduct.apps.catalog.services._common import text_field, unit_named, user_named, user_or_none
from conduct.apps.errors import Conflict, Invalid, NotFound
from conduct.db.bounds import MAX_DB_ID
from conduct.events.suppliers import supplier_for


def _root_unit() -> OrgUnit:
    root = OrgUnit.objects.filter(parent__isnull=True).order_by("path").first()
    if root is None:
        raise Invalid(
            _("The organisation has no units yet."), fields={"org_unit": _("Create the organisation first.")}
        )
    return root


def _assessed_unit(
    scope_kind: str, org_unit: OrgUnit | None, supplier: Any, errors: dict[str, str]
) -> OrgUnit | None:
    """The unit an assessment belongs to: the root for the company, the supplier's unit, or the unit given."""
    if scope_kind == AssessmentScope.COMPANY:
        return _root_unit()
    if scope_kind == AssessmentScope.SUPPLIER:
        if supplier is None:
            errors["supplier"] = _("Required for a supplier assessment.")
            return None
        unit: OrgUnit = supplier.org_unit
        return unit
    if scope_kind in (AssessmentScope.ORG_UNIT, AssessmentScope.PRODUCT) and org_unit is None:
        errors["org_unit"] = _("Required for this scope.")
    return org_unit


def _supplier(actor: Actor, supplier: Any, errors: dict[str, str]) -> Any:
    """The supplier given, or the one with this id (a number, or digits from a form) the actor may read
    (through suppliers' provider)."""
    if isinstance(supplier, str):
        text = supplier.strip()
        if not text:
            return None
        if not text.isdigit():
            errors["supplier"] = _("A number.")
            return None
        supplier = int(text)
    if not isinstance(supplier, int) or isinstance(supplier, bool):
        return supplier
    if not 0 < supplier <= MAX_DB_ID:
        errors["supplier"] = _("No supplier %(supplier)s you can see.") % {"supplier": supplier}
        return None
    try:
        return supplier_for(actor=actor, supplier_id=supplier)
    except NotFound:
        errors["supplier"] = _("No supplier %(supplier)s you can see.") % {"supplier": supplier}
        return None


def assessment_for_change(*, actor: Actor, assessment_id: int) -> Assessment:
    """The assessment a change is about, once the actor may change assessments at all (403 first, then 404
    for one outside its units)."""
    authorize(actor, "assessments.manage")
    if isinstance(actor, User):
        return selectors.assessment_get(actor=actor, assessment_id=assessment_id)
    found = Assessment.objects.filter(pk=assessment_id).first()
    if found is None:
        raise NotFound(_("No assessment %(id)s.") % {"id": assessment_id})
    return found


def _check_kinds(lib: FrameworkLibrary, framework: str, scope_kind: str, errors: dict[str, str]) -> None:
    if framework not in {f.slug for f in lib.frameworks}:
        errors["framework"] = _("Unknown framework %(f)r.") % {"f": framework}
    if scope_kind not in AssessmentScope.values:
        errors["scope_kind"] = _("Expected one of %(v)s.") % {"v": ", ".join(AssessmentScope.values)}


def _subject(scope_kind: str, unit: OrgUnit, supplier: Any, product: str) -> str:
    """What is assessed, in words (the default title names it)."""
    return {
        AssessmentScope.COMPANY: "the company",
        AssessmentScope.ORG_UNIT: unit.name,
        AssessmentScope.SUPPLIER: str(supplier),
        AssessmentScope.PRODUCT: product,
    }[AssessmentScope(scope_kind)]


@transaction.atomic
def assessment_create(
    *,
    actor: Actor,
    framework: str,
    scope_kind: str,
    title: str = "",
    org_unit: OrgUnit | str | int | None = None,
    supplier: Any = None,
    product: str = "",
    owner: User | str | None = None,
) -> Assessment:
    """Start assessing a scope against a framework. The company scope belongs to the root unit; a supplier's
    assessment to the unit that owns the supplier; a unit or product assessment to the unit given. The unit,
    the supplier and the owner may be given as rows or named (a unit's code or id, a supplier's id, a
    username), resolved as the actor may see them."""
    authorize(actor, "assessments.manage")
    errors: dict[str, str] = {}
    org_unit = unit_named(actor, org_unit, errors)
    supplier = _supplier(actor, supplier, errors)
    owner = user_named(owner, errors)
    lib = framework_library()
    _check_kinds(lib, framework, scope_kind, errors)
    product = text_field(
        product, "product", errors, limit=200, required=scope_kind == AssessmentScope.PRODUCT
    )
    unit = _assessed_unit(scope_kind, org_unit, supplier, errors)
    if errors:
        raise Invalid(_("The assessment is not valid."), fields=errors)
    assert unit is not None
    authorize(actor, "assessments.manage", unit=unit)
    short = lib.framework(framework).short_name
    title = (title or "").strip()[:200] or f"{short}: {_subject(scope_kind, unit, supplier, product)}"
    assessment = Assessment.objects.create(
        title=title,
        framework=framework,
        library_version=lib.version,
        scope_kind=scope_kind,
        org_unit=unit,
        supplier=supplier if scope_kind == AssessmentScope.SUPPLIER else None,
        product=product if scope_kind == AssessmentScope.PRODUCT else "",
        owner=owner or user_or_none(actor),
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


def check_open(actor: Actor, assessment: Assessment) -> None:
    authorize(actor, "assessments.manage")
    if isinstance(actor, User) and not unit_in_scope(actor, assessment.org_unit):
        raise NotFound(_("No assessment %(id)s that you can see.") % {"id": assessment.pk})
    if assessment.status != AssessmentStatus.OPEN:
        raise Conflict(
            _("The assessment is completed; start a new one to assess again."), code="assessment_completed"
        )


@transaction.atomic
def result_record(
    *,
    actor: Actor,
    assessment: Assessment,
    urn: str,
    status: str,
    note: str = "",
    owner: User | str | None = None,
) -> AssessmentResult:
    """Set the status of one requirement (met, partly_met, not_met, not_applicable) with a note and an
    owner."""
    check_open(actor, assessment)
    errors: dict[str, str] = {}
    owner = user_named(owner, errors)
    requirement = framework_library().get(urn)
    if requirement is None or requirement.framework != assessment.framework:
        errors["urn"] = _("%(urn)s is not a requirement of %(framework)s.") % {
            "urn": repr(urn),
            "framework": assessment.framework,
        }
    if status not in ResultStatus.values:
        errors["status"] = _("Expected one of %(v)s.") % {"v": ", ".join(ResultStatus.values)}
    note = text_field(
        note,
        "note",
        errors,
        limit=5000,
        required=status in (ResultStatus.NOT_APPLICABLE, ResultStatus.PARTLY_MET),
    )
    if errors:
        raise Invalid(_("The result is not valid."), fields=errors)
    result = AssessmentResult.objects.filter(assessment=assessment, urn=urn).first()
    before = result.status if result else None
    if result is None:
        result = AssessmentResult(assessment=assessment, urn=urn)
    result.status, result.note = status, note
    result.owner = owner or result.owner or user_or_none(actor)
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
def assessment_complete(*, actor: Actor, assessment: Assessment) -> Assessment:
    """Close the assessment; its results are then fixed. Requirements left unassessed are named in the
    ledger."""
    check_open(actor, assessment)
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
