from django.apps import AppConfig

from conduct.apps.accounts.roles import INTERNAL_ROLES, Role, register_permissions, roles


class GovernanceConfig(AppConfig):
    name = "conduct.apps.governance"
    label = "governance"
    verbose_name = "Governance"

    def ready(self) -> None:
        # Handlers and providers import the services, hence the models: only once the registry is ready.
        from conduct.apps.governance import handlers, providers  # noqa: F401

        providers.register()
        staff = roles(Role.ADMIN, Role.COMPLIANCE_OFFICER)
        # Everyone inside the company but the auditor may take part in a case they can see; voting also
        # needs a seat on the case's committee (checked by the service).
        workers = INTERNAL_ROLES - roles(Role.AUDITOR)
        register_permissions(
            {
                "cases.open": staff,
                "cases.manage": staff,
                "cases.decide": roles(Role.COMPLIANCE_OFFICER),
                "cases.vote": workers,
                "cases.participate": workers,
                "recommendations.view": INTERNAL_ROLES,
                "recommendations.create": staff,
                "recommendations.update": roles(Role.ADMIN, Role.COMPLIANCE_OFFICER, Role.LIAISON),
                "recommendations.escalate": staff,
            }
        )
