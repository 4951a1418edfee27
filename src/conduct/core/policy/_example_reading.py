"""Reading a policy pack's examples (in a rule, or at the end of a rule file) into `PolicyExample`s, every
problem reported with the example's file, line and rule."""

from __future__ import annotations

import difflib
from collections.abc import Callable, Collection
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from conduct.core._yaml import LocatedDict

from ._decision import OUTCOMES
from ._examples import PolicyExample
from ._reference import ReferenceData
from ._screening import OwnerLink, OwnershipFact, ScreeningHit
from ._subjects import normalize_subject

EXAMPLE_KEYS = (
    "name",
    "gate",
    "subject",
    "screening",
    "ownership",
    "expect",
    "fires",
    "must_fire",
    "must_not_fire",
)
HIT_KEYS = ("list_name", "list_kind", "entry_id", "matched_name", "score")

Report = Callable[[str, int | None, str | None, str], None]  # file, line, rule id, message
Bad = Callable[..., None]


def suggest(word: str, options: Collection[str]) -> str:
    """ " (did you mean 'x'?)" for the closest of `options`, or nothing."""
    close = difflib.get_close_matches(word, list(options), n=1)
    return f" (did you mean {close[0]!r}?)" if close else ""


@dataclass(frozen=True)
class ExampleSource:
    """Where an example stands: its file and line, its rule (None for a file's own examples), the gates it
    may name, and its position."""

    file: str
    line: int
    rule_id: str | None
    gates: tuple[str, ...]
    index: int


def read_example(
    at: ExampleSource, data: Any, reference: ReferenceData, report: Report
) -> PolicyExample | None:
    """The example `data` describes, or None (after reporting why) when it cannot be run."""
    label = f"example {at.index + 1}"
    if isinstance(data, LocatedDict) and isinstance(data.get("name"), str):
        label = f"example {data['name']!r}"

    def bad(message: str, key: str | None = None) -> None:
        line = data.line_of(key) if key and isinstance(data, LocatedDict) else at.line
        report(at.file, line, at.rule_id, f"{label}: {message}")

    if not isinstance(data, LocatedDict):
        bad("must be a mapping with `subject` and `expect`")
        return None
    for key in data:
        if key not in EXAMPLE_KEYS or (key == "fires" and at.rule_id is None):
            bad(f"unknown key {key!r}{suggest(key, EXAMPLE_KEYS)}", key)
    gate = _gate(at, data, bad)
    if gate is None:
        return None
    expect = data.get("expect")
    if expect not in OUTCOMES:
        bad(f"`expect` must be one of: {', '.join(OUTCOMES)}", "expect")
    subject = data.get("subject")
    if not isinstance(subject, dict):
        bad("`subject` must be a mapping", "subject")
        return None
    _, field_errors = normalize_subject(gate, subject, reference)
    for error in field_errors:
        bad(f"subject field {error.path or '(subject)'}: {error.message}", "subject")
    must_fire, must_not_fire = _fire_lists(at, data, bad)
    screening = read_screening(data, bad)
    ownership = read_ownership(data, bad)
    if expect not in OUTCOMES:
        return None
    return PolicyExample(
        name=str(data.get("name") or f"{at.rule_id or Path(at.file).stem} example {at.index + 1}"),
        gate=gate,
        subject=subject,
        expect=str(expect),
        must_fire=tuple(must_fire),
        must_not_fire=tuple(must_not_fire),
        screening=screening,
        file=at.file,
        line=at.line,
        rule_id=at.rule_id,
        ownership=ownership,
    )


def _gate(at: ExampleSource, data: LocatedDict, bad: Bad) -> str | None:
    """The gate the example runs at (a rule's only gate when it names none)."""
    gate = data.get("gate")
    if gate is None and at.rule_id is not None and len(at.gates) == 1:
        gate = at.gates[0]
    if gate not in at.gates:
        allowed = ", ".join(at.gates) if at.gates else "none"
        bad(
            f"`gate` must name one of the gates the {'rule' if at.rule_id else 'pack'} applies to "
            f"({allowed})",
            "gate",
        )
        return None
    return str(gate)


def _fire_lists(at: ExampleSource, data: LocatedDict, bad: Bad) -> tuple[list[str], list[str]]:
    """The rules that must and must not fire; a rule's own example adds the rule by its `fires`."""
    must_fire = read_ids(data, "must_fire", bad)
    must_not_fire = read_ids(data, "must_not_fire", bad)
    fires = data.get("fires", True)
    if not isinstance(fires, bool):
        bad("`fires` must be true or false", "fires")
    elif at.rule_id is not None and "must_fire" not in data and "must_not_fire" not in data:
        (must_fire if fires else must_not_fire).append(at.rule_id)
    return must_fire, must_not_fire


def read_ids(data: LocatedDict, key: str, bad: Bad) -> list[str]:
    raw = data.get(key, [])
    if not isinstance(raw, list) or not all(isinstance(item, str) for item in raw):
        bad(f"`{key}` must be a list of rule ids", key)
        return []
    return list(raw)


def read_screening(data: LocatedDict, bad: Bad) -> dict[str, tuple[ScreeningHit, ...]]:
    """The screening hits the example's names get, by name."""
    raw = data.get("screening", {})
    if not isinstance(raw, dict):
        bad("`screening` must map a screened name to a list of hits", "screening")
        return {}
    result: dict[str, tuple[ScreeningHit, ...]] = {}
    for screened, hits in raw.items():
        if not isinstance(hits, list):
            bad(f"screening for {screened!r} must be a list of hits", "screening")
            continue
        parsed = [hit for hit in (_hit(str(screened), raw_hit, bad) for raw_hit in hits) if hit is not None]
        result[str(screened)] = tuple(parsed)
    return result


def _hit(screened: str, hit: Any, bad: Bad) -> ScreeningHit | None:
    unknown = [key for key in (hit if isinstance(hit, dict) else {}) if key not in HIT_KEYS]
    score = hit.get("score") if isinstance(hit, dict) else None
    kind = hit.get("list_kind") if isinstance(hit, dict) else None
    if unknown or not isinstance(kind, str) or isinstance(score, bool) or not isinstance(score, int | float):
        bad(
            f"each screening hit needs list_kind and score (0..1); allowed keys: {', '.join(HIT_KEYS)}",
            "screening",
        )
        return None
    assert isinstance(hit, dict)
    return ScreeningHit(
        list_name=str(hit.get("list_name") or kind),
        list_kind=kind,
        entry_id=str(hit.get("entry_id") or ""),
        matched_name=str(hit.get("matched_name") or screened),
        score=float(score),
    )


OWNER_KEYS = ("name", "share", "relation", "listed", "through")


def read_ownership(data: LocatedDict, bad: Bad) -> dict[str, OwnershipFact]:
    """What the example's screener knows of who owns its names: {name: {status, blocked_share, owners}}."""
    raw = data.get("ownership", {})
    if not isinstance(raw, dict):
        bad("`ownership` must map a screened name to {status, blocked_share, owners}", "ownership")
        return {}
    result: dict[str, OwnershipFact] = {}
    for screened, fact in raw.items():
        status = fact.get("status") if isinstance(fact, dict) else None
        share = fact.get("blocked_share", 0) if isinstance(fact, dict) else None
        owners = fact.get("owners", []) if isinstance(fact, dict) else None
        if (
            status not in ("blocked", "review", "clear")
            or isinstance(share, bool)
            or not isinstance(share, int | float)
            or not isinstance(owners, list)
            or not all(isinstance(o, dict) and set(o) <= set(OWNER_KEYS) and "name" in o for o in owners)
        ):
            bad(
                f"ownership for {screened!r} needs status (blocked, review or clear), blocked_share (0..100)"
                f" and owners [{{{', '.join(OWNER_KEYS)}}}]",
                "ownership",
            )
            continue
        assert isinstance(owners, list) and isinstance(share, int | float)
        links = tuple(
            OwnerLink(
                name=str(o["name"]),
                share=float(o["share"]) if isinstance(o.get("share"), int | float) else None,
                relation=str(o.get("relation") or "ownership"),
                listed=bool(o.get("listed", True)),
                through=str(o.get("through") or ""),
            )
            for o in owners
        )
        result[str(screened)] = OwnershipFact(str(status), float(share), links)
    return result
