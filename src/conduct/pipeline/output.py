"""What `conduct gate check`, `conduct screen` and `conduct suppliers import` print, in one place: the
management commands (local, on the database) and the pipeline client (remote, over the API) both print
through these functions, so the two forms give the same output. Django-free."""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from typing import Any

# --- gate check -------------------------------------------------------------------------------------------

GATE_EXIT = {"allow": 0, "deny": 1, "review": 3}
GATE_INVALID = 2
# a decision's keys in the order `conduct gate check --json` prints them (the engine's own order)
GATE_KEYS = (
    "gate",
    "outcome",
    "as_of",
    "policy_version",
    "reference_version",
    "reasons",
    "conditions",
    "referrals",
    "errors",
    "rules_evaluated",
)


def gate_result(source: Mapping[str, Any], decision_id: int | None) -> dict[str, Any]:
    """A decision as the command prints it: the engine's keys in its order (no facts), then decision_id."""
    result = {key: source[key] for key in GATE_KEYS if key in source}
    result["decision_id"] = decision_id
    return result


def gate_json(result: Mapping[str, Any]) -> str:
    return json.dumps(result, default=str)


def gate_lines(result: Mapping[str, Any]) -> list[str]:
    where = f"decision {result['decision_id']}" if result["decision_id"] else "dry run, not recorded"
    lines = [f"{result['outcome'].upper()}  {result['gate']}  ({where}; policy {result['policy_version']})"]
    for reason in result["reasons"]:
        lines.append(f"  [{reason['outcome']}] {reason['rule']}: {reason['message']}")
        if reason["cites"]:
            lines.append(f"      cites {', '.join(reason['cites'])}")
    for error in result["errors"]:
        lines.append(f"  [error] {error['rule'] or error['stage']}: {error['error']}")
    for condition in result["conditions"]:
        lines.append(f"  condition: {condition}")
    for referral in result["referrals"]:
        lines.append(f"  referred to: {referral['to']}")
    return lines


def gate_invalid(message: str, fields: Mapping[str, str] | None, *, as_json: bool) -> tuple[str, list[str]]:
    """Bad input: ("stdout", [the JSON error]) with --json, else ("stderr", lines)."""
    if as_json:
        return "stdout", [
            json.dumps({"error": {"code": "invalid", "message": message, "fields": fields or {}}})
        ]
    return "stderr", [f"invalid: {message}", *(f"  {field}: {why}" for field, why in (fields or {}).items())]


# --- screen -----------------------------------------------------------------------------------------------

SCREEN_USAGE = 2
NO_LISTS = "warning: no watch lists are loaded, so nothing can match (conduct lists load PATH)."


def screen_json(
    query: Mapping[str, Any], threshold: float, lists: Sequence[Mapping[str, Any]], matches: list[Any]
) -> str:
    return json.dumps(
        {
            "query": dict(query),
            "threshold": threshold,
            "lists": [{"list": c["list"], "version": c["version"]} for c in lists],
            "matches": matches,
        },
        ensure_ascii=False,
        indent=2,
    )


def screen_lines(
    name: str, threshold: float, lists: Sequence[Mapping[str, Any]], matches: Sequence[Mapping[str, Any]]
) -> list[str]:
    names = ", ".join(f"{c['list']} v{c['version']}" for c in lists) or "none"
    lines = [
        f"{len(matches)} match{'es' if len(matches) != 1 else ''} for {name!r} "
        f"at or above {threshold:.2f} (lists: {names})"
    ]
    for rank, m in enumerate(matches, start=1):
        lines.append(
            f"{rank:>2}. {m['score']:.2f} {m['strength']:<9} {m['list']} {m['entry_id']}  {m['name']}"
        )
        lines.append(
            f"      matched {m['matched_name']!r} ({m['matched_name_kind']}, {m['list_kind']}): "
            f"{m['explanation']['summary']}"
        )
    return lines


def error_lines(message: str, fields: Mapping[str, str] | None) -> list[str]:
    return [f"error: {message}", *(f"  {field}: {why}" for field, why in (fields or {}).items())]


# --- suppliers import -------------------------------------------------------------------------------------


def problem_line(problem: Mapping[str, Any]) -> str:
    where = f"{problem['file']} row {problem['row']}" + (
        f", column {problem['column']}" if problem["column"] else ""
    )
    return f"{where}: {problem['message']}"


def import_report_lines(report: Mapping[str, Any]) -> list[str]:
    lines = []
    for f in report["files"]:
        sheet = f" ({f['sheet']})" if f["sheet"] else ""
        lines.append(
            f"{f['name']}{sheet}: {f['kind'] or 'unknown kind'}, {f['rows']} rows, sha256 {f['sha256'][:16]}"
        )
    lines.extend(problem_line(p) for p in report["problems"])
    for kind, counts in report["counts"].items():
        if counts.get("rows"):
            detail = ", ".join(f"{k} {v}" for k, v in counts.items())
            lines.append(f"{kind}: {detail}")
    return lines


def import_report_json(report: Mapping[str, Any]) -> str:
    return json.dumps(report, indent=2, default=str)


def import_problems(report: Mapping[str, Any]) -> str:
    """The closing error of an import with problems (exit 1)."""
    more = " (stopped counting)" if report["truncated"] else ""
    return f"{report['problem_count']} problem(s){more}; nothing was imported."


def import_previewed(report: Mapping[str, Any]) -> str:
    return f"No problems ({report['seconds']} s). Run again with --commit to import."


def import_committed(report: Mapping[str, Any]) -> str:
    return f"Imported in {report['seconds']} s."
