"""The demo's controls, salient risks and a first assessment (data/demo/organisation.yaml: `controls`,
`salient_risks`, `assessments`), loaded by `conduct demo load`. Idempotent: what is there is left alone."""

from __future__ import annotations

from typing import Any

from django.db import transaction

from conduct.apps.accounts.actors import DEMO, SYSTEM
from conduct.apps.accounts.models import OrgUnit, User
from conduct.apps.catalog import services as catalog
from conduct.apps.catalog.models import Assessment, Control
from conduct.apps.reports import risks
from conduct.apps.reports.models import RiskLink, SalientRisk
from conduct.apps.suppliers.models import Finding, Supplier

# catalog's services still read None as the system (and would store a SystemActor as an owner): DEMO once
# they take an Actor.
_CATALOG_DEMO = SYSTEM  # the catalog rows of the demo have always been signed "system"


@transaction.atomic
def load_demo_risks(spec: dict[str, Any]) -> int:
    """Load what is missing of the spec's controls, salient risks and assessments; returns how many."""
    return (
        _load_controls(spec.get("controls", []))
        + _load_risks(spec.get("salient_risks", []))
        + _load_assessments(spec.get("assessments", []))
    )


def _load_controls(controls: list[dict[str, Any]]) -> int:
    created = 0
    for c in controls:
        if Control.objects.filter(code=c["code"]).exists():
            continue
        catalog.control_create(
            actor=_CATALOG_DEMO,
            code=c["code"],
            title=c["title"],
            dimension=c["dimension"],
            description=c.get("description", ""),
            org_unit=OrgUnit.objects.get(code=c["unit"]),
            owner=User.objects.filter(username=c.get("owner")).first(),
            urns=c.get("requirements", []),
        )
        created += 1
    return created


def _load_risks(salient_risks: list[dict[str, Any]]) -> int:
    created = 0
    for r in salient_risks:
        if SalientRisk.objects.filter(code=r["code"]).exists():
            continue
        risk = risks.risk_create(
            actor=DEMO,
            code=r["code"],
            org_unit=OrgUnit.objects.get(code=r["unit"]),
            title=r["title"],
            dimension=r["dimension"],
            rights=r["rights"],
            people_affected=r["people"],
            scale=r["scale"],
            scope=r["scope"],
            irremediability=r["irremediability"],
            likelihood=r["likelihood"],
            residual_likelihood=r.get("residual_likelihood"),
            scope_products=r.get("products", []),
            scope_units=list(OrgUnit.objects.filter(code__in=r.get("scope_units", []))),
            scope_suppliers=list(Supplier.objects.filter(external_id__in=r.get("suppliers", []))),
            controls=list(Control.objects.filter(code__in=r.get("controls", []))),
        )
        created += 1
        for finding in Finding.objects.filter(requirement__in=r.get("findings", [])):
            if not RiskLink.objects.filter(risk=risk, finding=finding).exists():
                risks.risk_link(
                    actor=DEMO,
                    risk=risk,
                    kind="finding",
                    target_id=finding.pk,
                    note="Found in the supplier's social audit.",
                )
    return created


def _load_assessments(assessments: list[dict[str, Any]]) -> int:
    created = 0
    for a in assessments:
        if Assessment.objects.filter(title=a["title"]).exists():
            continue
        assessment = catalog.assessment_create(
            actor=_CATALOG_DEMO, framework=a["framework"], scope_kind=a["scope"], title=a["title"]
        )
        for result in a.get("results", []):
            catalog.result_record(
                actor=_CATALOG_DEMO,
                assessment=assessment,
                urn=result["urn"],
                status=result["status"],
                note=result.get("note", ""),
            )
        created += 1
    return created
