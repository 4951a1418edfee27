"""What the pipeline client and the commands it shares its output with print, in the CLI's language, without
Django: the shared catalogue (src/conduct/locale, the `django` domain) read with the standard library's
gettext. The language is the CLI's (conduct.cli.cli_language: CONDUCT_LANGUAGE, else LC_ALL / LC_MESSAGES /
LANG; zh* is Simplified Chinese)."""

from __future__ import annotations

import gettext
import os
from functools import lru_cache
from pathlib import Path

LOCALE = Path(__file__).resolve().parents[1] / "locale"


def _language() -> str | None:
    value = os.environ.get("CONDUCT_LANGUAGE", "").strip()
    if not value:
        value = next((os.environ[k] for k in ("LC_ALL", "LC_MESSAGES", "LANG") if os.environ.get(k)), "")
    return "zh_Hans" if value.strip().lower().startswith("zh") else None


@lru_cache(maxsize=4)
def _catalogue(language: str | None) -> gettext.NullTranslations:
    if language is None:
        return gettext.NullTranslations()
    return gettext.translation("django", localedir=str(LOCALE), languages=[language], fallback=True)


def _(message: str) -> str:
    """`message` in the CLI's language (English when the catalogue has no entry)."""
    return _catalogue(_language()).gettext(message)
