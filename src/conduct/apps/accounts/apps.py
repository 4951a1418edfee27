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
