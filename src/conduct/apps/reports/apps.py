from django.apps import AppConfig

from conduct.apps.accounts.roles import register_permissions
from conduct.apps.reports.permissions import PERMISSIONS


class ReportsConfig(AppConfig):
    name = "conduct.apps.reports"
    label = "reports"
    verbose_name = "Risk register and transparency reports"

    def ready(self) -> None:
        register_permissions(PERMISSIONS)
        from conduct.apps.reports import providers

        providers.register()
