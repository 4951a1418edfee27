"""Events the suppliers app emits and the providers it implements for other apps."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from conduct.events._bus import Event, Provider


@dataclass(frozen=True)
class SuppliersChanged(Event):
    """Suppliers were created, renamed, re-homed or imported: everything derived from them must follow.

    Emitted by suppliers' one "suppliers changed" pipeline (`suppliers.services.pipeline.suppliers_changed`),
    whatever the entry point (API, page, CLI, demo):
    - for a supplier created or updated: once, inside the change's transaction, after its ledger entry;
    - for an import: after the import has committed (`import_followup`, a background task for the API and the
      page, at once for the CLI), once per batch of up to 500 of the suppliers it created or changed, each
      batch in its own transaction.
    Handled by screening: when `screen` is true it registers (or updates) each supplier as the party
    "supplier:<id>" and screens it (`party_upsert` as the system, kind "supplier", entity type organization,
    name, aliases, country, org unit); when false it does nothing. After every handler has run, suppliers
    itself rescores the suppliers and their buyers once (`recompute_risk`); an import's follow-up instead
    recomputes every supplier's risk once at the end. Handlers return nothing the emitter reads.

    actor: who changed them (a User or a SystemActor). suppliers: the Supplier rows (saved, org_unit loaded).
    reason: "create", "update" or "import". screen: whether a screened field (name, aliases, country, org
    unit) is new or changed. recompute_risk: whether suppliers rescores them right after the handlers.
    extra: free-form details for listeners (unused today).
    """

    actor: Any
    suppliers: tuple[Any, ...]
    reason: str
    screen: bool = True
    recompute_risk: bool = True
    extra: dict[str, Any] = field(default_factory=dict)


supplier_for: Provider[..., Any] = Provider(
    "suppliers.supplier_for",
    "supplier_for(*, actor, supplier_id) -> Supplier the actor may read; NotFound otherwise.",
)
audit_for: Provider[..., Any] = Provider(
    "suppliers.audit_for",
    "audit_for(*, actor, audit_id) -> SupplierAudit the actor may read; NotFound otherwise.",
)
certificate_for: Provider[..., Any] = Provider(
    "suppliers.certificate_for",
    "certificate_for(*, actor, certificate_id) -> Certificate the actor may read; NotFound otherwise.",
)
finding_for: Provider[..., Any] = Provider(
    "suppliers.finding_for",
    "finding_for(*, actor, finding_id) -> Finding the actor may read; NotFound otherwise.",
)

# The records of the company's own sites (the audited party is a supplier or an own site): the workforce app
# reads and writes them through these, never through suppliers' services or selectors.
own_site_records: Provider[..., Any] = Provider(
    "suppliers.own_site_records",
    "own_site_records(*, actor, site_id) -> OwnSiteRecords (certificates, audits with findings, corrective "
    "actions) of an own site, scoped by the site's org unit.",
)
own_site_certificate_create: Provider[..., Any] = Provider(
    "suppliers.own_site_certificate_create",
    "own_site_certificate_create(*, actor, site, standard, number, valid_until, ...) -> Certificate; "
    "authorize certificates.upload at the site's unit; Invalid / Conflict.",
)
own_site_audit_create: Provider[..., Any] = Provider(
    "suppliers.own_site_audit_create",
    "own_site_audit_create(*, actor, site, kind, date, auditor, scope) -> SupplierAudit of the own site.",
)
own_site_finding_raise: Provider[..., Any] = Provider(
    "suppliers.own_site_finding_raise",
    "own_site_finding_raise(*, actor, site, auditor, severity, requirement, description, action, owner, "
    "due_date, scope) -> CorrectiveAction: an internal review of the site with its finding and the finding's "
    "corrective action, in the caller's transaction.",
)
finding_add: Provider[..., Any] = Provider(
    "suppliers.finding_add",
    "finding_add(*, actor, audit, severity, requirement, description) -> Finding (a supplier's or an own "
    "site's audit).",
)
action_create: Provider[..., Any] = Provider(
    "suppliers.action_create",
    "action_create(*, actor, finding, action, owner, due_date, root_cause) -> CorrectiveAction.",
)
own_site_action_get: Provider[..., Any] = Provider(
    "suppliers.own_site_action_get",
    "own_site_action_get(*, actor, action_id) -> CorrectiveAction of an own site the actor may read; "
    "NotFound otherwise.",
)
action_update: Provider[..., Any] = Provider(
    "suppliers.action_update",
    "action_update(*, actor, plan, root_cause, action, evidence, owner, due_date, status) -> "
    "CorrectiveAction (the suppliers' rules: verified and closed need actions.verify and evidence).",
)
action_attach_evidence: Provider[..., Any] = Provider(
    "suppliers.action_attach_evidence",
    "action_attach_evidence(*, actor, plan, content, filename) -> CorrectiveAction: the evidence file "
    "(size-checked PDF, PNG or JPEG, stored with its SHA-256; a later file replaces it, the ledger keeps "
    "each); authorize actions.work.",
)
