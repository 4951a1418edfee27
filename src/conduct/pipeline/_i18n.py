"""What the pipeline client and the commands it shares its output with print, in the CLI's language, without
Django: the shared catalogue (src/conduct/locale, the `django` domain) read with the standard library's
gettext. The language is the CLI's (conduct.cli.cli_language: CONDUCT_LANGUAGE, else LC_ALL / LC_MESSAGES /
LANG; zh* is Simplified Chinese). translate_argparse puts argparse's own words in that language too."""

from __future__ import annotations

import argparse
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


def ngettext(singular: str, plural: str, n: int) -> str:
    """`singular` or `plural` (by `n`) in the CLI's language."""
    return _catalogue(_language()).ngettext(singular, plural, n)


def translate_argparse() -> None:
    """argparse's own words ("usage:", "options", "show this help message and exit", "the following
    arguments are required", ...) in the CLI's language, for every parser built after this call (the
    pipeline's, Django's commands', evidence verify's). argparse looks them up through its module globals
    `_` and `ngettext` (the standard library's gettext in the default domain, which Conduct does not
    install), so they are pointed at the shared catalogue. English leaves argparse as it is."""
    if _language() is not None:
        vars(argparse).update({"_": _, "ngettext": ngettext})
