"""English and Simplified Chinese ship together (issue 22): each app's templates hold no text outside the
translation tags, and each app's zh_Hans catalogue is complete, has no fuzzy entry and is compiled.

An app still being translated is listed in PENDING; `I18N_APPS=a,b pytest tests/test_i18n.py` checks just
those apps (for whoever is translating them)."""

from __future__ import annotations

import gettext
import os
import re
from pathlib import Path

import polib
import pytest

APPS = Path(__file__).resolve().parents[1] / "src" / "conduct" / "apps"
ALL_APPS = sorted(p.name for p in APPS.iterdir() if p.is_dir() and any(p.rglob("*.html")))
PENDING: set[str] = set()
CHECKED = [a for a in os.environ.get("I18N_APPS", "").split(",") if a] or [
    a for a in ALL_APPS if a not in PENDING
]

# Words that read the same in both languages: names, acronyms, standard and format names.
SAME_IN_BOTH = {
    "Conduct",
    "API",
    "CSV",
    "JSON",
    "PDF",
    "SVG",
    "HTML",
    "SBOM",
    "SBOMs",
    "VEX",
    "CVE",
    "CVEs",
    "KEV",
    "CVSS",
    "CSAF",
    "ETSI",
    "EN",
    "PSTI",
    "UK",
    "ISO",
    "SA8000",
    "UNGP",
    "UNGPs",
    "OSCAL",
    "CycloneDX",
    "SPDX",
    "OFAC",
    "SDN",
    "UN",
    "EU",
    "US",
    "BIS",
    "DPL",
    "CSL",
    "RFC",
    "ID",
    "URL",
    "URN",
    "SHA",
    "TOTP",
    "OK",
    "LTIFR",
    "TRIR",
    "GRI",
    "HS",
    "SKU",
    "PEP",
    "FtM",
    "SA",
    "VR",
}
_TAG_BLOCKS = re.compile(
    r"{%\s*blocktranslate\b.*?{%\s*endblocktranslate\s*%}|{%\s*comment\s*%}.*?{%\s*endcomment\s*%}|"
    r"<script\b.*?</script>|<style\b.*?</style>|<svg\b.*?</svg>",
    re.S,
)
_TAGS = re.compile(r"{%.*?%}|{{.*?}}|{#.*?#}", re.S)
_ATTRS = re.compile(r"""\b(?:aria-label|title|placeholder|alt)\s*=\s*"([^"]*)\"""")
_HTML = re.compile(r"<[^>]*>", re.S)
_ENTITY = re.compile(r"&[#a-zA-Z0-9]+;")
_WORD = re.compile(r"[A-Za-z][A-Za-z'’-]*")


def untranslated_text(source: str) -> list[str]:
    """Runs of English words in a template outside {% translate %} / {% blocktranslate %} and outside
    template variables, in text or in the attributes people read (aria-label, title, placeholder, alt)."""
    source = _TAG_BLOCKS.sub(" ", source)
    found = []
    for value in _ATTRS.findall(source):
        found.append(_TAGS.sub(" ", value))
    text = _HTML.sub(" ", source)
    found.append(_TAGS.sub(" ", text))
    problems = []
    for chunk in found:
        for line in _ENTITY.sub(" ", chunk).splitlines():
            words = [w for w in _WORD.findall(line) if w not in SAME_IN_BOTH]
            if words:
                problems.append(" ".join(line.split()))
    return problems


def _templates(app: str) -> list[Path]:
    return sorted((APPS / app).rglob("*.html"))


@pytest.mark.parametrize("app", CHECKED)
def test_templates_hold_no_text_outside_the_translation_tags(app: str) -> None:
    offenders = {}
    for path in _templates(app):
        problems = untranslated_text(path.read_text(encoding="utf-8"))
        if problems:
            offenders[str(path.relative_to(APPS))] = problems[:5]
    assert offenders == {}


@pytest.mark.parametrize("app", CHECKED)
def test_the_chinese_catalogue_is_complete_and_compiled(app: str) -> None:
    folder = APPS / app / "locale" / "zh_Hans" / "LC_MESSAGES"
    catalogue = polib.pofile(str(folder / "django.po"))
    assert [e.msgid for e in catalogue.untranslated_entries()] == []
    assert [e.msgid for e in catalogue.fuzzy_entries()] == []
    with (folder / "django.mo").open("rb") as compiled:
        mo = gettext.GNUTranslations(compiled)
    for entry in catalogue.translated_entries():
        if entry.msgid_plural:
            continue
        key = f"{entry.msgctxt}\x04{entry.msgid}" if entry.msgctxt else entry.msgid
        assert mo._catalog.get(key) == entry.msgstr, f"django.mo is older than django.po: {entry.msgid!r}"  # type: ignore[attr-defined]


def test_the_checker_finds_bare_text_and_passes_translated_text() -> None:
    bare = '<p>Hello there</p><a aria-label="Close it">x</a>'
    assert untranslated_text(bare) == ["Close it", "Hello there x"]
    done = (
        '{% load i18n %}<p>{% translate "Hello there" %}</p>'
        "{% blocktranslate %}Hi {{ name }}{% endblocktranslate %}<p>{{ value }} CSV · API</p>"
    )
    assert untranslated_text(done) == []
