"""Scoped reads: the framework library (every internal user), controls (company-wide), assessments (by the
assessment's org unit) and coverage per framework and per dimension."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Count, Prefetch, Q, QuerySet
from django.utils.translation import gettext as _

from conduct.apps.accounts.models import User
from conduct.apps.accounts.scoping import can, require, scoped
from conduct.apps.catalog.library import framework_library
from conduct.apps.catalog.models import (
    Assessment,
    AssessmentResult,
    Control,
    ControlDimension,
    ControlRequirement,
    Evidence,
    LibraryVersion,
    ResultStatus,
)
from conduct.apps.errors import Invalid, NotFound
from conduct.core.catalog import Dimension, Framework, FrameworkLibrary, Requirement, RequirementMapping

# --- the library --------------------------------------------------------------------------------


def library(*, actor: User) -> FrameworkLibrary:
    require(actor, "frameworks.view")
    return framework_library()


def framework_get(*, actor: User, slug: str) -> Framework:
    lib = library(actor=actor)
    try:
        return lib.framework(slug)
    except KeyError:
        raise NotFound(_("No framework %(f)r.") % {"f": slug}) from None


def requirement_search(
    *, actor: User, q: str = "", framework: str | None = None, dimension: str | None = None
) -> tuple[Requirement, ...]:
    lib = library(actor=actor)
    fields: dict[str, str] = {}
    if framework and framework not in {f.slug for f in lib.frameworks}:
        fields["framework"] = _("Unknown framework %(f)r.") % {"f": framework}
    if dimension and dimension not in {d.value for d in Dimension}:
        fields["dimension"] = _("Expected one of %(v)s.") % {"v": ", ".join(d.value for d in Dimension)}
    if fields:
        raise Invalid(_("Some filters are not valid."), fields=fields)
    return lib.search(q or "", framework=framework or None, dimension=dimension or None)


@dataclass(frozen=True)
class RequirementDetail:
    requirement: Requirement
    framework: Framework
    mappings: list[tuple[RequirementMapping, Requirement | None]]
    controls: list[Control]


def requirement_get(*, actor: User, urn: str) -> RequirementDetail:
    lib = library(actor=actor)
    requirement = lib.get(urn)
    if requirement is None:
        raise NotFound(_("No requirement %(urn)r in the framework library.") % {"urn": urn})
    mappings = [(m, lib.get(m.other(urn))) for m in lib.mappings_for(urn)]
    controls = (
        list(control_list(actor=actor).filter(requirement_links__urn=urn).distinct())
        if can(actor, "controls.view")
        else []
    )
    return RequirementDetail(requirement, lib.framework(requirement.framework), mappings, controls)


def library_versions(*, actor: User) -> QuerySet[LibraryVersion]:
    return scoped(LibraryVersion.objects.all(), actor, permission="frameworks.view", global_model=True)


# --- controls -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class ControlFilters:
    q: str | None = None
    dimension: str | None = None
    urn: str | None = None
    active: bool | None = None


def control_list(*, actor: User, filters: ControlFilters | None = None) -> QuerySet[Control]:
    """Refuses a role without `controls.view` (403); control_get reads through it."""
    require(actor, "controls.view")
    """The company's controls are one register: every internal user reads all of them."""
    qs = scoped(Control.objects.all(), actor, permission="controls.view", global_model=True)
    f = filters or ControlFilters()
    if f.q:
        qs = qs.filter(Q(code__icontains=f.q) | Q(title__icontains=f.q))
    if f.dimension:
        qs = qs.filter(dimension=f.dimension)
    if f.urn:
        qs = qs.filter(requirement_links__urn=f.urn).distinct()
    if f.active is not None:
        qs = qs.filter(is_active=f.active)
    return qs.select_related("org_unit", "owner").prefetch_related("requirement_links")


def control_get(*, actor: User, code: str) -> Control:
    control = control_list(actor=actor).filter(code=code).first()
    if control is None:
        raise NotFound(_("No control %(code)r.") % {"code": code})
    return control


# --- assessments --------------------------------------------------------------------------------


@dataclass(frozen=True)
class AssessmentFilters:
    framework: str | None = None
    scope_kind: str | None = None
    status: str | None = None
    supplier: int | None = None


def assessment_list(*, actor: User, filters: AssessmentFilters | None = None) -> QuerySet[Assessment]:
    """Refuses a role without `assessments.view` (403); assessment_get reads through it."""
    require(actor, "assessments.view")
    qs = scoped(Assessment.objects.all(), actor, permission="assessments.view", unit_field="org_unit")
    f = filters or AssessmentFilters()
    if f.framework:
        qs = qs.filter(framework=f.framework)
    if f.scope_kind:
        qs = qs.filter(scope_kind=f.scope_kind)
    if f.status:
        qs = qs.filter(status=f.status)
    if f.supplier:
        qs = qs.filter(supplier_id=f.supplier)
    return (
        qs.select_related("org_unit", "supplier", "owner")
        .annotate(result_count=Count("results"))
        .order_by("-created_at", "-id")
    )


def assessment_get(*, actor: User, assessment_id: int) -> Assessment:
    found = assessment_list(actor=actor).filter(pk=assessment_id).first()
    if found is None:
        raise NotFound(_("No assessment %(id)s that you can see.") % {"id": assessment_id})
    return found


@dataclass
class AssessmentRow:
    requirement: Requirement
    result: AssessmentResult | None
    controls: list[str] = field(default_factory=list)


def assessment_rows(*, actor: User, assessment: Assessment) -> list[AssessmentRow]:
    """Every requirement of the assessment's framework, in file order, with its result (if any) and
    evidence."""
    lib = framework_library()
    results = {
        r.urn: r
        for r in assessment.results.select_related("owner").prefetch_related(
            Prefetch("evidence", queryset=Evidence.objects.order_by("id"))
        )
    }
    try:
        requirements = lib.framework(assessment.framework).requirements
    except KeyError:
        requirements = ()
    controls: dict[str, list[str]] = {}
    for urn, code in ControlRequirement.objects.filter(
        urn__in=[r.urn for r in requirements], control__is_active=True
    ).values_list("urn", "control__code"):
        controls.setdefault(urn, []).append(code)
    return [AssessmentRow(r, results.get(r.urn), sorted(controls.get(r.urn, []))) for r in requirements]


def assessment_summary(assessment: Assessment) -> dict[str, int]:
    counts = Counter(assessment.results.values_list("status", flat=True))
    total = len(framework_library().framework(assessment.framework).requirements)
    out = {status: counts.get(status, 0) for status in ResultStatus.values}
    out["not_assessed"] = total - sum(counts.values())
    out["requirements"] = total
    return out


# --- coverage -----------------------------------------------------------------------------------

STATUSES = (*ResultStatus.values, "not_assessed")


@dataclass
class CoverageRow:
    key: str
    label: str
    requirements: int = 0
    controlled: int = 0
    statuses: dict[str, int] = field(default_factory=lambda: dict.fromkeys(STATUSES, 0))

    @property
    def controlled_pct(self) -> int:
        return round(100 * self.controlled / self.requirements) if self.requirements else 0

    @property
    def met_pct(self) -> int:
        applicable = self.requirements - self.statuses["not_applicable"]
        return round(100 * self.statuses["met"] / applicable) if applicable > 0 else 0

    def as_dict(self) -> dict[str, Any]:
        return {
            "key": self.key,
            "label": self.label,
            "requirements": self.requirements,
            "controlled": self.controlled,
            "controlled_pct": self.controlled_pct,
            "met_pct": self.met_pct,
            "statuses": dict(self.statuses),
        }


@dataclass(frozen=True)
class Coverage:
    by_framework: list[CoverageRow]
    by_dimension: list[CoverageRow]


def coverage(*, actor: User) -> Coverage:
    """Per framework and per requirement dimension: how many requirements a control serves, and the latest
    assessed status of each requirement across the assessments the actor can see."""
    lib = library(actor=actor)
    controlled = set(
        ControlRequirement.objects.filter(
            control__in=control_list(actor=actor).filter(is_active=True)
        ).values_list("urn", flat=True)
    )
    latest: dict[str, str] = {}
    visible = scoped(
        Assessment.objects.all(), actor, permission="assessments.view", unit_field="org_unit"
    ).values("pk")
    for urn, status in (
        AssessmentResult.objects.filter(assessment__in=visible)
        .order_by("assessed_at", "id")
        .values_list("urn", "status")
    ):
        latest[urn] = status
    frameworks = {f.slug: CoverageRow(f.slug, f.short_name) for f in lib.frameworks}
    labels = dict(ControlDimension.choices)  # the same six dimensions, with their translated names
    dimensions = {d.value: CoverageRow(d.value, str(labels.get(d.value, d.value))) for d in Dimension}
    for framework in lib.frameworks:
        for requirement in framework.requirements:
            for row in (frameworks[framework.slug], dimensions[requirement.dimension.value]):
                row.requirements += 1
                row.controlled += requirement.urn in controlled
                row.statuses[latest.get(requirement.urn, "not_assessed")] += 1
    return Coverage(list(frameworks.values()), [d for d in dimensions.values() if d.requirements])
