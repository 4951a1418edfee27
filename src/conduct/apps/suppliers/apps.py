from django.apps import AppConfig


class SuppliersConfig(AppConfig):
    name = "conduct.apps.suppliers"
    label = "suppliers"
    verbose_name = "Suppliers"

    def ready(self) -> None:
        from conduct.apps.accounts.roles import register_permissions
        from conduct.apps.suppliers import providers  # noqa: F401 - registers supplier_for, audit_for, ...
        from conduct.apps.suppliers.permissions import PERMISSIONS

        register_permissions(PERMISSIONS)
