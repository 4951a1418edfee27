"""The suppliers app's ledger action names: one vocabulary for every entry its services write."""

from __future__ import annotations

from enum import StrEnum


class SupplierAction(StrEnum):
    SUPPLIER_CREATE = "supplier.create"
    SUPPLIER_UPDATE = "supplier.update"
    SUPPLIER_ONBOARD = "supplier.onboard"
    SUPPLIER_IMPORT = "supplier.import"
    SUPPLIER_STATUS_AS_FOUND = "supplier.status_as_found"
    RISK_RECOMPUTE = "supplier.risk_recompute"
    SITE_ADD = "supplier.site_add"
    SITE_UPDATE = "supplier.site_update"
    SITE_REMOVE = "supplier.site_remove"
    CONTACT_ADD = "supplier.contact_add"
    CONTACT_REMOVE = "supplier.contact_remove"
    RELATION_ADD = "supplier.relation_add"
    RELATION_REMOVE = "supplier.relation_remove"
    CERTIFICATE_CREATE = "certificate.create"
    CERTIFICATE_UPDATE = "certificate.update"
    CERTIFICATE_WITHDRAW = "certificate.withdraw"
    CERTIFICATE_ATTACH_FILE = "certificate.attach_file"
    CERTIFICATE_REMINDERS = "certificate.reminders"
    AUDIT_CREATE = "audit.create"
    FINDING_CREATE = "finding.create"
    ACTION_CREATE = "corrective_action.create"
    ACTION_UPDATE = "corrective_action.update"
    ACTION_ATTACH_EVIDENCE = "corrective_action.attach_evidence"
    QUESTIONNAIRE_SEND = "questionnaire.send"
    QUESTIONNAIRE_SAVE = "questionnaire.save"
    QUESTIONNAIRE_SUBMIT = "questionnaire.submit"
    QUESTIONNAIRE_ACCEPT = "questionnaire.accept"
    QUESTIONNAIRE_RETURN = "questionnaire.return"
