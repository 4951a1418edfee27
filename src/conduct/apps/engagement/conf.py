"""The engagement module's settings, with defaults: settings.CONDUCT, then the environment."""

from __future__ import annotations

import os

from django.conf import settings
from django.utils.translation import gettext as _

from conduct.config.env import ConfigError

_DEFAULTS: dict[str, object] = {
    # The org unit (by code) whose liaisons make the legal review of answers to regulators.
    "ENGAGEMENT_LEGAL_UNIT": "hq-legal",
    # Largest accepted correspondence document.
    "ENGAGEMENT_FILE_MAX_BYTES": 10 * 1024 * 1024,
}


def _get(name: str) -> object:
    conduct = getattr(settings, "CONDUCT", {})
    if name in conduct:
        return conduct[name]
    raw = os.environ.get(name)
    if raw is None or raw.strip() == "":
        return _DEFAULTS[name]
    if isinstance(_DEFAULTS[name], int):
        try:
            return int(raw)
        except ValueError:
            raise ConfigError(
                _("%(name)s must be a whole number, got %(value)s") % {"name": name, "value": repr(raw)}
            ) from None
    return raw.strip()


def legal_unit_code() -> str:
    return str(_get("ENGAGEMENT_LEGAL_UNIT"))


def file_max_bytes() -> int:
    return int(_get("ENGAGEMENT_FILE_MAX_BYTES"))  # type: ignore[call-overload]
