"""Requirement URNs: `urn:conduct:<framework>:<id>`, the stable key other packages use for requirements."""

from __future__ import annotations

import re

URN_PREFIX = "urn:conduct:"

# A framework slug is the digest file's stem: lower-case words joined by underscores (e.g. `etsi_en_303_645`).
SLUG_PATTERN = re.compile(r"[a-z][a-z0-9_]*")
# A requirement id as it appears in its digest (e.g. `5.1-1`, `SA8000-9.10`, `UNGP-31b`, `A1.1`).
ID_PATTERN = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]*")
URN_PATTERN = re.compile(r"urn:conduct:(?P<framework>[a-z][a-z0-9_]*):(?P<id>[A-Za-z0-9][A-Za-z0-9._-]*)")


def make_urn(framework: str, requirement_id: str) -> str:
    """Build the URN of a requirement; raises ValueError when either part is malformed."""
    if not SLUG_PATTERN.fullmatch(framework):
        raise ValueError(f"invalid framework slug {framework!r}: use lower-case letters, digits and '_'")
    if not ID_PATTERN.fullmatch(requirement_id):
        raise ValueError(f"invalid requirement id {requirement_id!r}: use letters, digits, '.', '-' and '_'")
    return f"{URN_PREFIX}{framework}:{requirement_id}"


def parse_urn(urn: str) -> tuple[str, str]:
    """Split a requirement URN into (framework slug, requirement id); raises ValueError when malformed."""
    match = URN_PATTERN.fullmatch(urn)
    if match is None:
        raise ValueError(
            f"invalid requirement URN {urn!r}: expected urn:conduct:<framework>:<id>, where <framework> is "
            "lower-case letters, digits and '_' and <id> is letters, digits, '.', '-' and '_'"
        )
    return match["framework"], match["id"]
