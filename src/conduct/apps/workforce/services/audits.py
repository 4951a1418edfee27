"""An own site's audit with its findings and their corrective actions, recorded in one transaction through
the suppliers app's providers (the records of the one audited party live there)."""

from __future__ import annotations

from typing import Any

from django.db import transaction

from conduct.apps.accounts.actors import Actor
from conduct.apps.workforce.models import OwnSite
from conduct.apps.workforce.services._common import authorize_site
from conduct.events import suppliers as records


@transaction.atomic
def site_audit_record(
    *, actor: Actor, site: OwnSite, audit: dict[str, Any], findings: list[dict[str, Any]]
) -> Any:
    """audit: kind, date, auditor, scope. findings: severity, requirement, description, action, owner,
    due_date each. All or nothing: any invalid finding undoes the audit."""
    authorize_site(actor, "workforce.view", site)
    record = records.own_site_audit_create(actor=actor, site=site, **audit)
    for spec in findings:
        finding = records.finding_add(
            actor=actor,
            audit=record,
            severity=spec["severity"],
            requirement=spec["requirement"],
            description=spec["description"],
        )
        records.action_create(
            actor=actor,
            finding=finding,
            action=spec["action"],
            owner=spec["owner"],
            due_date=spec["due_date"],
        )
    return record
