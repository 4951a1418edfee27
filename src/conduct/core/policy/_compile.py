"""Rewriting a rule's CEL so it runs fast in the `cel` binding, and knowing exactly what it reads.

The binding deep-copies a map on every field selection, so `facts.parties` costs as much as copying all
facts, and converting a Python string into CEL costs microseconds. So each `subject.a.b` / `facts.a.b`
chain becomes one top-level variable (`_p_facts__a__b`), `has(facts.a.b)` becomes a precomputed boolean, and
a gate's context holds only the values its rules read, with list elements cut down to the fields the
comprehension variables (`for_each` names and macro variables such as `p` in `x.exists(p, ...)`) use.
When the analysis cannot follow an expression, it keeps the whole value: correctness first.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

from ._template import MISSING, resolve_parts

ROOTS = frozenset({"subject", "facts"})
MACROS = frozenset({"all", "exists", "exists_one", "map", "filter"})
_IDENT = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")
_STRING_START = re.compile(r"(?:[rR][bB]?|[bB][rR]?)?(\"\"\"|'''|\"|')")
_NUMBER = re.compile(r"(?:0[xX][0-9a-fA-F]+|\d+(?:\.\d+)?(?:[eE][+-]?\d+)?)[uU]?")
VARIABLE_PREFIX = "_p_"
HAS_PREFIX = "_h_"


@dataclass(frozen=True)
class Token:
    kind: str  # ident | string | number | punct
    text: str
    start: int
    end: int


def tokenize(source: str) -> list[Token]:
    """CEL tokens without whitespace and comments (strings kept whole, so their contents are never paths)."""
    tokens: list[Token] = []
    position = 0
    length = len(source)
    while position < length:
        char = source[position]
        if char.isspace():
            position += 1
            continue
        if source.startswith("//", position):
            newline = source.find("\n", position)
            position = length if newline < 0 else newline + 1
            continue
        string = _STRING_START.match(source, position)
        if string:
            quote = string.group(1)
            raw = "r" in string.group(0)[: -len(quote)].lower()
            cursor = string.end()
            while cursor < length and not source.startswith(quote, cursor):
                cursor += 2 if source[cursor] == "\\" and not raw else 1
            end = min(cursor + len(quote), length)
            tokens.append(Token("string", source[position:end], position, end))
            position = end
            continue
        number = _NUMBER.match(source, position)
        if number and (char.isdigit()):
            tokens.append(Token("number", number.group(0), position, number.end()))
            position = number.end()
            continue
        ident = _IDENT.match(source, position)
        if ident:
            tokens.append(Token("ident", ident.group(0), position, ident.end()))
            position = ident.end()
            continue
        tokens.append(Token("punct", char, position, position + 1))
        position += 1
    return tokens


def _chains(tokens: list[Token]) -> Iterable[tuple[list[str], bool]]:
    """Each dotted chain of identifiers (not after a `.`), and whether a call follows it."""
    index = 0
    while index < len(tokens):
        token = tokens[index]
        if token.kind != "ident" or (index and tokens[index - 1].text == "."):
            index += 1
            continue
        end = _chain(tokens, index)
        called = end + 1 < len(tokens) and tokens[end + 1].text == "("
        yield [t.text for t in tokens[index : end + 1 : 2]], called
        index = end + 1


def read_paths(expression: str, roots: Iterable[str]) -> tuple[str, ...]:
    """Dotted paths rooted at one of `roots` that the expression reads, in order of first use.

    A trailing method call is not part of the path: `facts.capabilities.high.size()` reads
    `facts.capabilities.high`. String literals and comments are never paths.
    """
    allowed = set(roots)
    found: dict[str, None] = {}
    for names, called in _chains(tokenize(expression)):
        parts = names[:-1] if called else names
        if parts and parts[0] in allowed:
            found[".".join(parts)] = None
    return tuple(found)


def macro_bindings(expression: str) -> set[str]:
    """Names bound by comprehension macros (`x` in `list.exists(x, ...)`)."""
    tokens = tokenize(expression)
    return {
        tokens[i + 2].text
        for i in range(1, len(tokens) - 3)
        if tokens[i].text in MACROS
        and tokens[i - 1].text == "."
        and tokens[i + 1].text == "("
        and tokens[i + 2].kind == "ident"
        and tokens[i + 3].text == ","
    }


@dataclass
class Node:
    """What a rule needs of a value: all of it, or some fields, or list elements (`[]`), or only a list's
    size."""

    whole: bool = False
    size_only: bool = False
    children: dict[str, Node] = field(default_factory=dict)

    def child(self, key: str) -> Node:
        return self.children.setdefault(key, Node())

    def merge(self, other: Node) -> None:
        self.whole = self.whole or other.whole
        self.size_only = self.size_only or other.size_only
        for key, node in other.children.items():
            self.child(key).merge(node)


def project(value: Any, node: Node) -> Any:
    """The part of `value` that `node` says is read; missing keys stay missing, so errors stay the same."""
    if node.whole:
        return value
    if isinstance(value, list):
        element = node.children.get("[]")
        if element is None:
            return [None] * len(value) if not node.children else value
        return [project(item, element) for item in value]
    if isinstance(value, dict):
        if node.size_only or "[]" in node.children:
            return value  # size() of a map or iteration over its keys needs every key
        return {key: project(value[key], child) for key, child in node.children.items() if key in value}
    return value


def projector(node: Node) -> Callable[[Any], Any]:
    """`project(value, node)` as a function made once per node: the same result, without re-reading the
    node."""
    if node.whole:
        return _same
    element = node.children.get("[]")
    element_projector = projector(element) if element is not None else None
    no_children = not node.children
    map_whole = node.size_only or element is not None
    fields = tuple((key, projector(child)) for key, child in node.children.items())

    def run(value: Any) -> Any:
        if isinstance(value, list):
            if element_projector is None:
                return [None] * len(value) if no_children else value
            return [element_projector(item) for item in value]
        if isinstance(value, dict):
            if map_whole:
                return value
            return {key: project_field(value[key]) for key, project_field in fields if key in value}
        return value

    return run


def _same(value: Any) -> Any:
    return value


def variable_name(path: str) -> str:
    return VARIABLE_PREFIX + path.replace(".", "__")


def path_of_variable(name: str) -> str:
    return name[len(VARIABLE_PREFIX) :].replace("__", ".")


@dataclass
class Rewritten:
    """A rewritten expression and what its evaluation context must hold."""

    source: str
    variables: dict[str, Node]  # dotted path -> what is read of it
    presence: dict[str, str]  # has-variable name -> dotted path
    whole_roots: set[str]  # roots used bare (kept whole, as `subject` / `facts`)
    exact: bool  # False when a comprehension could not be followed; then nothing is cut from lists


def _chain(tokens: list[Token], index: int) -> int:
    """Index of the last identifier of the dotted chain that starts at `index`."""
    end = index
    while (
        end + 2 < len(tokens)
        and tokens[end + 1].text == "."
        and tokens[end + 2].kind == "ident"
        and tokens[end + 1].end == tokens[end + 1].start + 1
    ):
        end += 2
    return end


def rewrite(expression: str) -> Rewritten:
    """Rewrite root chains to variables and collect what the expression reads."""
    tokens = tokenize(expression)
    bindings: dict[str, list[str]] = {}
    variables: dict[str, Node] = {}
    presence: dict[str, str] = {}
    whole_roots: set[str] = set()
    exact = True
    edits: list[tuple[int, int, str]] = []

    def need(path: str, *, whole: bool = False, size_only: bool = False) -> None:
        """Record that `path` is read. Root chains are variables; element paths (`facts.parties.[].x`)
        attach to the variable holding their list."""
        nonlocal exact
        if ".[]" not in path:
            node = variables.setdefault(path, Node())
        else:
            owners = [key for key in variables if path.startswith(key + ".[]")]
            if not owners:
                exact = False
                return
            owner = max(owners, key=len)
            node = variables[owner]
            for part in path[len(owner) + 1 :].split("."):
                node = node.child(part)
        node.whole = node.whole or whole
        node.size_only = node.size_only or size_only

    # First pass: macro bindings, so chains on bound names resolve to element paths.
    declarations: set[int] = set()  # token positions of the names macros bind (`p` in `exists(p, ...)`)
    for index, token in enumerate(tokens):
        if (
            token.kind == "ident"
            and token.text in MACROS
            and index >= 1
            and tokens[index - 1].text == "."
            and index + 3 < len(tokens)
            and tokens[index + 1].text == "("
            and tokens[index + 2].kind == "ident"
            and tokens[index + 3].text == ","
        ):
            name = tokens[index + 2].text
            declarations.add(index + 2)
            receiver = _receiver_paths(tokens, index - 2, bindings)
            if name in ROOTS or receiver is None:
                exact = False
                bindings.setdefault(name, [])
            else:
                bindings.setdefault(name, []).extend(f"{path}.[]" for path in receiver)

    index = 0
    while index < len(tokens):
        token = tokens[index]
        previous = tokens[index - 1].text if index else ""
        if token.kind != "ident" or previous == "." or index in declarations:
            index += 1
            continue
        # has(root.a.b) -> precomputed boolean
        if token.text == "has" and index + 2 < len(tokens) and tokens[index + 1].text == "(":
            start = index + 2
            end = _chain(tokens, start)
            if (
                tokens[start].kind == "ident"
                and tokens[start].text in ROOTS
                and end > start
                and end + 1 < len(tokens)
                and tokens[end + 1].text == ")"
            ):
                path = ".".join(t.text for t in tokens[start : end + 1 : 2])
                name = HAS_PREFIX + path.replace(".", "__")
                presence[name] = path
                edits.append((token.start, tokens[end + 1].end, name))
                index = end + 2
                continue
        end = _chain(tokens, index)
        names = [t.text for t in tokens[index : end + 1 : 2]]
        called = end + 1 < len(tokens) and tokens[end + 1].text == "("
        indexed = end + 1 < len(tokens) and tokens[end + 1].text == "["
        method = names[-1] if called else None
        receiver = names[:-1] if called else names
        root = names[0]
        if root in ROOTS:
            if len(receiver) == 1:
                whole_roots.add(root)
            else:
                path = ".".join(receiver)
                if method in MACROS:
                    need(path)  # elements are recorded through the bound name
                else:
                    need(path, whole=method != "size" or indexed, size_only=method == "size")
                last = index + 2 * (len(receiver) - 1)
                edits.append((tokens[index].start, tokens[last].end, variable_name(path)))
        elif root in bindings and len(receiver) >= 1:
            if not bindings[root]:
                exact = False
            for element in bindings[root]:
                path = ".".join([element, *receiver[1:]])
                if method in MACROS:
                    need(path)
                else:
                    need(path, whole=method != "size" or indexed, size_only=method == "size")
        index = end + 1

    source = expression
    for start, end, replacement in sorted(edits, reverse=True):
        source = source[:start] + replacement + source[end:]
    return Rewritten(source, variables, presence, whole_roots, exact)


def _receiver_paths(tokens: list[Token], last: int, bindings: dict[str, list[str]]) -> list[str] | None:
    """Element paths of the chain ending at token `last` (the receiver of a macro), or None if not a chain."""
    if last < 0 or tokens[last].kind != "ident":
        return None
    start = last
    while start >= 2 and tokens[start - 1].text == "." and tokens[start - 2].kind == "ident":
        start -= 2
    if start >= 1 and tokens[start - 1].text == ".":
        return None  # a chain on the result of a call or index: cannot follow
    names = [t.text for t in tokens[start : last + 1 : 2]]
    if names[0] in ROOTS:
        return [".".join(names)] if len(names) > 1 else None
    if names[0] in bindings and bindings[names[0]]:
        return [".".join([element, *names[1:]]) for element in bindings[names[0]]]
    return None


@dataclass
class GatePlan:
    """Everything a gate's evaluation context must hold, merged over all the gate's rules."""

    variables: dict[str, Node] = field(default_factory=dict)
    presence: dict[str, str] = field(default_factory=dict)
    whole_roots: set[str] = field(default_factory=set)
    exact: bool = True

    collections: set[str] = field(default_factory=set)  # lists whose length picks a rule's program
    _presence: list[tuple[str, tuple[str, ...], str]] = field(default_factory=list)  # set by `compile`

    def add(self, rewritten: Rewritten) -> None:
        for path, node in rewritten.variables.items():
            self.variables.setdefault(path, Node()).merge(node)
        self.presence.update(rewritten.presence)
        self.whole_roots |= rewritten.whole_roots
        self.exact = self.exact and rewritten.exact

    def compile(self) -> list[tuple[str, tuple[str, ...], Callable[[Any], Any]]]:
        """(variable, path split at its dots, projection) in a stable order."""
        plan: list[tuple[str, tuple[str, ...], Callable[[Any], Any]]] = []
        for path, node in sorted(self.variables.items()):
            plan.append(
                (variable_name(path), tuple(path.split(".")), projector(node) if self.exact else _same)
            )
        self._presence = [
            (name, tuple(parent.split(".")), key)
            for name, (parent, _, key) in (
                (name, path.rpartition(".")) for name, path in self.presence.items()
            )
        ]
        return plan

    def context(
        self, plan: Iterable[tuple[str, tuple[str, ...], Callable[[Any], Any]]], scope: dict[str, Any]
    ) -> dict[str, Any]:
        variables: dict[str, Any] = {}
        for name, parts, project_value in plan:
            value = resolve_parts(scope, parts)
            if value is not MISSING:
                variables[name] = project_value(value)
        for name, parent, key in self._presence:
            # As in CEL: has(a.b.c) is an error unless a.b is a map, so leave the flag undefined then.
            container = resolve_parts(scope, parent)
            if isinstance(container, dict):
                variables[name] = key in container
        for root in self.whole_roots:
            variables[root] = scope[root]
        return variables


class Unrolled:
    """A for_each rule as one list of per-element tests, `[when(x[0]), when(x[1]), ...]`.

    CEL comprehensions cost about 1.5 us per element in the binding, whatever they do; indexing costs a
    fraction of that. Programs are compiled per collection length, ahead of time for short collections and
    on first use (up to `MAX_UNROLLED`) for longer ones; beyond that the rule's `map` program is used.
    """

    PRECOMPILED = 4
    MAX_UNROLLED = 32

    def __init__(self, chunks: list[str], collection_variable: str) -> None:
        self._chunks = chunks  # the `when` source split at each use of the for_each name
        self._collection = collection_variable
        self._programs: dict[int, Any] = {}

    def _tests(self, length: int) -> list[str]:
        return ["(" + f"{self._collection}[{index}]".join(self._chunks) + ")" for index in range(length)]

    def source(self, length: int) -> str:
        return "[" + ", ".join(self._tests(length)) + "]"

    def summary(self, length: int) -> str:
        """`(when(x[0]) || when(x[1]) || ...)`, false exactly when every element's test is false: CEL's `||`
        is true when either side is true, false when both are false, and an error otherwise."""
        return "(" + " || ".join(self._tests(length)) + ")"

    def precompile(self, compile_program: Any) -> None:
        for length in range(1, self.PRECOMPILED + 1):
            self._programs[length] = compile_program(self.source(length))

    def program(self, length: int, compile_program: Any) -> Any | None:
        if length not in self._programs and length <= self.MAX_UNROLLED:
            self._programs[length] = _try_compile(compile_program, self.source(length))
        return self._programs.get(length)


def _try_compile(compile_program: Any, source: str) -> Any | None:
    """Compile a generated form; None (use the rule's own program) if the CEL compiler refuses it."""
    try:
        return compile_program(source)
    except (ValueError, RuntimeError):
        return None


def unroll(when: str, name: str, collection: str) -> Unrolled | None:
    """Split a for_each rule's `when` at each use of `name`; None when a macro rebinds the name."""
    rewritten = rewrite(when).source
    tokens = tokenize(rewritten)
    cuts: list[Token] = []
    for index, token in enumerate(tokens):
        if token.kind != "ident" or token.text != name or (index and tokens[index - 1].text == "."):
            continue
        if (
            index + 1 < len(tokens)
            and tokens[index + 1].text == ","
            and index >= 2
            and tokens[index - 1].text == "("
        ):
            return None  # `exists(name, ...)` shadows the for_each name: keep the comprehension
        cuts.append(token)
    chunks: list[str] = []
    position = 0
    for token in cuts:
        chunks.append(rewritten[position : token.start])
        position = token.end
    chunks.append(rewritten[position:])
    return Unrolled(chunks, variable_name(collection))


@dataclass(frozen=True)
class _Macro:
    start: int  # where `_p_x.exists(v, body)` starts in the rewritten source
    end: int  # just after its closing parenthesis
    kind: str  # exists | all
    receiver: str  # the list variable
    chunks: tuple[str, ...]  # the body split at each use of the bound name


class Expanded:
    """`list.exists(v, body)` and `list.all(v, body)` over a subject or facts list, written out per element
    (`(body[0] || body[1] || ...)`), like `Unrolled` does for for_each rules. This is how the CEL
    specification defines the two macros, including its error rule: an element that fails is ignored when
    another element settles the answer (the binding's comprehension instead stops at the first error).
    Programs are compiled per combination of list lengths on first use (lengths up to `MAX_LENGTH`), else
    the comprehension runs.
    """

    MAX_LENGTH = 16
    MAX_VARIANTS = 64

    def __init__(self, source: str, macros: list[_Macro]) -> None:
        self._source = source
        self._macros = macros
        self.paths = tuple(dict.fromkeys(path_of_variable(m.receiver) for m in macros))
        self._programs: dict[tuple[int, ...], Any] = {}

    def source(self, lengths: dict[str, int]) -> str:
        parts: list[str] = []
        position = 0
        for macro in self._macros:
            parts.append(self._source[position : macro.start])
            length = lengths[path_of_variable(macro.receiver)]
            joiner, empty = (" || ", "false") if macro.kind == "exists" else (" && ", "true")
            tests = [f"({f'{macro.receiver}[{i}]'.join(macro.chunks)})" for i in range(length)]
            parts.append(f"({joiner.join(tests)})" if tests else empty)
            position = macro.end
        parts.append(self._source[position:])
        return "".join(parts)

    def program(self, lengths: tuple[int, ...], compile_program: Any) -> Any | None:
        """The program for these receiver lengths (in `paths` order; -1 = not a list), or None to use the
        comprehension."""
        program = self._programs.get(lengths)
        if program is None and lengths not in self._programs:
            if min(lengths) < 0 or max(lengths) > self.MAX_LENGTH or len(self._programs) >= self.MAX_VARIANTS:
                return None
            source = self.source(dict(zip(self.paths, lengths, strict=True)))
            program = self._programs[lengths] = _try_compile(compile_program, source)
        return program


def expand(rewritten_source: str) -> Expanded | None:
    """Find the outermost `_p_list.exists(v, ...)` / `.all(v, ...)` calls; None when there are none."""
    tokens = tokenize(rewritten_source)
    macros: list[_Macro] = []
    index = 0
    while index < len(tokens):
        token = tokens[index]
        if not (
            token.kind == "ident"
            and token.text.startswith(VARIABLE_PREFIX)
            and (index == 0 or tokens[index - 1].text != ".")
            and index + 5 < len(tokens)
            and tokens[index + 1].text == "."
            and tokens[index + 2].text in ("exists", "all")
            and tokens[index + 3].text == "("
            and tokens[index + 4].kind == "ident"
            and tokens[index + 5].text == ","
        ):
            index += 1
            continue
        close = _closing(tokens, index + 3)
        name = tokens[index + 4].text
        body = tokens[index + 6 : close] if close is not None else []
        if (
            close is None
            or not body
            or name in macro_bindings(rewritten_source[body[0].start : body[-1].end])
        ):
            index += 1
            continue
        cuts = [
            t for position, t in enumerate(body) if t.kind == "ident" and t.text == name
            and (position == 0 or body[position - 1].text != ".")
        ]  # fmt: skip
        chunks, cursor = [], body[0].start
        for cut in cuts:
            chunks.append(rewritten_source[cursor : cut.start])
            cursor = cut.end
        chunks.append(rewritten_source[cursor : body[-1].end])
        macros.append(
            _Macro(token.start, tokens[close].end, tokens[index + 2].text, token.text, tuple(chunks))
        )
        index = close + 1
    return Expanded(rewritten_source, macros) if macros else None


def _closing(tokens: list[Token], opening: int) -> int | None:
    depth = 0
    for position in range(opening, len(tokens)):
        text = tokens[position].text
        if tokens[position].kind != "punct":
            continue
        if text == "(":
            depth += 1
        elif text == ")":
            depth -= 1
            if depth == 0:
                return position
    return None
