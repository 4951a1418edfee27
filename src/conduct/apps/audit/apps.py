from django.apps import AppConfig


class AuditConfig(AppConfig):
    name = "conduct.apps.audit"
    label = "audit"
    verbose_name = "Audit ledger"

    def ready(self) -> None:
        from conduct.apps.audit.keys import trusted_fingerprints

        trusted_fingerprints()  # LEDGER_TRUSTED_KEYS that cannot be used stop the program at start
