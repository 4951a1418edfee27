"""Scoped reads of gate decisions and policy versions."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import Any

from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from conduct.apps.accounts.models import User
from conduct.apps.accounts.scoping import require, scoped
from conduct.apps.errors import NotFound
from conduct.apps.gates.models import GateDecision, PolicyPackVersion, RecheckFinding
from conduct.apps.gates.pack import current_pack
from conduct.core.policy import FormNode, PolicyPack, form_fields
from conduct.datafiles import data_path


@dataclass(frozen=True)
class DecisionFilters:
    gate: str | None = None
    outcome: str | None = None
    reference: str | None = None
    since: date | None = None
    until: date | None = None
    unresolved_reviews: bool = False


def decision_list(*, actor: User, filters: DecisionFilters | None = None) -> QuerySet[GateDecision]:
    """The decisions page and API: a role without `gates.view` is refused (403)."""
    require(actor, "gates.view")
    return _decisions(actor, filters)


def _decisions(actor: User, filters: DecisionFilters | None) -> QuerySet[GateDecision]:
    qs = scoped(GateDecision.objects.all(), actor, permission="gates.view", unit_field="org_unit")
    f = filters or DecisionFilters()
    if f.gate:
        qs = qs.filter(gate=f.gate)
    if f.outcome:
        qs = qs.filter(outcome=f.outcome)
    if f.reference:
        qs = qs.filter(reference__icontains=f.reference)
    tz = timezone.get_current_timezone()
    if f.since:
        qs = qs.filter(created_at__gte=timezone.make_aware(datetime.combine(f.since, time.min), tz))
    if f.until:
        qs = qs.filter(
            created_at__lt=timezone.make_aware(datetime.combine(f.until + timedelta(days=1), time.min), tz)
        )
    if f.unresolved_reviews:
        qs = qs.filter(outcome="review", resolved_at__isnull=True)
    return qs.select_related("org_unit", "actor", "resolution_case")


def decision_get(*, actor: User, decision_id: int) -> GateDecision:
    decision = _decisions(actor, None).filter(pk=decision_id).first()
    if decision is None:
        raise NotFound(_("No gate decision %(decision_id)s that you can see.") % {"decision_id": decision_id})
    return decision


def decision_for(*, actor: User, decision_id: int) -> GateDecision:
    """The decision an API path names: 403 for a role without `gates.view`, 404 for one out of sight (the page
    answers 404 to both, through decision_get)."""
    require(actor, "gates.view")
    return decision_get(actor=actor, decision_id=decision_id)


def decision_history(*, actor: User, decision: GateDecision) -> list[GateDecision]:
    """Every decision on the same gate and reference, newest first."""
    if not decision.reference:
        return [decision]
    return list(_decisions(actor, DecisionFilters(gate=decision.gate)).filter(reference=decision.reference))


def pack_versions(*, actor: User) -> QuerySet[PolicyPackVersion]:
    require(actor, "policy.view")
    return scoped(PolicyPackVersion.objects.all(), actor, permission="policy.view", global_model=True)


def policy_pack(*, actor: User) -> PolicyPack:
    """The policy pack in force, for its page and the API: needs `policy.view`."""
    require(actor, "policy.view")
    return current_pack()


def subject_example(*, actor: User, gate: str) -> str:
    """The example subject the try page starts from (needs `gates.decide`, as trying one does)."""
    require(actor, "gates.decide")
    path = data_path("examples", "subjects", f"{gate}.json")
    return path.read_text(encoding="utf-8") if path.exists() else "{}"


def subject_form(*, actor: User, gate: str, subject: Any, extra_rows: int = 1) -> FormNode:
    """The form of `gate` filled with `subject`, its vocabularies from the pack's reference data (needs
    `gates.decide`)."""
    require(actor, "gates.decide")
    return form_fields(
        gate, subject if isinstance(subject, dict) else {}, current_pack().reference, extra_rows=extra_rows
    )


def recheck_findings(*, actor: User) -> QuerySet[RecheckFinding]:
    """Earlier allowed or approved decisions a re-check found the current data would deny, newest first, in
    the units the actor may see (a role without `gates.view` is refused)."""
    require(actor, "gates.view")
    qs = scoped(RecheckFinding.objects.all(), actor, permission="gates.view", unit_field="org_unit")
    return qs.select_related("decision", "org_unit", "run")


def sanctions_programmes(*, actor: User) -> dict[str, Any]:
    """The sanctions programmes in the reference data, with their sources and review dates (`policy.view`)."""
    require(actor, "policy.view")
    sanctions = current_pack().reference.sanctions
    return {
        "reviewed": sanctions.reviewed,
        "programmes": [p.summary() for p in sanctions.programmes],
        "transshipment_countries": sorted(sanctions.transshipment_countries),
        "transshipment_source": sanctions.transshipment_source,
    }
