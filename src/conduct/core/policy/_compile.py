"""Rewriting a rule's CEL so it runs fast in the `cel` binding, and knowing exactly what it reads.

The binding deep-copies a map on every field selection, so `facts.parties` costs as much as copying all
facts, and converting a Python string into CEL costs microseconds. So each `subject.a.b` / `facts.a.b`
chain becomes one top-level variable (`_p_facts__a__b`), `has(facts.a.b)` becomes a precomputed boolean, and
a gate's context holds only the values its rules read, with list elements cut down to the fields the
comprehension variables (`for_each` names and macro variables such as `p` in `x.exists(p, ...)`) use.
When the analysis cannot follow an expression, it keeps the whole value: correctness first.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from ._cel import MACROS, ROOTS, Token, _chain, _closing, macro_bindings, read_paths, tokenize
from ._plan import HAS_PREFIX, VARIABLE_PREFIX, Node, Rewritten, path_of_variable, project, variable_name

# Also read from here: the loader and the tests know them as part of the compiler.
__all__ = [
    "Expanded",
    "Node",
    "Rewritten",
    "Unrolled",
    "expand",
    "macro_bindings",
    "project",
    "read_paths",
    "rewrite",
    "tokenize",
    "unroll",
]


def rewrite(expression: str) -> Rewritten:
    """Rewrite root chains to variables and collect what the expression reads."""
    tokens = tokenize(expression)
    # First pass: macro bindings, so chains on bound names resolve to element paths.
    bindings, declarations, exact = _macro_scopes(tokens)
    reads = Rewritten(expression, {}, {}, set(), exact)  # its source is set once the edits are known
    edits: list[tuple[int, int, str]] = []
    index = 0
    while index < len(tokens):
        token = tokens[index]
        previous = tokens[index - 1].text if index else ""
        if token.kind != "ident" or previous == "." or index in declarations:
            index += 1
            continue
        # has(root.a.b) -> precomputed boolean
        end = _has_chain(tokens, index)
        if end is not None:
            path = ".".join(t.text for t in tokens[index + 2 : end + 1 : 2])
            name = HAS_PREFIX + path.replace(".", "__")
            reads.presence[name] = path
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
                reads.whole_roots.add(root)
            else:
                path = ".".join(receiver)
                _need(reads, path, method, indexed)
                last = index + 2 * (len(receiver) - 1)
                edits.append((tokens[index].start, tokens[last].end, variable_name(path)))
        elif root in bindings and len(receiver) >= 1:
            if not bindings[root]:
                reads.exact = False
            for element in bindings[root]:
                _need(reads, ".".join([element, *receiver[1:]]), method, indexed)
        index = end + 1

    source = expression
    for start, end, replacement in sorted(edits, reverse=True):
        source = source[:start] + replacement + source[end:]
    reads.source = source
    return reads


def _macro_scopes(tokens: list[Token]) -> tuple[dict[str, list[str]], set[int], bool]:
    """The names comprehension macros bind, each with the element paths it stands for; the token positions
    of those names (`p` in `exists(p, ...)`); and False when a macro's receiver cannot be followed."""
    bindings: dict[str, list[str]] = {}
    declarations: set[int] = set()
    exact = True
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
    return bindings, declarations, exact


def _has_chain(tokens: list[Token], index: int) -> int | None:
    """For `has(root.a.b)` starting at token `index`: the position of the chain's last name, else None."""
    if tokens[index].text != "has" or index + 2 >= len(tokens) or tokens[index + 1].text != "(":
        return None
    start = index + 2
    end = _chain(tokens, start)
    if (
        tokens[start].kind == "ident"
        and tokens[start].text in ROOTS
        and end > start
        and end + 1 < len(tokens)
        and tokens[end + 1].text == ")"
    ):
        return end
    return None


def _need(reads: Rewritten, path: str, method: str | None, indexed: bool) -> None:
    """Record that `path` is read: through a macro (its elements are recorded through the bound name), for
    its size only, or whole. Root chains are variables; element paths (`facts.parties.[].x`) attach to the
    variable holding their list."""
    whole = method not in MACROS and (method != "size" or indexed)
    size_only = method not in MACROS and method == "size"
    if ".[]" not in path:
        node = reads.variables.setdefault(path, Node())
    else:
        owners = [key for key in reads.variables if path.startswith(key + ".[]")]
        if not owners:
            reads.exact = False
            return
        owner = max(owners, key=len)
        node = reads.variables[owner]
        for part in path[len(owner) + 1 :].split("."):
            node = node.child(part)
    node.whole = node.whole or whole
    node.size_only = node.size_only or size_only


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
