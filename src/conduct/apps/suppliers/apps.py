from django.apps import AppConfig

from conduct.apps.accounts.roles import register_permissions
from conduct.apps.suppliers.permissions import PERMISSIONS


class SuppliersConfig(AppConfig):
    name = "conduct.apps.suppliers"
    label = "suppliers"
    verbose_name = "Suppliers"

    def ready(self) -> None:
        from conduct.apps.suppliers import (  # noqa: F401 - registers providers and handlers
            handlers,
            providers,
        )

        register_permissions(PERMISSIONS)
