"""CEL source as tokens, and what can be read off them: dotted paths and the names macros bind."""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass

ROOTS = frozenset({"subject", "facts"})
MACROS = frozenset({"all", "exists", "exists_one", "map", "filter"})
_IDENT = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")
_STRING_START = re.compile(r"(?:[rR][bB]?|[bB][rR]?)?(\"\"\"|'''|\"|')")
_NUMBER = re.compile(r"(?:0[xX][0-9a-fA-F]+|\d+(?:\.\d+)?(?:[eE][+-]?\d+)?)[uU]?")


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
