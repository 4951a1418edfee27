"""A notification's text in the language of whoever reads it.

A service that notifies people builds the text with `message(gettext_lazy("... %(ref)s ..."), ref=...)`
instead of a finished string: the notification keeps the English source (the msgid) and its values, and
each reader's page and email renders it in that reader's language (`User.language`, else the browser's, and
for email the site's `LANGUAGE_CODE`). A value may itself be a lazy translatable label (a status, a kind);
it is translated at render time too. The stored `text` is the English rendering (search, logs, older rows).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from django.utils import translation
from django.utils.functional import Promise
from django.utils.translation import gettext

Params = dict[str, Any]


def _source(value: Promise | str) -> str:
    """The English source of a lazy translatable string (its msgid), whatever language is active."""
    with translation.override(None):
        return str(value)


@dataclass(frozen=True)
class Lowered:
    """A label used inside a sentence: translated, then lower-cased (a no-op in Chinese)."""

    label: Promise | str


def lowered(label: Promise | str) -> Lowered:
    return Lowered(label)


def _stored(value: object) -> object:
    if isinstance(value, Lowered):
        return {"msgid": _source(value.label), "lower": True}
    if isinstance(value, Promise):
        return {"msgid": _source(value)}
    if isinstance(value, datetime):
        return value.isoformat(timespec="minutes")
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, int | float) and not isinstance(value, bool):
        return value
    return str(value)


@dataclass(frozen=True)
class Message:
    """A translatable text and its values, rendered when (and in the language) it is read."""

    msgid: str
    params: Params = field(default_factory=dict)

    def render(self, language: str | None = None) -> str:
        if language:
            with translation.override(language):
                return self.render()
        values = {k: _value(v) for k, v in self.params.items()}
        template = gettext(self.msgid) if self.msgid else ""
        try:
            return template % values if values else template
        except (KeyError, ValueError, TypeError):  # a catalogue entry that lost a placeholder
            return self.msgid % values if values else self.msgid

    def __str__(self) -> str:
        return self.render()


def _value(stored: object) -> object:
    if not isinstance(stored, dict):
        return stored
    text = gettext(str(stored.get("msgid", "")))
    return text.lower() if stored.get("lower") else text


def message(text: Promise | str, **params: object) -> Message:
    """`message(gettext_lazy("%(ref)s is overdue (%(due)s)."), ref=r.ref, due=r.due)`."""
    return Message(_source(text), {k: _stored(v) for k, v in params.items()})


def from_row(template: str, params: Mapping[str, Any] | None, text: str) -> str:
    """What a stored notification reads in the active language (rows written before messages: their text)."""
    if not template:
        return text
    return Message(template, dict(params or {})).render()
