from django.apps import AppConfig

from conduct.apps.accounts.roles import register_permissions
from conduct.apps.catalog.permissions import PERMISSIONS


class CatalogConfig(AppConfig):
    name = "conduct.apps.catalog"
    label = "catalog"
    verbose_name = "Frameworks, controls and assessments"

    def ready(self) -> None:

        register_permissions(PERMISSIONS)
