"""The one YAML reader of `conduct.core`: it remembers line numbers and reads YAML 1.2 booleans.

Two views of the same parse serve the engines: `compose_node` gives the YAML nodes (the catalog checks their
shape node by node), `load_located` gives plain data whose mappings and lists carry their lines (the policy
packs). Both use one loader (libyaml when available; only true/false are booleans, so `country: NO` stays
"NO"), reject duplicate keys, and report a problem as a `YamlProblem` with its 1-based line.
"""

from __future__ import annotations

import re
from typing import Any

import yaml

__all__ = [
    "STR_TAG",
    "LocatedDict",
    "LocatedList",
    "YamlProblem",
    "compose_node",
    "describe",
    "line_of",
    "load_located",
]

STR_TAG = "tag:yaml.org,2002:str"
_BOOL_TAG = "tag:yaml.org,2002:bool"
_SCALAR_TYPES = {
    STR_TAG: "text",
    "tag:yaml.org,2002:int": "integer",
    "tag:yaml.org,2002:float": "number",
    _BOOL_TAG: "true/false",
    "tag:yaml.org,2002:null": "nothing (null)",
    "tag:yaml.org,2002:timestamp": "a date",
}


class YamlProblem(Exception):
    """A YAML text that cannot be read: the 1-based line (None when unknown) and the reason."""

    def __init__(self, line: int | None, message: str) -> None:
        super().__init__(message)
        self.line = line
        self.message = message


class LocatedDict(dict[str, Any]):
    """A mapping read from YAML, with the line of the mapping and of each key (1-based)."""

    line: int = 0

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.key_lines: dict[str, int] = {}

    def line_of(self, key: str) -> int:
        return self.key_lines.get(key, self.line)


class LocatedList(list[Any]):
    """A sequence read from YAML, with the line of the sequence and of each item (1-based)."""

    line: int = 0

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.item_lines: list[int] = []

    def line_of(self, index: int) -> int:
        return self.item_lines[index] if 0 <= index < len(self.item_lines) else self.line


_Base: Any = getattr(yaml, "CSafeLoader", yaml.SafeLoader)  # libyaml's parser when available: ~5x faster


class _Loader(_Base):  # type: ignore[misc]  # the base is chosen at run time
    """SafeLoader with YAML 1.2 booleans and located mappings and lists."""


_Loader.yaml_implicit_resolvers = {
    first: [(tag, regexp) for tag, regexp in resolvers if tag != _BOOL_TAG]
    for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}
_Loader.add_implicit_resolver(_BOOL_TAG, re.compile(r"^(?:true|True|TRUE|false|False|FALSE)$"), list("tTfF"))


def _construct_mapping(loader: _Loader, node: yaml.MappingNode) -> LocatedDict:
    explicit = sum(1 for key_node, _ in node.value if key_node.tag != "tag:yaml.org,2002:merge")
    loader.flatten_mapping(node)  # merged (`<<: *anchor`) pairs come first; explicit keys may override them
    merged = len(node.value) - explicit
    result = LocatedDict()
    result.line = node.start_mark.line + 1
    written: set[str] = set()
    for position, (key_node, value_node) in enumerate(node.value):
        raw_key = loader.construct_object(key_node, deep=True)
        key = raw_key if isinstance(raw_key, str) else str(raw_key)
        line = key_node.start_mark.line + 1
        if position >= merged:
            if key in written:
                raise YamlProblem(line, f"duplicate key {key!r} (first at line {result.key_lines[key]})")
            written.add(key)
        result[key] = loader.construct_object(value_node, deep=True)
        result.key_lines[key] = line
    return result


def _construct_sequence(loader: _Loader, node: yaml.SequenceNode) -> LocatedList:
    result = LocatedList()
    result.line = node.start_mark.line + 1
    for item_node in node.value:
        result.append(loader.construct_object(item_node, deep=True))
        result.item_lines.append(item_node.start_mark.line + 1)
    return result


_Loader.add_constructor("tag:yaml.org,2002:map", _construct_mapping)
_Loader.add_constructor("tag:yaml.org,2002:seq", _construct_sequence)


def line_of(node: yaml.Node) -> int:
    """The 1-based line a node starts on."""
    return int(node.start_mark.line) + 1


def describe(node: yaml.Node) -> str:
    """What a node holds, in words for an error message ("a mapping", "text", "a date", ...)."""
    if isinstance(node, yaml.MappingNode):
        return "a mapping"
    if isinstance(node, yaml.SequenceNode):
        return "a list"
    return _SCALAR_TYPES.get(node.tag, f"a value tagged {node.tag}")


def _syntax_problem(exc: yaml.YAMLError, prefix: str) -> YamlProblem:
    if not isinstance(exc, yaml.MarkedYAMLError):
        return YamlProblem(None, f"{prefix}: {exc}")
    mark = exc.problem_mark or exc.context_mark
    line = int(mark.line) + 1 if mark is not None else None
    reason = " ".join(part for part in (exc.context, exc.problem) if part) or str(exc)
    if exc.context_mark is not None and line is not None and exc.context_mark.line + 1 != line:
        reason += f" (the construct began at line {exc.context_mark.line + 1})"
    return YamlProblem(line, f"{prefix}: {reason}")


def compose_node(text: str) -> yaml.Node:
    """Parse one YAML document into nodes; a syntax error, an empty file or a second document is a problem."""
    try:
        documents = list(yaml.compose_all(text, Loader=_Loader))
    except yaml.YAMLError as exc:
        raise _syntax_problem(exc, "invalid YAML") from exc
    if not documents or documents[0] is None:
        raise YamlProblem(None, "file is empty")
    if len(documents) > 1:
        raise YamlProblem(line_of(documents[1]), "file holds more than one YAML document")
    node: yaml.Node = documents[0]
    return node


def load_located(text: str) -> Any:
    """Parse one YAML document into data with located mappings and lists (None for an empty text)."""
    try:
        return yaml.load(text, Loader=_Loader)  # noqa: S506 - _Loader is a SafeLoader subclass
    except yaml.YAMLError as exc:
        raise _syntax_problem(exc, "YAML syntax error") from exc
