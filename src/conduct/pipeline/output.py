"""What `conduct gate check`, `conduct screen` and `conduct suppliers import` print, in one place: the
management commands (local, on the database) and the pipeline client (remote, over the API) both print
through these functions, so the two forms give the same output. Django-free."""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from typing import Any

from conduct.pipeline._i18n import _

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
    decided = result["decision_id"]
    where = _("decision %(id)s") % {"id": decided} if decided else _("dry run, not recorded")
    head = {"outcome": result["outcome"].upper(), "gate": result["gate"], "where": where}
    lines = [
        _("%(outcome)s  %(gate)s  (%(where)s; policy %(policy)s)")
        % {**head, "policy": result["policy_version"]}
    ]
    for reason in result["reasons"]:
        lines.append(f"  [{reason['outcome']}] {reason['rule']}: {reason['message']}")
        if reason["cites"]:
            lines.append(_("      cites %(cites)s") % {"cites": ", ".join(reason["cites"])})
    for error in result["errors"]:
        lines.append(
            _("  [error] %(rule)s: %(error)s")
            % {"rule": error["rule"] or error["stage"], "error": error["error"]}
        )
    for condition in result["conditions"]:
        lines.append(_("  condition: %(condition)s") % {"condition": condition})
    for referral in result["referrals"]:
        lines.append(_("  referred to: %(to)s") % {"to": referral["to"]})
    return lines


def gate_invalid(message: str, fields: Mapping[str, str] | None, *, as_json: bool) -> tuple[str, list[str]]:
    """Bad input: ("stdout", [the JSON error]) with --json, else ("stderr", lines)."""
    if as_json:
        return "stdout", [
            json.dumps({"error": {"code": "invalid", "message": message, "fields": fields or {}}})
        ]
    return "stderr", [_("invalid: %(message)s") % {"message": message}, *_field_lines(fields)]


def _field_lines(fields: Mapping[str, str] | None) -> list[str]:
    return [f"  {field}: {why}" for field, why in (fields or {}).items()]


# --- screen -----------------------------------------------------------------------------------------------

SCREEN_USAGE = 2
NO_LISTS = "warning: no watch lists are loaded, so nothing can match (conduct lists load PATH)."


def no_lists() -> str:
    """The warning when no list is loaded, in the CLI's language."""
    return _(NO_LISTS)


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
    names = ", ".join(f"{c['list']} v{c['version']}" for c in lists) or _("none")
    found = (
        _("%(n)d match for %(name)s at or above %(threshold)s (lists: %(lists)s)")
        if len(matches) == 1
        else _("%(n)d matches for %(name)s at or above %(threshold)s (lists: %(lists)s)")
    )
    lines = [found % {"n": len(matches), "name": repr(name), "threshold": f"{threshold:.2f}", "lists": names}]
    for rank, m in enumerate(matches, start=1):
        lines.append(
            f"{rank:>2}. {m['score']:.2f} {m['strength']:<9} {m['list']} {m['entry_id']}  {m['name']}"
        )
        matched = {
            "name": repr(m["matched_name"]),
            "kind": m["matched_name_kind"],
            "list_kind": m["list_kind"],
            "summary": m["explanation"]["summary"],
        }
        lines.append(_("      matched %(name)s (%(kind)s, %(list_kind)s): %(summary)s") % matched)
    return lines


def error_lines(message: str, fields: Mapping[str, str] | None) -> list[str]:
    return [_("error: %(message)s") % {"message": message}, *_field_lines(fields)]


# --- suppliers import -------------------------------------------------------------------------------------


def problem_line(problem: Mapping[str, Any]) -> str:
    at = {"file": problem["file"], "row": problem["row"], "column": problem["column"]}
    where = (
        _("%(file)s row %(row)s, column %(column)s") % at
        if problem["column"]
        else _("%(file)s row %(row)s") % at
    )
    return f"{where}: {problem['message']}"


def import_report_lines(report: Mapping[str, Any]) -> list[str]:
    lines = []
    for f in report["files"]:
        sheet = f" ({f['sheet']})" if f["sheet"] else ""
        read = {"file": f"{f['name']}{sheet}", "kind": f["kind"] or _("unknown kind"), "rows": f["rows"]}
        lines.append(
            _("%(file)s: %(kind)s, %(rows)s rows, sha256 %(sha)s") % {**read, "sha": f["sha256"][:16]}
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
    if report["truncated"]:
        return _("%(n)s problem(s) (stopped counting); nothing was imported.") % {
            "n": report["problem_count"]
        }
    return _("%(n)s problem(s); nothing was imported.") % {"n": report["problem_count"]}


def import_previewed(report: Mapping[str, Any]) -> str:
    return _("No problems (%(s)s s). Run again with --commit to import.") % {"s": report["seconds"]}


def import_committed(report: Mapping[str, Any]) -> str:
    return _("Imported in %(s)s s.") % {"s": report["seconds"]}
