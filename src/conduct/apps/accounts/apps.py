from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "conduct.apps.accounts"
    label = "accounts"
    verbose_name = "Organisation and accounts"

    def ready(self) -> None:
        from django.contrib.auth.signals import user_logged_in, user_logged_out

        from conduct.apps.accounts import sessions

        user_logged_in.connect(sessions.record_sign_in, dispatch_uid="conduct-session-in")
        user_logged_out.connect(sessions.record_sign_out, dispatch_uid="conduct-session-out")
        check_mfa_roles()


def check_mfa_roles() -> None:
    """MFA_REQUIRED_ROLES names roles Conduct knows: a misspelt one would silently require nobody."""
    from django.conf import settings
    from django.core.exceptions import ImproperlyConfigured
    from django.utils.translation import gettext as _

    from conduct.apps.accounts.roles import Role

    unknown = [name for name in settings.MFA_REQUIRED_ROLES if name not in Role.values]
    if unknown:
        raise ImproperlyConfigured(
            _("MFA_REQUIRED_ROLES: %(unknown)s is not a role (roles: %(roles)s; or none)")
            % {"unknown": ", ".join(unknown), "roles": ", ".join(Role.values)}
        )
