from django.apps import AppConfig

from conduct.apps.accounts.roles import register_permissions
from conduct.apps.engagement.permissions import PERMISSIONS


class EngagementConfig(AppConfig):
    name = "conduct.apps.engagement"
    label = "engagement"
    verbose_name = "Regulators and partners (engagement)"

    def ready(self) -> None:
        register_permissions(PERMISSIONS)
