from django.apps import AppConfig

from conduct.apps.accounts.roles import register_permissions
from conduct.apps.screening.permissions import PERMISSIONS


class ScreeningConfig(AppConfig):
    name = "conduct.apps.screening"
    label = "screening"
    verbose_name = "Watch-list screening"

    def ready(self) -> None:
        # Imported here, not at the top: models must be loaded first. Each module registers on import.
        from conduct.apps.screening import handlers, providers  # noqa: F401 - they register themselves

        register_permissions(PERMISSIONS)
