from django.apps import AppConfig

from conduct.apps.accounts.roles import register_permissions
from conduct.apps.suppliers.permissions import PERMISSIONS


class SuppliersConfig(AppConfig):
    name = "conduct.apps.suppliers"
    label = "suppliers"
    verbose_name = "Suppliers"

    def ready(self) -> None:
        from conduct.apps.suppliers import providers  # noqa: F401 - registers supplier_for, audit_for, ...

        register_permissions(PERMISSIONS)
