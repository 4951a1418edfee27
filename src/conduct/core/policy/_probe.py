"""Pre-filtering a gate's rules in Python: skipping the rules whose `when` is certainly false.

Large packs are mostly variants of a few rules (one per country, sector, capability or threshold), and most
of them start with a test such as `party.country == "AE"`, `facts.deployment.camera_count > 500` or
`facts.capabilities.names.exists(c, c == "face_search")`. Each such test of a top-level `&&` conjunct is a
*probe*. The gate's probes are indexed by the value they read, so one dictionary or bisect look-up per
value finds every rule whose probe is false for this subject; those rules are not run at all.

This never changes a decision, because a probe only ever says "certainly false" and then CEL would say
false too, without an error: CEL's `&&` is false when either side is false, whatever the other side is
(even an error), and the probe's verdict is taken only when CEL's own would be the same:

- the value is read exactly as the rule reads it (a missing field is "don't know": CEL would fail);
- comparisons count only between values of the same type (str, int within 64 bits, finite float, bool,
  null): for those, Python's `==`, `!=`, `<`, `<=`, `>`, `>=` and CEL's agree (strings compare by code
  point in both); anything else (an int against a double, NaN, ...) is "don't know";
- `list.exists(x, x == lit)` / `lit in list` is false when the list holds only values of the literal's
  type, none equal to it (or is empty); `list.exists(x, x.f == lit)` likewise over each element's `f`;
- a for_each rule is skipped only when, for every element, one of its probes is false.

Rules without a probe, and rules whose probes do not rule them out, run as usual.
"""

from __future__ import annotations

import re
from bisect import bisect_left, bisect_right
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from ._cel import ROOTS, Token, tokenize
from ._template import MISSING, resolve_parts

_INT64 = (-(2**63), 2**63)
_DECIMAL_INT = re.compile(r"^(?:0|[1-9]\d*)$")
_DECIMAL_FLOAT = re.compile(r"^(?:0|[1-9]\d*)(?:\.\d+(?:[eE][+-]?\d+)?|[eE][+-]?\d+)$")
_PLAIN_STRING = re.compile(r"^(?:\"[^\"\\\n\r]*\"|'[^'\\\n\r]*')$")
_COMPARISONS = {"==", "!=", "<", "<=", ">", ">="}
_FLIPPED = {"==": "==", "!=": "!=", "<": ">", "<=": ">=", ">": "<", ">=": "<="}
_TWO_CHARACTER = {"==", "!=", "<=", ">=", "&&", "||"}
_KEYWORDS = {"true": True, "false": False, "null": None}


@dataclass(frozen=True)
class Probe:
    """One top-level conjunct the pre-filter can decide: `value <op> literal`, or a bare boolean, or
    `list.exists(x, x[.field] == literal)` / `literal in list` (`op` "in")."""

    op: str  # == != < <= > >=, "is" (a bare boolean: `x` is `literal` = True, `!x` is False), "in"
    path: tuple[str, ...]  # from the root (`("facts", "parties")`), or within the for_each element
    element: bool  # the path is within the for_each element
    literal: Any
    field: tuple[str, ...] = ()  # for "in" over a list of maps: the field compared in each element


def _kind(value: Any) -> type | None:
    """The type under which a value takes part in a comparison, or None if the pre-filter cannot tell."""
    kind = type(value)
    if kind is str or kind is bool or value is None:
        return kind
    if kind is int:
        return int if _INT64[0] <= value < _INT64[1] else None
    if kind is float:
        return float if value == value and value not in (float("inf"), float("-inf")) else None
    return None


def _merge_operators(tokens: list[Token]) -> list[Token]:
    merged: list[Token] = []
    for token in tokens:
        if (
            merged
            and token.kind == "punct"
            and merged[-1].kind == "punct"
            and merged[-1].end == token.start
            and merged[-1].text + token.text in _TWO_CHARACTER
        ):
            previous = merged.pop()
            token = Token("punct", previous.text + token.text, previous.start, token.end)
        merged.append(token)
    return merged


def _conjuncts(tokens: list[Token]) -> list[list[Token]]:
    """The top-level `&&` operands; one operand (the whole) when the top level has `||` or `?:`."""
    while len(tokens) >= 2 and tokens[0].text == "(" and _closing(tokens, 0) == len(tokens) - 1:
        tokens = tokens[1:-1]
    parts: list[list[Token]] = [[]]
    depth = 0
    for token in tokens:
        if token.kind == "punct" and token.text in "([{":
            depth += 1
        elif token.kind == "punct" and token.text in ")]}":
            depth -= 1
        elif depth == 0 and token.text in ("||", "?", ":"):
            return [tokens]  # `&&` binds tighter: not a conjunction at the top level
        elif depth == 0 and token.text == "&&":
            parts.append([])
            continue
        parts[-1].append(token)
    if len(parts) == 1:
        return parts
    return [inner for part in parts for inner in _conjuncts(part)]


def _closing(tokens: list[Token], opening: int) -> int | None:
    depth = 0
    for position in range(opening, len(tokens)):
        token = tokens[position]
        if token.kind != "punct":
            continue
        if token.text in "([{":
            depth += 1
        elif token.text in ")]}":
            depth -= 1
            if depth == 0:
                return position
    return None


def _literal(token: Token) -> tuple[bool, Any]:
    """(True, value) for a plain literal: a simple quoted string, decimal number, true, false or null."""
    text = token.text
    if token.kind == "string" and _PLAIN_STRING.match(text):
        return True, text[1:-1]
    if token.kind == "number" and _DECIMAL_INT.match(text):
        value = int(text)
        return (_INT64[0] <= value < _INT64[1]), value
    if token.kind == "number" and _DECIMAL_FLOAT.match(text):
        number = float(text)
        return _kind(number) is float, number
    if token.kind == "ident" and text in _KEYWORDS:
        return True, _KEYWORDS[text]
    return False, None


def _chain(tokens: Sequence[Token]) -> list[str] | None:
    """`a.b.c` as ["a", "b", "c"] when the tokens are exactly one dotted chain of identifiers."""
    if not tokens or len(tokens) % 2 == 0:
        return None
    names = []
    for index, token in enumerate(tokens):
        if index % 2 == 0:
            if token.kind != "ident" or token.text in _KEYWORDS:
                return None
            names.append(token.text)
        elif token.text != ".":
            return None
    return names


class _Reader:
    def __init__(self, element_name: str | None) -> None:
        self.element_name = element_name

    def place(self, names: list[str] | None) -> tuple[tuple[str, ...], bool] | None:
        """(path, within the element) for a chain the rule reads from the subject, facts or element."""
        if not names:
            return None
        if names[0] in ROOTS and len(names) > 1:
            return tuple(names), False
        if self.element_name is not None and names[0] == self.element_name:
            return tuple(names[1:]), True
        return None

    def probe(self, tokens: list[Token]) -> Probe | None:
        texts = [token.text for token in tokens]
        # `x.exists(v, v == lit)`, `x.exists(v, v.f == lit)` (either side), and `lit in x`
        if "exists" in texts and texts[-1] == ")":
            return self.exists(tokens)
        if len(tokens) >= 3 and texts[1] == "in":
            found, literal = _literal(tokens[0])
            place = self.place(_chain(tokens[2:]))
            if found and place is not None and literal is not None:
                return Probe("in", place[0], place[1], literal)
            return None
        if texts and texts[0] == "!":
            place = self.place(_chain(tokens[1:]))
            return Probe("is", place[0], place[1], False) if place else None
        place = self.place(_chain(tokens))
        if place is not None:
            return Probe("is", place[0], place[1], True)
        for index, text in enumerate(texts):
            if text in _COMPARISONS and tokens[index].kind == "punct":
                left, right = tokens[:index], tokens[index + 1 :]
                if len(right) == 1:
                    found, literal = _literal(right[0])
                    place = self.place(_chain(left))
                    op = text
                elif len(left) == 1:
                    found, literal = _literal(left[0])
                    place = self.place(_chain(right))
                    op = _FLIPPED[text]
                else:
                    return None
                if not found or place is None:
                    return None
                if literal is None and op not in ("==", "!="):
                    return None
                if isinstance(literal, bool) and op not in ("==", "!="):
                    return None
                return Probe(op, place[0], place[1], literal)
        return None

    def exists(self, tokens: list[Token]) -> Probe | None:
        texts = [token.text for token in tokens]
        try:
            call = texts.index("exists")
        except ValueError:
            return None
        if not (
            call >= 2
            and texts[call - 1] == "."
            and len(texts) > call + 4
            and texts[call + 1] == "("
            and tokens[call + 2].kind == "ident"
            and texts[call + 3] == ","
            and _closing(tokens, call + 1) == len(tokens) - 1
        ):
            return None
        place = self.place(_chain(tokens[: call - 1]))
        variable = texts[call + 2]
        body = tokens[call + 4 : -1]
        if place is None or variable in ROOTS or variable == self.element_name:
            return None
        # The body's own conjuncts: `exists` is false when one of them is false for every element.
        for conjunct in _conjuncts(body):
            equals = [
                index for index, token in enumerate(conjunct) if token.text == "==" and token.kind == "punct"
            ]
            if len(equals) != 1:
                continue
            left, right = conjunct[: equals[0]], conjunct[equals[0] + 1 :]
            if len(left) == 1 and _literal(left[0])[0]:
                left, right = right, left
            if len(right) != 1:
                continue
            found, literal = _literal(right[0])
            names = _chain(left)
            if found and literal is not None and names and names[0] == variable:
                return Probe("in", place[0], place[1], literal, tuple(names[1:]))
        return None


def find_probes(when: str, element_name: str | None) -> tuple[Probe, ...]:
    """The probes among the top-level conjuncts of `when` (a for_each rule's element is `element_name`)."""
    reader = _Reader(element_name)
    found = []
    for conjunct in _conjuncts(_merge_operators(tokenize(when))):
        probe = reader.probe(conjunct)
        if probe is not None:
            found.append(probe)
    return tuple(found)


@dataclass
class _Group:
    """The rules with a probe on one value (same path, operator and field), indexed by literal. Sets of
    rules are bit masks (bit n: the gate's rule n), so combining them costs next to nothing."""

    op: str
    by_kind: dict[type, dict[Any, int]] = field(default_factory=dict)  # literal type -> literal -> rules
    everyone: dict[type, int] = field(default_factory=dict)  # literal type -> rules
    ordered: dict[type, tuple[list[Any], list[int], list[int]]] = field(default_factory=dict)
    all: int = 0

    def add(self, literal: Any, position: int) -> None:
        literals = self.by_kind.setdefault(type(literal), {})
        literals[literal] = literals.get(literal, 0) | 1 << position

    def seal(self) -> None:
        for kind, literals in self.by_kind.items():
            self.everyone[kind] = 0
            for mask in literals.values():
                self.everyone[kind] |= mask
            self.all |= self.everyone[kind]
            if kind in (str, int, float):
                ordered = sorted(literals)
                # below[k]: rules with one of the k smallest literals; from_[k]: the others
                below, from_ = [0], [0]
                for literal in ordered:
                    below.append(below[-1] | literals[literal])
                for literal in reversed(ordered):
                    from_.append(from_[-1] | literals[literal])
                self.ordered[kind] = (ordered, below, from_[::-1])

    def false_for(self, value: Any) -> int:
        """Rules whose probe is certainly false for `value` (MISSING: a missing field, so none)."""
        op = self.op
        if op == "in":
            return self._not_in(value)
        kind = type(value)
        if kind is not str and kind is not bool and value is not None and _kind(value) is None:
            return 0  # MISSING, a container, an int beyond 64 bits, NaN or infinity: CEL decides
        literals = self.by_kind.get(kind)
        if literals is None:
            return 0
        if op == "==":
            return self.everyone[kind] & ~literals.get(value, 0)
        if op == "!=":
            return literals.get(value, 0)
        if op == "is":  # `x` (literal True) is false when x is false; `!x` (literal False) when x is true
            return literals.get(not value, 0)
        if kind not in self.ordered:
            return 0
        ordered, below, from_ = self.ordered[kind]
        if op == "<":  # false for the literals <= value
            return below[bisect_right(ordered, value)]
        if op == "<=":  # false for the literals < value
            return below[bisect_left(ordered, value)]
        if op == ">":  # false for the literals >= value
            return from_[bisect_left(ordered, value)]
        return from_[bisect_right(ordered, value)]  # >=: false for the literals > value

    def _not_in(self, value: Any) -> int:
        if type(value) is not list:
            return 0
        if not value:  # `exists` over an empty list is false, and so is `lit in []`
            return self.all
        kind = _kind(value[0])
        if kind is None or kind not in self.by_kind or any(_kind(item) is not kind for item in value):
            return 0
        literals = self.by_kind[kind]
        present = 0
        for item in value:
            present |= literals.get(item, 0)
        return self.everyone[kind] & ~present


@dataclass
class PreFilter:
    """The probes of one gate's rules, grouped by the value they read."""

    roots: dict[tuple[tuple[str, ...], str, tuple[str, ...]], _Group] = field(default_factory=dict)
    elements: dict[str, dict[tuple[tuple[str, ...], str, tuple[str, ...]], _Group]] = field(
        default_factory=dict
    )
    for_each: dict[str, int] = field(default_factory=dict)  # collection -> its rules with element probes
    iterating: dict[str, int] = field(default_factory=dict)  # collection -> its for_each rules with probes

    MIN_RULES = 4  # a look-up costs about as much as running a few rules: smaller groups are not worth it

    @classmethod
    def build(cls, rules: Sequence[tuple[int, tuple[Probe, ...], str | None]]) -> PreFilter | None:
        """From (position, probes, for_each collection or None) per rule; None when no group is worth it."""
        prefilter = cls()
        sizes: dict[tuple[str | None, tuple[str, ...], str, tuple[str, ...]], int] = {}
        for _, probes, collection in rules:
            for probe in probes:
                key = (collection if probe.element else None, probe.path, probe.op, probe.field)
                sizes[key] = sizes.get(key, 0) + 1
        for position, probes, collection in rules:
            for probe in probes:
                if (
                    sizes[(collection if probe.element else None, probe.path, probe.op, probe.field)]
                    < cls.MIN_RULES
                ):
                    continue
                if collection is not None:
                    prefilter.iterating[collection] = prefilter.iterating.get(collection, 0) | 1 << position
                if probe.element:
                    assert collection is not None
                    groups = prefilter.elements.setdefault(collection, {})
                    prefilter.for_each[collection] = prefilter.for_each.get(collection, 0) | 1 << position
                else:
                    groups = prefilter.roots
                groups.setdefault((probe.path, probe.op, probe.field), _Group(probe.op)).add(
                    probe.literal, position
                )
        if not prefilter.roots and not prefilter.elements:
            return None
        for group in prefilter.roots.values():
            group.seal()
        for groups in prefilter.elements.values():
            for group in groups.values():
                group.seal()
        return prefilter

    def false_rules(self, scope: Mapping[str, Any], lists: Mapping[str, Any]) -> int:
        """The rules whose `when` is certainly false (for a for_each rule: for every element), as a mask."""
        skipped = 0
        for (path, _, item_field), group in self.roots.items():
            value = resolve_parts(scope, path)
            if item_field and type(value) is list:
                value = _fields(value, item_field)
            skipped |= group.false_for(value)
        for collection, groups in self.elements.items():
            elements = lists.get(collection)
            if type(elements) is not list or not elements:
                continue  # an empty list runs nothing anyway; not a list: CEL decides
            candidates = self.for_each[collection]
            for element in elements:
                here = 0
                for (path, _, item_field), group in groups.items():
                    value = resolve_parts(element, path)
                    if item_field and type(value) is list:
                        value = _fields(value, item_field)
                    here |= group.false_for(value)
                candidates &= here
                if not candidates:
                    break
            skipped |= candidates
        for collection, rules in self.iterating.items():
            if type(lists.get(collection)) is not list:
                skipped &= ~rules  # for_each over something else than a list: CEL decides (maybe an error)
        return skipped


def _fields(items: list[Any], path: tuple[str, ...]) -> Any:
    """Each element's value at `path`, or MISSING when an element lacks it (CEL would fail)."""
    values = []
    for item in items:
        value = resolve_parts(item, path) if type(item) is dict else MISSING
        if value is MISSING:
            return MISSING
        values.append(value)
    return values
