"""A translation hook for the messages conduct.core prints through a command (conduct evidence verify), which
runs before and without Django: core keeps its messages as English templates with named parameters
(`Message`), str() of which is the English text, and the printing layer renders them with `translate`, the
CLI's catalogue once conduct.cli has called set_translator (identity until then, so core stays English and
stdlib-only). Templates are marked with `noop` so they read as messages."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

_translator: Callable[[str], str] = str


def set_translator(translator: Callable[[str], str]) -> None:
    """Render core's messages with `translator` (e.g. conduct.pipeline._i18n._) from now on."""
    global _translator
    _translator = translator


def translate(template: str) -> str:
    """`template` in the language set with set_translator (unchanged by default)."""
    return _translator(template)


def noop(template: str) -> str:
    """Marks an English template for the catalogue; translated when printed."""
    return template


class Message(str):
    """An English template with named parameters. It is the English text (a str, so it goes wherever core's
    messages went: fields, exceptions, JSON); translated() gives it in the CLI's language, parameters that
    are Messages too. Text built from it (f-strings, concatenation) is plain English."""

    template: str
    params: dict[str, Any]

    def __new__(cls, template: str, params: dict[str, Any]) -> Message:
        obj = super().__new__(cls, template.format(**params))
        obj.template, obj.params = template, params
        return obj

    def __getnewargs__(self) -> tuple[str, dict[str, Any]]:  # type: ignore[override]  # copy and pickle
        return self.template, self.params

    def translated(self) -> str:
        return translate(self.template).format(**{k: localized(v) for k, v in self.params.items()})


def localized(text: object) -> object:
    """`text` in the CLI's language when it is a Message; anything else as it is."""
    return text.translated() if isinstance(text, Message) else text


def message(template: str, **params: Any) -> Message:
    return Message(template, params)
