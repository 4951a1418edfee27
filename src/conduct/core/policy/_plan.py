"""What a gate's evaluation context holds: one variable per `subject.a.b` / `facts.a.b` chain its rules read,
cut down to the fields they use, plus the precomputed `has()` flags (see _compile)."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

from ._template import MISSING, resolve_parts

VARIABLE_PREFIX = "_p_"
HAS_PREFIX = "_h_"


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
