"""Dotted paths: finding the ones a CEL expression reads, resolving them, and `{path}` message templates."""

from __future__ import annotations

import json
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

_PATH = re.compile(r"^[A-Za-z_]\w*(?:\.\w+)*$")
_PLACEHOLDER = re.compile(r"\{\{|\}\}|\{([^{}]*)\}|[{}]")

MISSING = object()


def is_path(text: str) -> bool:
    return bool(_PATH.match(text))


def resolve(scope: Mapping[str, Any], path: str) -> Any:
    """The value at a dotted path (numeric parts index lists), or MISSING."""
    return resolve_parts(scope, path.split("."))


def resolve_parts(scope: Mapping[str, Any], parts: Sequence[str]) -> Any:
    """`resolve` for a path already split at its dots."""
    value: Any = scope
    for part in parts:
        if isinstance(value, dict):  # the engine's own data is plain dicts and lists: keep this path fast
            if part not in value:
                return MISSING
            value = value[part]
        elif isinstance(value, Mapping) and part in value:
            value = value[part]
        elif (
            isinstance(value, Sequence)
            and not isinstance(value, str)
            and part.isdigit()
            and int(part) < len(value)
        ):
            value = value[int(part)]
        else:
            return MISSING
    return value


def format_value(value: Any) -> str:
    kind = type(value)
    if kind is str:
        return str(value)
    if kind is int:
        return str(value)
    if kind is list or kind is tuple:
        return ", ".join(format_value(item) for item in value) if value else "none"
    if value is MISSING:
        return "?"
    if value is None:
        return "none"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float):
        return f"{value:g}"
    if isinstance(value, str | int):
        return str(value)
    if isinstance(value, Sequence):
        return ", ".join(format_value(item) for item in value) if value else "none"
    if isinstance(value, Mapping):
        return json.dumps(value, sort_keys=True, default=str)
    return str(value)


@dataclass(frozen=True)
class Template:
    """A message with `{dotted.path}` placeholders; `{{` and `}}` are literal braces."""

    source: str
    parts: tuple[tuple[bool, str], ...]  # (is_placeholder, text or path)

    @property
    def paths(self) -> tuple[str, ...]:
        return tuple(text for is_path_part, text in self.parts if is_path_part)

    def render(self, scope: Mapping[str, Any], resolved: Mapping[str, Any] | None = None) -> str:
        """The message with each placeholder's value; `resolved` may hold values already looked up."""
        text = ""
        for is_path_part, part in self.parts:
            if not is_path_part:
                text += part
            elif resolved is not None and part in resolved:
                text += format_value(resolved[part])
            else:
                text += format_value(resolve(scope, part))
        return text


def parse_template(source: str, roots: set[str]) -> tuple[Template, list[str]]:
    """Parse a message template; the second value lists problems (bad braces, unknown roots)."""
    parts: list[tuple[bool, str]] = []
    problems: list[str] = []
    position = 0
    for match in _PLACEHOLDER.finditer(source):
        if match.start() > position:
            parts.append((False, source[position : match.start()]))
        token = match.group(0)
        if token in ("{{", "}}"):
            parts.append((False, token[0]))
        elif token in ("{", "}"):
            problems.append(
                f"unbalanced {token!r} at column {match.start() + 1} (write {token * 2} for a literal brace)"
            )
        else:
            path = match.group(1).strip()
            if not is_path(path):
                problems.append(f"placeholder {{{match.group(1)}}} is not a dotted path")
            elif path.split(".")[0] not in roots:
                problems.append(f"placeholder {{{path}}} must start with one of: {', '.join(sorted(roots))}")
            else:
                parts.append((True, path))
        position = match.end()
    if position < len(source):
        parts.append((False, source[position:]))
    return Template(source, tuple(parts)), problems
