"""A translation hook for the messages conduct.core prints through a command (conduct evidence verify), which
runs before and without Django: core keeps its messages as English templates with named parameters
(`Message`), str() of which is the English text, and the printing layer renders them with `translate`, the
CLI's catalogue once conduct.cli has called set_translator (identity until then, so core stays English and
stdlib-only). Templates are marked with `noop` so they read as messages."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
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


@dataclass(frozen=True)
class Message:
    """An English template with named parameters: str() gives the English text, translated() the CLI's."""

    template: str
    params: dict[str, Any] = field(default_factory=dict)

    def __str__(self) -> str:
        return self.template.format(**self.params)

    def translated(self) -> str:
        return translate(self.template).format(
            **{k: v.translated() if isinstance(v, Message) else v for k, v in self.params.items()}
        )


def message(template: str, **params: Any) -> Message:
    return Message(template, params)
