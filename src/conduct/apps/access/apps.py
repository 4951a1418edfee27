from django.apps import AppConfig


class AccessConfig(AppConfig):
    name = "conduct.apps.access"
    label = "access"
    verbose_name = "Device access"

    def ready(self) -> None:
        from conduct.apps.access.permissions import PERMISSIONS
        from conduct.apps.accounts.roles import register_permissions

        register_permissions(PERMISSIONS)
