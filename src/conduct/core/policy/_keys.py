"""How a vocabulary name (a capability, a deployment purpose) becomes its id."""

from __future__ import annotations

import re


def vocabulary_key(name: str) -> str:
    """Lower case; spaces, hyphens, dots and slashes read as underscores (runs collapsed, ends trimmed)."""
    return re.sub(r"_+", "_", re.sub(r"[\s\-./]+", "_", name.strip().lower())).strip("_")
