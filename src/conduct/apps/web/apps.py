from django.apps import AppConfig


class WebConfig(AppConfig):
    name = "conduct.apps.web"
    label = "web"
    verbose_name = "Web shell"
