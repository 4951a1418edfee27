"""Self-assessment questionnaires as data: load a template (YAML under data/questionnaires), show the
questions an answer set makes relevant, check answers, and score them. No Django here.

A template is sections of questions. A question has an `id`, `text` and a `type` (yes_no, choice, number,
text, date) and may have: `show_if` ({question, equals} or {question, in}) naming an earlier question;
`required` (default true); `weight` (default 1; 0 = not scored); `good` (yes_no: the answer that scores);
`options` (choice: value, label, score 0-1, flag); `score` (number: {at_least: N} or {at_most: N});
`flag` (yes_no: the answer that raises a red flag for the reviewer); `cites` (requirement URNs).

Score = 100 x sum(weight x fraction earned) / sum(weight), over the scored questions that are shown.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable, Mapping
from datetime import date
from pathlib import Path
from typing import Any

import yaml
from django.utils.translation import gettext as _

TYPES = ("yes_no", "choice", "number", "text", "date")
YES_NO = ("yes", "no")
_MAX_TEXT = 5000


class TemplateError(ValueError):
    def __init__(self, source: str, problems: list[str]) -> None:
        super().__init__(f"{source}: " + "; ".join(problems))
        self.problems = problems


def load_template(path: Path, *, known_urns: Iterable[str] | None = None) -> dict[str, Any]:
    """Read and check one template; returns it as plain data with defaults filled and a content version."""
    raw = path.read_text(encoding="utf-8")
    data = yaml.safe_load(raw)
    template = check_template(data, source=path.name, known_urns=known_urns)
    digest = hashlib.sha256(raw.encode("utf-8")).hexdigest()[:12]
    template["version"] = f"{template['version']}+{digest}"
    return template


def check_template(
    data: Any, *, source: str = "template", known_urns: Iterable[str] | None = None
) -> dict[str, Any]:
    problems: list[str] = []
    urns = set(known_urns) if known_urns is not None else None
    if not isinstance(data, dict):
        raise TemplateError(source, ["the file must hold a mapping with key, version, title and sections"])
    for field in ("key", "version", "title"):
        if not str(data.get(field) or "").strip():
            problems.append(_("`%(field)s` is required") % {"field": field})
    sections_in = data.get("sections")
    if not isinstance(sections_in, list) or not sections_in:
        problems.append(_("`sections` must be a non-empty list"))
        sections_in = []
    seen: dict[str, dict[str, Any]] = {}
    sections: list[dict[str, Any]] = []
    for s_index, section in enumerate(sections_in, 1):
        where = f"section {s_index}"
        if not isinstance(section, dict) or not section.get("id") or not section.get("title"):
            problems.append(_("%(where)s: needs an id and a title") % {"where": where})
            continue
        questions: list[dict[str, Any]] = []
        for q_index, question in enumerate(section.get("questions") or [], 1):
            checked = _check_question(
                question, f"{where} ({section['id']}) question {q_index}", seen, urns, problems
            )
            if checked is not None:
                seen[checked["id"]] = checked
                questions.append(checked)
        if not questions:
            problems.append(_("%(where)s (%(id)s): has no questions") % {"where": where, "id": section["id"]})
        cites = [str(c) for c in section.get("cites") or []]
        _check_cites(cites, where, urns, problems)
        sections.append(
            {"id": str(section["id"]), "title": str(section["title"]), "cites": cites, "questions": questions}
        )
    if problems:
        raise TemplateError(source, problems)
    return {
        "key": str(data["key"]),
        "version": str(data["version"]),
        "title": str(data["title"]),
        "intro": str(data.get("intro") or ""),
        "sections": sections,
    }


def _check_cites(cites: list[str], where: str, urns: set[str] | None, problems: list[str]) -> None:
    if urns is None:
        return
    for urn in cites:
        if urn not in urns:
            problems.append(
                _("%(where)s: cites %(urn)s, which is not in the framework library")
                % {"where": where, "urn": urn}
            )


def _check_question(
    question: Any, where: str, seen: Mapping[str, dict[str, Any]], urns: set[str] | None, problems: list[str]
) -> dict[str, Any] | None:
    if not isinstance(question, dict):
        problems.append(_("%(where)s: must be a mapping") % {"where": where})
        return None
    qid, qtype = str(question.get("id") or ""), question.get("type")
    if not qid or not str(question.get("text") or "").strip():
        problems.append(_("%(where)s: needs an id and a text") % {"where": where})
        return None
    where = f"{where} `{qid}`"
    if qid in seen:
        problems.append(_("%(where)s: the id is used twice") % {"where": where})
    if qtype not in TYPES:
        problems.append(
            _("%(where)s: type must be one of %(types)s") % {"where": where, "types": ", ".join(TYPES)}
        )
        return None
    out: dict[str, Any] = {
        "id": qid,
        "text": str(question["text"]).strip(),
        "type": qtype,
        "help": str(question.get("help") or ""),
        "required": bool(question.get("required", True)),
        "weight": question.get("weight", 1 if qtype in ("yes_no", "choice", "number") else 0),
        "cites": [str(c) for c in question.get("cites") or []],
    }
    if not isinstance(out["weight"], int | float) or out["weight"] < 0:
        problems.append(_("%(where)s: weight must be a number >= 0") % {"where": where})
        out["weight"] = 0
    if qtype == "yes_no":
        good, flag = question.get("good"), question.get("flag")
        good = _yes_no(good) if good is not None else None
        if out["weight"] and good not in YES_NO:
            problems.append(
                _("%(where)s: a scored yes/no question says which answer is `good` (yes or no)")
                % {"where": where}
            )
        if flag is not None and _yes_no(flag) not in YES_NO:
            problems.append(_("%(where)s: `flag` must be yes or no") % {"where": where})
        out["good"], out["flag"] = good, (_yes_no(flag) if flag is not None else None)
    elif qtype == "choice":
        out["options"] = _check_options(question, where, problems)
    elif qtype == "number":
        rule = question.get("score") or {}
        if out["weight"] and not (
            isinstance(rule, dict) and len(rule) == 1 and set(rule) <= {"at_least", "at_most"}
        ):
            problems.append(
                _("%(where)s: a scored number question has score: {at_least: N} or {at_most: N}")
                % {"where": where}
            )
        out["score"] = rule if isinstance(rule, dict) else {}
        out["unit"] = str(question.get("unit") or "")
    _check_show_if(question.get("show_if"), where, seen, out, problems)
    _check_cites(out["cites"], where, urns, problems)
    return out


def _check_show_if(
    condition: Any,
    where: str,
    seen: Mapping[str, dict[str, Any]],
    out: dict[str, Any],
    problems: list[str],
) -> None:
    """`show_if` names an earlier question and the answers (`equals` one, or `in` a list) that show this
    one."""
    if condition is None:
        return
    if (
        not isinstance(condition, dict)
        or condition.get("question") not in seen
        or not (("equals" in condition) ^ ("in" in condition))
    ):
        problems.append(
            _("%(where)s: show_if names an earlier question and `equals` or `in`") % {"where": where}
        )
    else:
        values = condition["in"] if "in" in condition else [condition["equals"]]
        target = seen[condition["question"]]
        values = [_yes_no(v) if target["type"] == "yes_no" else str(v) for v in values]
        out["show_if"] = {"question": condition["question"], "in": values}


def _check_options(question: dict[str, Any], where: str, problems: list[str]) -> list[dict[str, Any]]:
    """A choice question's options, each with a value, a label, a score within 0-1 and a flag."""
    options = []
    for option in question.get("options") or []:
        if not isinstance(option, dict) or "value" not in option:
            problems.append(_("%(where)s: every option needs a value") % {"where": where})
            continue
        score = option.get("score", 0)
        if not isinstance(score, int | float) or not 0 <= score <= 1:
            problems.append(
                _("%(where)s: option %(value)s score must be within 0-1")
                % {"where": where, "value": repr(option["value"])}
            )
            score = 0
        options.append(
            {
                "value": str(option["value"]),
                "label": str(option.get("label") or option["value"]),
                "score": float(score),
                "flag": bool(option.get("flag", False)),
            }
        )
    if len(options) < 2:
        problems.append(_("%(where)s: a choice needs at least two options") % {"where": where})
    return options


def _yes_no(value: Any) -> str:
    if value is True:
        return "yes"
    if value is False:
        return "no"
    return str(value).strip().lower()


def questions(template: Mapping[str, Any]) -> list[dict[str, Any]]:
    return [q for section in template["sections"] for q in section["questions"]]


def is_shown(
    question: Mapping[str, Any], answers: Mapping[str, Any], by_id: Mapping[str, Mapping[str, Any]]
) -> bool:
    condition = question.get("show_if")
    if not condition:
        return True
    parent = by_id[condition["question"]]
    if not is_shown(parent, answers, by_id):
        return False
    return answers.get(condition["question"]) in condition["in"]


def visible(template: Mapping[str, Any], answers: Mapping[str, Any]) -> list[dict[str, Any]]:
    every = questions(template)
    by_id = {q["id"]: q for q in every}
    return [q for q in every if is_shown(q, answers, by_id)]


def clean_answers(
    template: Mapping[str, Any], raw: Mapping[str, Any], *, complete: bool
) -> tuple[dict[str, Any], dict[str, str]]:
    """Typed answers to the questions shown, and an error per question id. With complete=True every shown
    required question must be answered. Answers to questions not in the template are errors; answers to
    questions hidden by a condition are dropped (they were not asked)."""
    every = {q["id"]: q for q in questions(template)}
    errors: dict[str, str] = {}
    typed: dict[str, Any] = {}
    for key, value in raw.items():
        question = every.get(key)
        if question is None:
            errors[key] = _("There is no such question in this questionnaire.")
            continue
        if value is None or (isinstance(value, str) and not value.strip()):
            continue
        try:
            typed[key] = _typed(question, value)
        except ValueError as exc:
            errors[key] = str(exc)
    shown = visible(template, typed)
    shown_ids = {q["id"] for q in shown}
    answers = {k: v for k, v in typed.items() if k in shown_ids}
    if complete:
        for question in shown:
            if question["required"] and question["id"] not in answers and question["id"] not in errors:
                errors[question["id"]] = _("An answer is required.")
    return answers, errors


def _typed(question: Mapping[str, Any], value: Any) -> Any:
    kind = question["type"]
    if kind == "yes_no":
        answer = _yes_no(value)
        if answer not in YES_NO:
            raise ValueError("Answer yes or no.")
        return answer
    if kind == "choice":
        allowed = [o["value"] for o in question["options"]]
        if str(value) not in allowed:
            raise ValueError(f"Choose one of: {', '.join(allowed)}.")
        return str(value)
    if kind == "number":
        if isinstance(value, bool):
            raise ValueError("Enter a number.")
        try:
            number = float(str(value).strip().replace(",", "."))
        except ValueError:
            raise ValueError("Enter a number.") from None
        if number != number or number in (float("inf"), float("-inf")) or number < 0:
            raise ValueError("Enter a number of 0 or more.")
        return int(number) if number == int(number) else number
    if kind == "date":
        try:
            return date.fromisoformat(str(value).strip()).isoformat()
        except ValueError:
            raise ValueError("Enter a date as YYYY-MM-DD.") from None
    text = str(value).strip()
    if len(text) > _MAX_TEXT:
        raise ValueError(f"At most {_MAX_TEXT} characters.")
    return text


def _fraction(question: Mapping[str, Any], answer: Any) -> float:
    kind = question["type"]
    if kind == "yes_no":
        return 1.0 if answer == question.get("good") else 0.0
    if kind == "choice":
        return next((o["score"] for o in question["options"] if o["value"] == answer), 0.0)
    rule = question.get("score") or {}
    if "at_least" in rule:
        return 1.0 if answer >= rule["at_least"] else 0.0
    if "at_most" in rule:
        return 1.0 if answer <= rule["at_most"] else 0.0
    return 0.0


def score(
    template: Mapping[str, Any], answers: Mapping[str, Any]
) -> tuple[float | None, dict[str, float], list[dict[str, str]]]:
    """(overall 0-100 or None when nothing scored was answered, per-section scores, red flags)."""
    every = questions(template)
    by_id = {q["id"]: q for q in every}
    total_weight = total = 0.0
    sections: dict[str, float] = {}
    flags: list[dict[str, str]] = []
    for section in template["sections"]:
        weight = earned = 0.0
        for question in section["questions"]:
            if not is_shown(question, answers, by_id) or question["id"] not in answers:
                continue
            answer = answers[question["id"]]
            if _flagged(question, answer):
                flags.append({"question": question["id"], "text": question["text"], "answer": str(answer)})
            if question["weight"] and question["type"] in ("yes_no", "choice", "number"):
                weight += question["weight"]
                earned += question["weight"] * _fraction(question, answer)
        if weight:
            sections[section["id"]] = round(100 * earned / weight, 1)
        total_weight += weight
        total += earned
    overall = round(100 * total / total_weight, 1) if total_weight else None
    return overall, sections, flags


def _flagged(question: Mapping[str, Any], answer: Any) -> bool:
    if question["type"] == "yes_no":
        return question.get("flag") is not None and answer == question["flag"]
    if question["type"] == "choice":
        return any(o["value"] == answer and o["flag"] for o in question["options"])
    return False


def fingerprint(template: Mapping[str, Any]) -> str:
    return hashlib.sha256(json.dumps(template, sort_keys=True).encode()).hexdigest()[:12]
