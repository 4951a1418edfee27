from django.apps import AppConfig

from conduct.apps.accounts.roles import register_permissions
from conduct.apps.screening.permissions import PERMISSIONS


class ScreeningConfig(AppConfig):
    name = "conduct.apps.screening"
    label = "screening"
    verbose_name = "Watch-list screening"

    def ready(self) -> None:
        # Imported here, not at the top: models must be loaded first. Each module registers on import.
        from conduct.apps.screening import dictionary, handlers, providers  # noqa: F401 - they register
        from conduct.core.screening import use_dictionary_file

        register_permissions(PERMISSIONS)
        use_dictionary_file(dictionary.open_file)  # opened on the first name looked up, not here
