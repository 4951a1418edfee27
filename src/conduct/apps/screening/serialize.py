"""Plain dicts for matches, explanations and entries: one shape for the API, the CLI, alerts and pages."""

from __future__ import annotations

import hashlib
import json
from typing import Any

from conduct.apps.screening.indexes import ListedMatch
from conduct.core.screening import Explanation, ListEntry

# extra keys that say where a row sat in the file, not what it says: they do not make an entry "changed"
_POSITIONAL = frozenset({"source_line", "content_hash", "list_kind"})


def entry_fields(entry: ListEntry, list_kind: str) -> dict[str, Any]:
    """What is stored (and hashed) for a listed entry."""
    return {
        "source_id": entry.source_id,
        "list_kind": entry.extra.get("list_kind", list_kind),
        "entity_type": entry.entity_type,
        "primary_name": entry.primary_name,
        "names": [{"name": n.name, "kind": n.kind} for n in entry.names],
        "countries": list(entry.countries),
        "birth_dates": list(entry.birth_dates),
        "identifiers": [[scheme, value] for scheme, value in entry.identifiers],
        "programs": list(entry.programs),
        "remarks": entry.remarks,
        "extra": {k: v for k, v in sorted(entry.extra.items()) if k not in _POSITIONAL},
    }


def content_hash(fields: dict[str, Any]) -> str:
    return hashlib.sha256(json.dumps(fields, sort_keys=True, ensure_ascii=False).encode()).hexdigest()


def explanation_dict(explanation: Explanation) -> dict[str, Any]:
    return {
        "summary": explanation.summary(),
        "query_name": explanation.query_name,
        "matched_name": explanation.matched_name,
        "name_score": round(explanation.name_score, 4),
        "parts": [
            {
                "query": p.query,
                "candidate": p.candidate,
                "score": round(p.score, 4),
                "weight": round(p.weight, 4),
                "method": p.method,
            }
            for p in explanation.parts
        ],
        "adjustments": [
            {"code": a.code, "reason": a.reason, "delta": round(a.delta, 4)} for a in explanation.adjustments
        ],
        "score": round(explanation.score, 4),
    }


def entry_summary(entry: ListEntry) -> dict[str, Any]:
    return {
        "entity_type": entry.entity_type,
        "names": [{"name": n.name, "kind": n.kind} for n in entry.names],
        "countries": list(entry.countries),
        "birth_dates": list(entry.birth_dates),
        "identifiers": [[scheme, value] for scheme, value in entry.identifiers],
        "programs": list(entry.programs),
        "remarks": entry.remarks,
    }


def match_dict(found: ListedMatch, *, with_entry: bool = True) -> dict[str, Any]:
    """One match as the API and `conduct screen --json` give it."""
    match, version = found.match, found.version
    out: dict[str, Any] = {
        "list": match.list_id,
        "list_title": version.watch_list.title,
        "list_kind": match.list_kind,
        "list_version": version.number,
        "entry_id": match.source_id,
        "name": match.entry_name,
        "matched_name": match.matched_name,
        "matched_name_kind": match.matched_name_kind,
        "score": round(match.score, 4),
        "strength": match.strength,
        "explanation": explanation_dict(match.explanation),
    }
    if with_entry:
        out["entry"] = entry_summary(match.entry)
    return out


def batch_match(found: ListedMatch) -> dict[str, Any]:
    """One match in `conduct screen --input ... --output ...` lines: exactly these keys, in this order."""
    match = found.match
    return {
        "list": match.list_id,
        "entry_id": match.source_id,
        "name": match.entry_name,
        "matched_name": match.matched_name,
        "score": round(match.score, 4),
        "explanation": match.explanation.summary(),
    }
