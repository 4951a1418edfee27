from django.apps import AppConfig


class AuditConfig(AppConfig):
    name = "conduct.apps.audit"
    label = "audit"
    verbose_name = "Audit ledger"
