"""Deployment purposes (data/catalog/purposes.yaml) and what a sales deal's deployment says about them.

A deal states its purposes as ids picked from the vocabulary (`deployment.purposes`), and may keep the
customer's own words in `deployment.purpose`. The facts the rules read:

- `purposes`: the stated ids; `prohibited_purposes`, `high_purposes`, `unknown_purposes`: the ids by tier
  (an id the vocabulary does not know is "unknown", never guessed);
- `purpose_mentions`: for each prohibited purpose that the free text mentions but the list does not state,
  `{id, title, term}` — the term found. Latin-script terms match whole words, case- and accent-insensitively;
  Chinese terms match as substrings.
"""

from __future__ import annotations

import functools
import re
import unicodedata
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from conduct.core._yaml import LocatedDict, LocatedList

from ._keys import vocabulary_key

PURPOSES_FILE = "catalog/purposes.yaml"
PURPOSE_TIERS = ("prohibited", "high", "standard")
_ID = re.compile(r"^[a-z][a-z0-9_]*$")
_CJK = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]")


@dataclass(frozen=True)
class Purpose:
    id: str
    tier: str
    title: str
    cites: tuple[str, ...] = ()
    terms: tuple[str, ...] = ()


def purpose_key(name: str) -> str:
    """A purpose name as an id, normalised as capability names are."""
    return vocabulary_key(name)


@functools.lru_cache(maxsize=4096)
def _fold(text: str) -> str:
    """Lower case, accents dropped, every run of punctuation or space read as one space, padded with spaces so
    that a whole-word term is found as ` term `. Cached: the vocabulary's terms are folded once, and a deal's
    text once for all the purposes it is checked against."""
    decomposed = unicodedata.normalize("NFKD", text)
    stripped = "".join(ch for ch in decomposed if not unicodedata.combining(ch)).casefold()
    return " " + " ".join(re.sub(r"[\W_]+", " ", stripped).split()) + " "


def mentioned(purpose: Purpose, text: str) -> str | None:
    """The first of the purpose's terms that `text` mentions, or None."""
    folded = _fold(text)
    for term in purpose.terms:
        if _CJK.search(term):
            if term in text:
                return term
        elif _fold(term) in folded:
            return term
    return None


def deployment_facts(purposes: Mapping[str, Purpose], deployment: Mapping[str, Any] | None) -> dict[str, Any]:
    """The `facts.deployment` object of a sales deal."""
    stated: list[str] = []
    for name in (deployment or {}).get("purposes") or ():
        key = purpose_key(name)
        if key not in stated:
            stated.append(key)
    by_tier: dict[str, list[str]] = {tier: [] for tier in (*PURPOSE_TIERS, "unknown")}
    for name in stated:
        by_tier[purposes[name].tier if name in purposes else "unknown"].append(name)
    text = deployment["purpose"] if deployment else None
    mentions = []
    for purpose in purposes.values():
        if purpose.tier != "prohibited" or purpose.id in stated or not text:
            continue
        term = mentioned(purpose, text)
        if term is not None:
            mentions.append({"id": purpose.id, "title": purpose.title, "term": term})
    return {
        "present": deployment is not None,
        "public_space": bool(deployment and deployment["public_space"]),
        "camera_count": deployment["camera_count"] if deployment else 0,
        "purpose": text,
        "purposes": stated,
        "prohibited_purposes": by_tier["prohibited"],
        "high_purposes": by_tier["high"],
        "unknown_purposes": by_tier["unknown"],
        "purpose_mentions": mentions,
    }


def read_purposes(data: LocatedDict | None, problem: Callable[[int | None, str], None]) -> dict[str, Purpose]:
    """The vocabulary from the parsed purposes file; each problem is reported with its line."""
    entries = data.get("purposes") if data is not None else None
    if data is not None and not isinstance(entries, LocatedList):
        problem(data.line, "expected `purposes`: a list")
    listed = entries if isinstance(entries, LocatedList) else LocatedList()
    found: dict[str, Purpose] = {}
    for index, entry in enumerate(listed):
        line = listed.line_of(index)
        purpose = _read_one(entry, functools.partial(problem, line))
        if purpose is None:
            continue
        if purpose.id in found:
            problem(line, f"purpose {purpose.id!r} is listed twice")
        found[purpose.id] = purpose
    return found


def _read_one(entry: Any, problem: Callable[[str], None]) -> Purpose | None:
    if not isinstance(entry, Mapping) or not isinstance(entry.get("id"), str):
        problem("each purpose needs an `id`")
        return None
    pid, tier = entry["id"], entry.get("tier")
    if not _ID.match(pid):
        problem(f"purpose id {pid!r} must be lower snake_case")
        return None
    if tier not in PURPOSE_TIERS:
        problem(f"purpose {pid!r}: tier must be one of {', '.join(PURPOSE_TIERS)}")
        return None
    cites, terms = _strings(entry.get("cites")), _strings(entry.get("terms"))
    if cites is None or terms is None:
        problem(f"purpose {pid!r}: `cites` and `terms` must be lists of strings")
        return None
    if tier == "prohibited" and not cites:
        problem(f"prohibited purpose {pid!r} must cite what rules it out")
    return Purpose(pid, str(tier), str(entry.get("title") or pid), cites, terms)


def _strings(value: Any) -> tuple[str, ...] | None:
    if value is None:
        return ()
    if (
        not isinstance(value, Sequence)
        or isinstance(value, str)
        or not all(isinstance(v, str) for v in value)
    ):
        return None
    return tuple(value)
