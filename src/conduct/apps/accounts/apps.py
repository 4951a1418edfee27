from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "conduct.apps.accounts"
    label = "accounts"
    verbose_name = "Organisation and accounts"
