"""A gate's subject as a form: the fields its schema has, and the subject a submitted form gives.

`form_fields(gate, subject, reference)` walks the subject schema and returns plain nodes a page renders
(one input per leaf, named by its path, e.g. `parties[1].country`): the validator's field errors use the same
paths, so each error lands on its input. Vocabularies the reference data holds (countries, capabilities with
their tiers, deployment purposes) and the schema's enumerations become choices; nothing is guessed.

`subject_from_form(gate, form)` is the inverse: from the submitted values (name -> list of strings) it builds
the JSON subject. A list row or an object whose inputs are all blank is left out; a number that does not
parse is kept as text so that validation names it; a checkbox that is absent is false.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from ._reference import ReferenceData
from ._subjects import (
    SCHEMAS,
    _Bool,
    _Country,
    _Date,
    _Enum,
    _HsCode,
    _Int,
    _List,
    _Name,
    _Nullable,
    _Num,
    _Obj,
    _Spec,
    _Str,
    check_gate,
)

Choices = list[tuple[str, str]]
Groups = list[tuple[str, Choices]]
_INDEX = re.compile(r"^\[(\d+)\]")


@dataclass
class FormNode:
    """One node of a gate form. `kind` is object, list, text, integer, number, date, checkbox, select,
    multiselect or tags (free words, comma-separated). `key` is the schema's field name (for its label)."""

    kind: str
    name: str
    key: str
    required: bool = False
    value: Any = None
    children: list[FormNode] = field(default_factory=list)
    rows: list[FormNode] = field(default_factory=list)
    groups: Groups = field(default_factory=list)
    vocabulary: str = ""


def _vocabulary(label: str, reference: ReferenceData) -> Groups | None:
    if label == "capability":
        return _tiered({c.id: (c.tier, c.title) for c in reference.capabilities.values()})
    if label == "purpose":
        return _tiered({p.id: (p.tier, p.title) for p in reference.purposes.values()})
    return None


def _tiered(entries: Mapping[str, tuple[str, str]]) -> Groups:
    tiers: dict[str, Choices] = {}
    for value, (tier, title) in sorted(entries.items(), key=lambda e: e[1][1].lower()):
        tiers.setdefault(tier, []).append((value, title))
    order = ("standard", "high", "prohibited")
    return [(tier, tiers[tier]) for tier in sorted(tiers, key=lambda t: order.index(t) if t in order else 9)]


def _countries(reference: ReferenceData) -> Groups:
    return [
        ("", sorted(((c.code, f"{c.name} ({c.code})") for c in reference.countries.values()), key=_second))
    ]


def _second(pair: tuple[str, str]) -> str:
    return pair[1]


def form_fields(
    gate: str, subject: Mapping[str, Any] | None, reference: ReferenceData, *, extra_rows: int = 1
) -> FormNode:
    """The form of `gate` filled with `subject` (which may be partial or invalid), with `extra_rows` blank
    rows under each list of objects."""
    check_gate(gate)
    return _Builder(reference, extra_rows).node(SCHEMAS[gate], "", "", subject or {}, True)


@dataclass
class _Builder:
    reference: ReferenceData
    extra_rows: int

    def node(self, spec: _Spec, name: str, key: str, value: Any, required: bool) -> FormNode:
        if isinstance(spec, _Nullable):
            return self.node(spec.inner, name, key, value, False)
        if isinstance(spec, _Obj):
            given = value if isinstance(value, Mapping) else {}
            children = [
                self.node(child, _join(name, k), k, given.get(k), required=True)
                for k, child in spec.required.items()
            ]
            children += [
                self.node(child, _join(name, k), k, given.get(k), required=False)
                for k, child in spec.optional.items()
            ]
            return FormNode("object", name, key, required, children=children)
        if isinstance(spec, _List):
            return self.list_node(spec, name, key, value, required)
        return self.leaf(spec, name, key, value, required)

    def list_node(self, spec: _List, name: str, key: str, value: Any, required: bool) -> FormNode:
        items = list(value) if isinstance(value, list | tuple) else []
        if isinstance(spec.item, _Obj):
            count = max(len(items) + self.extra_rows, spec.min_items, 1)
            rows = [
                self.node(spec.item, f"{name}[{i}]", key, items[i] if i < len(items) else None, False)
                for i in range(count)
            ]
            return FormNode("list", name, key, required or spec.min_items > 0, rows=rows)
        shown = [str(v) for v in items if v is not None]
        groups = self.choices(spec.item)
        if groups is None:
            return FormNode("tags", name, key, required, value=", ".join(shown))
        return FormNode(
            "multiselect", name, key, required, value=shown, groups=groups, vocabulary=_label(spec.item)
        )

    def choices(self, spec: _Spec) -> Groups | None:
        if isinstance(spec, _Enum):
            return [("", [(v, v.replace("_", " ")) for v in spec.values])]
        if isinstance(spec, _Country):
            return _countries(self.reference)
        if isinstance(spec, _Name):
            return _vocabulary(spec.label, self.reference)
        return None

    def leaf(self, spec: _Spec, name: str, key: str, value: Any, required: bool) -> FormNode:
        groups = self.choices(spec)
        if groups is not None:
            shown = "" if value is None else str(value)
            if isinstance(spec, _Country):
                shown = shown.upper()
            return FormNode(
                "select", name, key, required, value=shown, groups=groups, vocabulary=_label(spec)
            )
        kind = _LEAF_KINDS.get(type(spec), "text")
        if kind == "checkbox":
            return FormNode(kind, name, key, required, value=value is True)
        return FormNode(kind, name, key, required, value="" if value is None else str(value))


_LEAF_KINDS: dict[type, str] = {
    _Bool: "checkbox",
    _Int: "integer",
    _Num: "number",
    _Date: "date",
    _HsCode: "text",
    _Str: "text",
}


def _label(spec: _Spec) -> str:
    if isinstance(spec, _Country):
        return "country"
    return str(getattr(spec, "label", ""))


def _join(path: str, key: str) -> str:
    return f"{path}.{key}" if path else key


def subject_from_form(gate: str, form: Mapping[str, Sequence[str]]) -> dict[str, Any]:
    """The subject the submitted values describe (see the module docstring)."""
    check_gate(gate)
    reader = _Reader(form)
    built = reader.value(SCHEMAS[gate], "")
    return built if isinstance(built, dict) else {}


@dataclass
class _Reader:
    form: Mapping[str, Sequence[str]]

    def first(self, name: str) -> str:
        values = self.form.get(name) or ()
        return values[0].strip() if values else ""

    def value(self, spec: _Spec, name: str) -> Any:
        """The value at `name`, or _BLANK when nothing was entered there."""
        if isinstance(spec, _Nullable):
            return self.value(spec.inner, name)
        if isinstance(spec, _Obj):
            found = {}
            for key, child in (*spec.required.items(), *spec.optional.items()):
                got = self.value(child, _join(name, key))
                if got is not _BLANK:
                    found[key] = got
            return found if _entered(found) else _BLANK
        if isinstance(spec, _List):
            return self.list_value(spec, name)
        return self.leaf(spec, name)

    def list_value(self, spec: _List, name: str) -> Any:
        if isinstance(spec.item, _Obj):
            rows = []
            for index in self.indices(name):
                got = self.value(spec.item, f"{name}[{index}]")
                if got is not _BLANK:
                    rows.append(got)
            return rows
        if isinstance(spec.item, _Enum | _Country) or (
            isinstance(spec.item, _Name) and spec.item.label in ("capability", "purpose")
        ):
            return [v.strip() for v in self.form.get(name) or () if v.strip()]
        text = self.first(name)
        return [part.strip() for part in re.split(r"[,\n;]", text) if part.strip()]

    def indices(self, name: str) -> list[int]:
        found = set()
        for key in self.form:
            if key.startswith(name):
                match = _INDEX.match(key[len(name) :])
                if match:
                    found.add(int(match.group(1)))
        return sorted(found)

    def leaf(self, spec: _Spec, name: str) -> Any:
        if isinstance(spec, _Bool):
            return self.first(name).lower() in ("on", "true", "1", "yes") if name in self.form else False
        text = self.first(name)
        if not text:
            return _BLANK
        return _PARSERS.get(type(spec), _text)(text)


def _int(text: str) -> Any:
    try:
        return int(text.replace(",", "").replace(" ", ""))
    except ValueError:
        return text


def _num(text: str) -> Any:
    try:
        return float(text.replace(",", "").replace(" ", ""))
    except ValueError:
        return text


def _text(text: str) -> Any:
    return text


_PARSERS: dict[type, Callable[[str], Any]] = {_Int: _int, _Num: _num}


class _Blank:
    def __repr__(self) -> str:
        return "<blank>"


_BLANK: Any = _Blank()


def _entered(found: Mapping[str, Any]) -> bool:
    """Whether an object holds anything the user typed or ticked (an unticked box or an empty list is not)."""
    return any(value not in (False, []) for value in found.values())
