from django.apps import AppConfig

from conduct.apps.access.permissions import PERMISSIONS
from conduct.apps.accounts.roles import register_permissions


class AccessConfig(AppConfig):
    name = "conduct.apps.access"
    label = "access"
    verbose_name = "Device access"

    def ready(self) -> None:
        from conduct.apps.access import providers  # noqa: F401 - registers the device-model provider

        register_permissions(PERMISSIONS)
