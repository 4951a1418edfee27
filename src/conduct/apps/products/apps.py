from django.apps import AppConfig

from conduct.apps.accounts.roles import register_permissions
from conduct.apps.products.permissions import PERMISSIONS


class ProductsConfig(AppConfig):
    name = "conduct.apps.products"
    label = "products"
    verbose_name = "Products"

    def ready(self) -> None:
        from conduct.apps.products import providers  # noqa: F401 - registers the gate's release provider

        register_permissions(PERMISSIONS)
