from django.apps import AppConfig

from conduct.apps.accounts.roles import register_permissions
from conduct.apps.grievances.permissions import PERMISSIONS


class GrievancesConfig(AppConfig):
    name = "conduct.apps.grievances"
    label = "grievances"
    verbose_name = "Grievances"

    def ready(self) -> None:
        register_permissions(PERMISSIONS)
