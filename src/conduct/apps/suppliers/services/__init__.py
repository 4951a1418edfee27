"""The only writers of supplier data. Each is `<noun>_<verb>(*, actor, ...)`, one transaction, one ledger
entry.

Split by concern: suppliers (with sites, contacts, relations, onboarding), certificates, audits (findings and
corrective actions), questionnaires, risk, importing, reminders; and the one "suppliers changed" pipeline
(pipeline) every entry point goes through.
"""

from conduct.apps.suppliers.services.audits import (
    action_attach_evidence,
    action_create,
    action_update,
    audit_create,
    finding_add,
)
from conduct.apps.suppliers.services.certificates import (
    certificate_attach_file,
    certificate_create,
    certificate_update,
    certificate_withdraw,
)
from conduct.apps.suppliers.services.importing import ImportReport, ImportSource, supplier_import
from conduct.apps.suppliers.services.own_sites import (
    own_site_audit_create,
    own_site_certificate_create,
    own_site_finding_raise,
)
from conduct.apps.suppliers.services.pipeline import import_followup, suppliers_changed
from conduct.apps.suppliers.services.questionnaires import (
    questionnaire_review,
    questionnaire_save,
    questionnaire_send,
    template_get,
    templates,
)
from conduct.apps.suppliers.services.queued import risk_recompute_queue
from conduct.apps.suppliers.services.reminders import certificate_reminders_send
from conduct.apps.suppliers.services.risk import risk_recompute_all, risk_refresh
from conduct.apps.suppliers.services.sites import (
    contact_add,
    contact_remove,
    relation_add,
    relation_remove,
    site_add,
    site_remove,
    site_update,
)
from conduct.apps.suppliers.services.suppliers import (
    onboarding_subject,
    supplier_create,
    supplier_onboard,
    supplier_update,
)

__all__ = [
    "own_site_audit_create",
    "own_site_certificate_create",
    "own_site_finding_raise",
    "ImportReport",
    "ImportSource",
    "action_attach_evidence",
    "action_create",
    "action_update",
    "audit_create",
    "certificate_attach_file",
    "certificate_create",
    "certificate_reminders_send",
    "certificate_update",
    "certificate_withdraw",
    "contact_add",
    "contact_remove",
    "finding_add",
    "import_followup",
    "onboarding_subject",
    "questionnaire_review",
    "questionnaire_save",
    "questionnaire_send",
    "relation_add",
    "relation_remove",
    "risk_recompute_all",
    "risk_recompute_queue",
    "risk_refresh",
    "site_add",
    "site_remove",
    "site_update",
    "supplier_create",
    "supplier_import",
    "supplier_onboard",
    "supplier_update",
    "suppliers_changed",
    "template_get",
    "templates",
]
