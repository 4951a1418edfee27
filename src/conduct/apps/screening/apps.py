from django.apps import AppConfig


class ScreeningConfig(AppConfig):
    name = "conduct.apps.screening"
    label = "screening"
    verbose_name = "Watch-list screening"

    def ready(self) -> None:
        from conduct.apps.accounts.roles import register_permissions
        from conduct.apps.screening.permissions import PERMISSIONS

        register_permissions(PERMISSIONS)
