"""Scoped reads of the risk register (by the owning unit, or a scope unit in the actor's subtrees), the heat
map, risks linked to a record, and the transparency reports."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from django.db.models import Count, Q, QuerySet
from django.utils.translation import gettext as _

from conduct.apps.accounts.models import OrgUnit, User
from conduct.apps.accounts.scoping import can, require, scoped, unit_paths, units_q
from conduct.apps.accounts.selectors import orgunits_by_ids
from conduct.apps.errors import NotFound
from conduct.apps.gates.selectors import decision_list
from conduct.apps.governance.selectors import case_list
from conduct.apps.reports.models import Report, RiskLink, SalientRisk
from conduct.core.risk import heatmap


@dataclass(frozen=True)
class RiskFilters:
    dimension: str | None = None
    band: str | None = None
    status: str | None = "active"
    q: str | None = None


def risk_list(*, actor: User, filters: RiskFilters | None = None) -> QuerySet[SalientRisk]:
    """Risks owned by, or scoped to, a unit in the actor's subtrees."""
    if not can(actor, "risks.view"):
        return SalientRisk.objects.none()
    qs = SalientRisk.objects.all()
    if not actor.sees_all_units:
        # A risk scoped to a unit covers its subtree: a branch liaison sees the risks of the units above it.
        above = {int(part) for path in unit_paths(actor) or [] for part in path.strip("/").split("/") if part}
        visible = units_q(actor, "org_unit") | units_q(actor, "scope_units") | Q(scope_units__in=above)
        qs = qs.filter(pk__in=SalientRisk.objects.filter(visible).values("pk"))
    f = filters or RiskFilters()
    if f.dimension:
        qs = qs.filter(dimension=f.dimension)
    if f.band:
        qs = qs.filter(band=f.band)
    if f.status:
        qs = qs.filter(status=f.status)
    if f.q:
        qs = qs.filter(Q(title__icontains=f.q) | Q(code__icontains=f.q))
    return (
        qs.select_related("org_unit", "owner")
        .annotate(link_count=Count("links", distinct=True))
        .order_by("-score", "code")
    )


def risk_get(*, actor: User, code: str) -> SalientRisk:
    risk = risk_list(actor=actor, filters=RiskFilters(status=None)).filter(code=code).first()
    if risk is None:
        raise NotFound(_("No risk %(code)r that you can see.") % {"code": code})
    return risk


def risk_index(*, actor: User, filters: RiskFilters | None = None) -> QuerySet[SalientRisk]:
    """The register (page, API): 403 for a role without `risks.view`."""
    require(actor, "risks.view")
    return risk_list(actor=actor, filters=filters)


def risk_for(
    *, actor: User, code: str, permission: str = "risks.view", then: str | None = None
) -> SalientRisk:
    """The risk a path names: 403 for a role without `permission`, 404 for one out of sight, then 403 for a
    role without `then` (the change a page's POST makes)."""
    require(actor, permission)
    risk = risk_get(actor=actor, code=code)
    if then:
        require(actor, then)
    return risk


def risk_units(*, actor: User, ids: list[str]) -> list[OrgUnit]:
    """The units a new risk's form names (ids as text), read once the actor may manage risks (403 first)."""
    require(actor, "risks.manage")
    return orgunits_by_ids(actor=actor, ids=ids)


def risk_links(*, actor: User, risk: SalientRisk) -> QuerySet[RiskLink]:
    return risk.links.select_related("case", "gate_decision", "finding")


def risks_for(*, actor: User, kind: str, target_id: int) -> QuerySet[SalientRisk]:
    """The risks a case, gate decision or finding is linked to (for those records' pages)."""
    field = {"case": "links__case", "gate_decision": "links__gate_decision", "finding": "links__finding"}[
        kind
    ]
    return risk_list(actor=actor, filters=RiskFilters(status=None)).filter(**{field: target_id}).distinct()


@dataclass
class HeatCell:
    severity: int
    likelihood: int
    score: int
    band: str
    risks: list[SalientRisk] = field(default_factory=list)


def risk_heatmap(*, actor: User, residual: bool = False) -> list[list[HeatCell]]:
    """The 5x5 map of core.risk.heatmap (rows severity 5..1, columns likelihood 1..5) with the active risks
    the
    actor can see placed by inherent (or residual) likelihood."""
    require(actor, "risks.view")
    grid = [[HeatCell(c.severity, c.likelihood, c.score, c.band) for c in row] for row in heatmap()]
    for risk in risk_list(actor=actor):
        likelihood = risk.residual_likelihood if residual else risk.likelihood
        grid[5 - risk.severity][likelihood - 1].risks.append(risk)
    return grid


def report_list(*, actor: User) -> QuerySet[Report]:
    """Report builds (page, API; report_get reads through it): 403 without `reports.view`."""
    require(actor, "reports.view")
    return scoped(Report.objects.all(), actor, permission="reports.view", global_model=True).select_related(
        "checkpoint"
    )


def report_get(*, actor: User, report_id: int) -> Report:
    report = report_list(actor=actor).filter(pk=report_id).first()
    if report is None:
        raise NotFound(_("No report %(id)s.") % {"id": report_id})
    return report


def plain_risk(risk: SalientRisk) -> dict[str, Any]:
    return {
        "code": risk.code,
        "title": risk.title,
        "dimension": risk.dimension,
        "rights": list(risk.rights),
        "people_affected": risk.people_affected,
        "severity": risk.severity,
        "likelihood": risk.likelihood,
        "score": risk.score,
        "band": risk.band,
        "residual_likelihood": risk.residual_likelihood,
        "residual_score": risk.residual_score,
        "residual_band": risk.residual_band,
    }


def evidence_choices(*, actor: User, limit: int = 100) -> tuple[list[Any], list[Any]]:
    """The latest cases and gate decisions the actor may put in an evidence bundle (an investigator: within
    its units and modules); 403 for a role that may not export evidence."""
    require(actor, "evidence.export")
    cases = list(case_list(actor=actor).order_by("-opened_at", "-pk")[:limit])
    decisions = (
        list(decision_list(actor=actor).order_by("-created_at", "-pk")[:limit])
        if can(actor, "gates.view")
        else []
    )
    return cases, decisions
