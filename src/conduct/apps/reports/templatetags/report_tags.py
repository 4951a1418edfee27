from typing import Any

from django import template
from django.utils.translation import gettext_lazy as _

register = template.Library()

# The salience bands (conduct.core.risk) as people read them; the stored value stays English.
BANDS = {"critical": _("critical"), "high": _("high"), "medium": _("medium"), "low": _("low")}


@register.filter
def get_item(mapping: dict[str, Any], key: str) -> Any:
    return mapping.get(key, key)


@register.filter
def band_label(band: str) -> str:
    return str(BANDS.get(band, band))
