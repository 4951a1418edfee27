from django.apps import AppConfig


class GovernanceConfig(AppConfig):
    name = "conduct.apps.governance"
    label = "governance"
    verbose_name = "Governance"
