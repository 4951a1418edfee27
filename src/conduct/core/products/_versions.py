"""Version order for firmware components: one comparator for the schemes real CNAs and SBOMs use.

OpenSSL letter releases (1.1.1 < 1.1.1a < 1.1.1k < 1.1.1z < 1.1.1za), BusyBox, curl, zlib and glibc dotted
numbers, Dropbear's year.release (2020.81), semver pre-releases (1.0.0-rc1 < 1.0.0), vendor firmware strings
(V2.3.8-6, V1.4.0_build221212) and wildcards in published ranges (V2.X, 3.39.x).
"""

from __future__ import annotations

import re
from functools import lru_cache

# Rank of a part: a pre-release word sorts before a number (a missing part reads as the number 0, so
# 1.0 == 1.0.0 and 1.0.0-rc1 < 1.0.0), a letter suffix (OpenSSL's 1.1.1k) after every number, and a wildcard
# (x, *) above everything at its place.
_PRE, _NUMBER, _LETTER, _WILD = 0, 1, 2, 3
_PRE_ORDER = {"dev": 0, "alpha": 1, "a": 1, "beta": 2, "b": 2, "pre": 3, "preview": 3, "rc": 4, "c": 4}
_TOKEN = re.compile(r"\d+|[a-z]+|[*]")
_SEPARATORS = re.compile(r"[.\-_+~:/ ]")

Part = tuple[int, int, str]
VersionKey = tuple[Part, ...]


def _strip_prefix(text: str) -> str:
    text = text.strip().lower()
    if text.startswith("v") and len(text) > 1 and (text[1].isdigit() or text[1] == "."):
        text = text[1:].lstrip(".")
    return text


@lru_cache(maxsize=262_144)
def version_key(version: str) -> VersionKey:
    """The parts of `version` ("v" prefix and separators dropped); compare keys with `key_compare`."""
    text = _strip_prefix(version)
    parts: list[Part] = []
    position = 0
    for match in _TOKEN.finditer(text):
        gap = text[position : match.start()]
        separated = bool(_SEPARATORS.search(gap)) or position == 0
        token = match.group()
        position = match.end()
        if token.isdigit():
            parts.append((_NUMBER, int(token), ""))
        elif token in {"x", "*"} and (separated or not parts):
            parts.append((_WILD, 0, ""))
        elif separated and token in _PRE_ORDER and parts:
            # "-rc1", ".beta2": a pre-release of what came before
            parts.append((_PRE, _PRE_ORDER[token], token))
        elif token == "build":  # noqa: S105 - a version word
            continue  # "V1.4.0_build221212": the build number follows as a number
        else:
            parts.append((_LETTER, 0, token))  # OpenSSL "1.1.1k": a later release of 1.1.1
    return tuple(parts)


def _pad(key: VersionKey, size: int) -> VersionKey:
    return key + ((_NUMBER, 0, ""),) * (size - len(key))


def compare(left: str, right: str) -> int:
    """-1, 0 or 1 as `left` is older than, the same as or newer than `right`."""
    a, b = version_key(left), version_key(right)
    size = max(len(a), len(b))
    a, b = _pad(a, size), _pad(b, size)
    return (a > b) - (a < b)


_WIDTH = 16


@lru_cache(maxsize=262_144)
def sort_key(version: str) -> VersionKey:
    """A key that compares with plain tuple order (padded to a fixed width, so 1.0 == 1.0.0)."""
    key = version_key(version)
    return _pad(key, max(_WIDTH, len(key)))


@lru_cache(maxsize=262_144)
def lower_bound_key(version: str) -> VersionKey:
    """A published lower bound with its wildcards dropped ("V2.X" starts at 2), padded like `sort_key`."""
    key = version_key(version)
    while key and key[-1][0] == _WILD:
        key = key[:-1]
    return _pad(key, max(_WIDTH, len(key)))


@lru_cache(maxsize=262_144)
def is_version(text: str) -> bool:
    """Whether `text` reads as a version: a number, no spaces, and no word of three or more letters beyond
    the few versions use (OpenSSL's letters, "build", pre-release words)."""
    cleaned = _strip_prefix(text)
    if not cleaned or " " in cleaned or len(cleaned) > 64 or not re.search(r"\d", cleaned):
        return False
    words = re.findall(r"[a-z]{3,}", cleaned)
    return all(w in _PRE_ORDER or w in {"build", "patch"} for w in words)


def key_compare(a: VersionKey, b: VersionKey) -> int:
    size = max(len(a), len(b))
    pa, pb = _pad(a, size), _pad(b, size)
    return (pa > pb) - (pa < pb)
