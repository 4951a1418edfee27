"""Supplier pages for compliance staff: the list (filters, sorting, export), a supplier with its risk drivers,
certificates, audits, corrective actions, questionnaires, screening and sub-supplier graph; import; and the
lists of certificates, audits, corrective actions and questionnaires. One module per concept; the portal's
pages are in portal_views."""

from conduct.apps.suppliers.views.actions import (
    action_create_view,
    action_detail_view,
    action_list_view,
    action_work,
)
from conduct.apps.suppliers.views.audits import (
    audit_add_view,
    audit_detail_view,
    audit_list_view,
)
from conduct.apps.suppliers.views.certificates import (
    certificate_add_view,
    certificate_file_view,
    certificate_from_form,
    certificate_list_view,
    certificate_withdraw_view,
)
from conduct.apps.suppliers.views.importing import (
    import_template_view,
    import_view,
    risk_recompute_view,
)
from conduct.apps.suppliers.views.questionnaires import (
    answered_questions,
    questionnaire_send_view,
    response_list_view,
    response_review_view,
)
from conduct.apps.suppliers.views.sites import (
    contact_add_view,
    contact_remove_view,
    relation_add_view,
    relation_remove_view,
    site_add_view,
    site_edit_view,
    site_remove_view,
)
from conduct.apps.suppliers.views.suppliers import (
    supplier_create_view,
    supplier_detail_view,
    supplier_edit_view,
    supplier_list_view,
    supplier_onboard_view,
)

__all__ = [
    "action_create_view",
    "action_detail_view",
    "action_list_view",
    "action_work",
    "answered_questions",
    "audit_add_view",
    "audit_detail_view",
    "audit_list_view",
    "certificate_add_view",
    "certificate_file_view",
    "certificate_from_form",
    "certificate_list_view",
    "certificate_withdraw_view",
    "contact_add_view",
    "contact_remove_view",
    "import_template_view",
    "import_view",
    "questionnaire_send_view",
    "relation_add_view",
    "relation_remove_view",
    "response_list_view",
    "response_review_view",
    "risk_recompute_view",
    "site_add_view",
    "site_edit_view",
    "site_remove_view",
    "supplier_create_view",
    "supplier_detail_view",
    "supplier_edit_view",
    "supplier_list_view",
    "supplier_onboard_view",
]
