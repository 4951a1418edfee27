"""How a ledger entry's change reads on the page: one line per field, values as compact JSON, not Python
reprs."""

from __future__ import annotations

import json
from typing import Any

from django import template

register = template.Library()


def _text(value: Any) -> str:
    if isinstance(value, str):
        return value
    if isinstance(value, list) and all(isinstance(v, str | int | float) for v in value):
        return ", ".join(str(v) for v in value) if value else "—"
    return json.dumps(value, ensure_ascii=False, sort_keys=True, default=str)


@register.filter
def change_lines(summary: Any) -> list[tuple[str, str]]:
    """The (field, text) pairs of a ledger entry's summary, in field order."""
    if not isinstance(summary, dict):
        return [("", _text(summary))] if summary not in (None, "") else []
    return [(str(key), _text(value)) for key, value in sorted(summary.items())]
