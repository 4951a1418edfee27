"""The evaluation context in two tiers: flat variables for speed, the structured one for exact errors.

Handing values to the `cel` binding is the dearest step of an evaluation: it converts every string, list,
map and map key with several failed type probes (about 3 us a string or container, 1.5 us a key), whether
or not a rule that runs reads it. So rules first run against a *flat* context holding only what the
programs about to run reference, with each list element's field as its own variable: `_p_x[0].country`
becomes `_f12` (see `Flattener`), holding the value that `_p_x[0].country` would select. Over the same
values, the flat form gives the same result as the structured one whenever it gives a result, and fails
whenever the structured one fails (a missing field is an undefined variable instead of a missing key; CEL
treats every error alike). Only the error *messages* differ, so whenever a flat program fails, the rule is
decided again by its own program over the structured context (the one holding the gate's whole plan,
built on first need), which reports the error exactly as before.

One more thing must stay as before: a decision whose plan holds a value CEL cannot take (a string with a
lone surrogate, say) is a review with a "facts" error, even if no rule that runs reads that value.
`convertible` tells, for the whole plan, that the binding surely takes every value; otherwise the engine
builds the structured context up front, as it always did.
"""

from __future__ import annotations

import threading
from collections.abc import Iterable, Mapping
from typing import Any

from ._cel import Token, tokenize
from ._cel_engine import cel
from ._plan import VARIABLE_PREFIX
from ._template import MISSING, resolve_parts

_UINT64 = 2**64
_INT64 = 2**63


class Flattener:
    """Names a variable for each `_p_<list>[<index>].<field>...` read, and rewrites sources to use them."""

    PREFIX = "_f"

    def __init__(self) -> None:
        self._names: dict[tuple[str, int, tuple[str, ...]], str] = {}
        self.fields: dict[
            str, tuple[str, int, tuple[str, ...]]
        ] = {}  # name -> (list variable, index, fields)
        self._lock = threading.Lock()  # programs compile on first use, maybe in several threads at once

    def _name(self, variable: str, index: int, fields: tuple[str, ...]) -> str:
        key = (variable, index, fields)
        name = self._names.get(key)
        if name is None:
            with self._lock:
                name = self._names.get(key)
                if name is None:
                    name = f"{self.PREFIX}{len(self._names)}_"
                    self.fields[name] = key
                    self._names[key] = name
        return name

    def flatten(self, source: str) -> str:
        """`source` with each `_p_x[i].a.b` (not a `has()` argument, not the method of a call) as one name."""
        tokens = tokenize(source)
        edits: list[tuple[int, int, str]] = []
        position = 0
        while position < len(tokens):
            token = tokens[position]
            end = self._read(tokens, position)
            if end is None:
                position += 1
                continue
            fields = tuple(tokens[i].text for i in range(position + 5, end + 1, 2))
            index = int(tokens[position + 2].text)
            edits.append((token.start, tokens[end].end, self._name(token.text, index, fields)))
            position = end + 1
        for start, stop, name in reversed(edits):
            source = source[:start] + name + source[stop:]
        return source

    @staticmethod
    def _read(tokens: list[Token], position: int) -> int | None:
        """The last token of a flattenable read starting at `position`, or None."""
        token = tokens[position]
        if not (
            token.kind == "ident"
            and token.text.startswith(VARIABLE_PREFIX)
            and (position == 0 or tokens[position - 1].text != ".")
            and position + 4 < len(tokens)
            and tokens[position + 1].text == "["
            and tokens[position + 2].kind == "number"
            and tokens[position + 2].text.isdigit()
            and tokens[position + 3].text == "]"
            and tokens[position + 4].text == "."
        ):
            return None
        if position >= 2 and tokens[position - 1].text == "(" and tokens[position - 2].text == "has":
            return None  # has(x[0].a) must stay a field selection
        end = position + 3
        while (
            end + 2 < len(tokens)
            and tokens[end + 1].text == "."
            and tokens[end + 2].kind == "ident"
            and tokens[end + 1].end == tokens[end + 1].start + 1
        ):
            end += 2
        if end + 1 < len(tokens) and tokens[end + 1].text == "(":
            end -= 2  # `x[0].a.size()`: `size` is a method, not a field
        return end if end > position + 3 else None

    def value(self, name: str, values: Mapping[str, Any]) -> Any:
        """The value a flat name stands for, given the structured variables; MISSING when CEL would fail."""
        variable, index, fields = self.fields[name]
        items = values.get(variable, MISSING)
        if not isinstance(items, list | tuple) or index >= len(items):
            return MISSING
        return resolve_parts(items[index], fields)


def convertible(value: Any) -> bool:
    """True when the `cel` binding surely converts `value` (False: maybe not; try it to find out)."""
    kind = type(value)
    if kind is str:
        return bool(value.isascii()) or _utf8(value)
    if kind is bool or kind is float or value is None:
        return True
    if kind is int:
        return bool(-_INT64 <= value < _UINT64)
    if kind is list or kind is tuple:
        return all(convertible(item) for item in value)
    if kind is dict:
        return all(
            type(key) is str and (key.isascii() or _utf8(key)) and convertible(item)
            for key, item in value.items()
        )
    return False


def _utf8(text: str) -> bool:
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:  # a lone surrogate
        return False
    return True


class Activation:
    """One evaluation's variables: the flat context (filled as programs need names) and, on first need, the
    structured one."""

    def __init__(self, values: Mapping[str, Any], flattener: Flattener) -> None:
        self.values = values  # the gate's structured variables (the plan), projected
        self._flattener = flattener
        self._flat: cel.Context | None = None
        self._present: set[str] = set()
        self._structured: cel.Context | None = None

    def flat(self, names: Iterable[str]) -> cel.Context:
        """The flat context, holding at least `names` (those that have a value)."""
        missing = [name for name in names if name not in self._present]
        if missing or self._flat is None:
            add = {}
            for name in missing:
                if name in self.values:
                    add[name] = self.values[name]
                elif name in self._flattener.fields:
                    value = self._flattener.value(name, self.values)
                    if value is not MISSING:
                        add[name] = value
            self._present.update(missing)
            if self._flat is None:
                self._flat = cel.Context(variables=add)
            elif add:
                self._flat.update(add)
        return self._flat

    def structured(self) -> cel.Context:
        if self._structured is None:
            self._structured = cel.Context(variables=dict(self.values))
        return self._structured
