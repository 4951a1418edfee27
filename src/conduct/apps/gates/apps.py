from typing import Any

from django.apps import AppConfig
from django.core import checks

from conduct.apps.gates.pack import current_pack
from conduct.core.policy import PolicyError


class GatesConfig(AppConfig):
    name = "conduct.apps.gates"
    label = "gates"
    verbose_name = "Compliance gates"

    def ready(self) -> None:
        # Handlers and providers import the services, hence the models: only once the registry is ready.
        from conduct.apps.gates import handlers, providers  # noqa: F401

        providers.register()
        checks.register(check_policy_pack, "conduct")


def check_policy_pack(app_configs: Any = None, **kwargs: Any) -> list[checks.CheckMessage]:
    """Refuse to start with a policy pack that does not load: every gate would fail."""
    try:
        current_pack()
    except PolicyError as exc:
        return [checks.Error(f"The policy pack does not load:\n{exc}", id="conduct.E001")]
    return []
