"""The plain fields of a rule (its keys, id, title, outcome, severity and committee), checked."""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

from conduct.core._yaml import LocatedDict

from ._decision import OUTCOMES, SEVERITIES
from ._example_reading import suggest

Bad = Callable[[str | None, str], None]  # (the key concerned or None, message)

RULE_ID_PATTERN = re.compile(r"^[a-z0-9]+(?:[._-][a-z0-9]+)*$")
SLUG_PATTERN = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
RULE_KEYS = (
    "id",
    "title",
    "description",
    "gates",
    "for_each",
    "when",
    "outcome",
    "severity",
    "message",
    "refer_to",
    "conditions",
    "cites",
    "examples",
)
REQUIRED_RULE_KEYS = ("id", "title", "gates", "when", "outcome", "severity", "message", "cites")


def check_rule_keys(data: LocatedDict, raw_id: Any, rule_id: str | None, bad: Bad) -> None:
    """Unknown and missing keys, the id's form and the title."""
    for key in data:
        if key not in RULE_KEYS:
            bad(key, f"unknown key {key!r}{suggest(key, RULE_KEYS)}")
    for key in REQUIRED_RULE_KEYS:
        if key not in data:
            bad(None, f"missing required key {key!r}")
    if "id" in data and rule_id is None:
        bad("id", f"rule id {raw_id!r} must be lower case words joined by '.', '_' or '-'")
    title = data.get("title")
    if "title" in data and (not isinstance(title, str) or not title.strip()):
        bad("title", "`title` must be a non-empty string")


def read_verdict(data: LocatedDict, bad: Bad) -> tuple[Any, Any, Any]:
    """The rule's outcome, severity and the committee it refers to (as written; problems reported)."""
    outcome, severity = data.get("outcome"), data.get("severity")
    if "outcome" in data and outcome not in OUTCOMES:
        bad("outcome", f"outcome {outcome!r} must be one of: {', '.join(OUTCOMES)}")
    if "severity" in data and severity not in SEVERITIES:
        bad("severity", f"severity {severity!r} must be one of: {', '.join(SEVERITIES)}")
    refer_to = data.get("refer_to")
    if refer_to is not None and (not isinstance(refer_to, str) or not SLUG_PATTERN.match(refer_to)):
        bad(
            "refer_to",
            f"refer_to {refer_to!r} must be a committee slug like 'technical-ethics-committee'",
        )
    return outcome, severity, refer_to
