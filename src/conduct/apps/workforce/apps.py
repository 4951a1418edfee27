from django.apps import AppConfig

from conduct.apps.accounts.roles import register_permissions
from conduct.apps.workforce.permissions import PERMISSIONS


class WorkforceConfig(AppConfig):
    name = "conduct.apps.workforce"
    label = "workforce"
    verbose_name = "Own operations (workforce)"

    def ready(self) -> None:
        register_permissions(PERMISSIONS)
