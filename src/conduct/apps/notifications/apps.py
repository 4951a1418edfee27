from django.apps import AppConfig

from conduct.apps.accounts.roles import Role, register_permissions


class NotificationsConfig(AppConfig):
    name = "conduct.apps.notifications"
    label = "notifications"
    verbose_name = "Notifications"

    def ready(self) -> None:
        # Everyone who can log in has an inbox of their own.
        register_permissions({"notifications.own": frozenset(Role.values)})
